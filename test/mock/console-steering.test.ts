import { request as httpRequest } from 'node:http';
import { arkivmeldingKvittering, avtalt, messageIdOf } from 'eformidling';
import { DPV_ORGANISATION, defaultNetwork, EINNSYN, PERSON } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { sendWithSdk, startConsole } from './console-harness.js';
import { DEPARTEMENT, KOMMUNE } from './fixtures.js';

/**
 * Steering from the console: acting as the other side of a message the SDK sent (deliver, read, fail, expire) and
 * composing messages the SDK's receive side gets. Every outcome is checked through the SDK, as a user's code sees it.
 */

const statusesOf = async (session: Awaited<ReturnType<typeof startConsole>>, orgnr: string, id: string) => {
  const out: string[] = [];
  for await (const s of session.client(orgnr).statuses.forMessage(id)) out.push(s.status);
  return out;
};

const post = (session: Awaited<ReturnType<typeof startConsole>>, path: string, json: unknown = {}) =>
  session.api(path, { method: 'POST', json });

describe('console steering: acting as the other side', () => {
  it('deliver: the SDK tracker sees LEVERT once the receiver took the message', async () => {
    const session = await startConsole({ autoDeliver: true, deliveryDelayMs: 60_000 });
    const ip = session.client(DEPARTEMENT);
    const id = await sendWithSdk(ip);
    const tracker = ip.track([id], { strategy: 'search', pollIntervalMs: 10, maxPollIntervalMs: 20 });
    try {
      const answer = await post(session, `/messages/${DEPARTEMENT}/out/${id}/deliver`);
      expect(answer.status).toBe(200);
      expect(answer.body.messages.map((m: { key: string; status: string }) => [m.key, m.status])).toEqual([
        [`${DEPARTEMENT}/out/${id}`, 'LEVERT'],
        [`${KOMMUNE}/in/${id}`, 'INNKOMMENDE_LEVERT'],
      ]);
      const history = await tracker.waitFor(id, { until: 'LEVERT', timeoutMs: 5000 });
      expect(history.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    } finally {
      await tracker.stop();
    }
    expect(await session.client(KOMMUNE).incoming.peek()).toBeNull();
    const again = await post(session, `/messages/${KOMMUNE}/in/${id}/deliver`);
    expect(again).toMatchObject({ status: 409, body: { error: 'conflict' } });
  });

  it('deliver without acknowledge only moves it through the carrier: the receiver finds it in its queue', async () => {
    const session = await startConsole();
    const id = await sendWithSdk(session.client(DEPARTEMENT));
    await post(session, `/messages/${DEPARTEMENT}/out/${id}/deliver`, { acknowledge: false });
    expect(await statusesOf(session, DEPARTEMENT, id)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT']);
    const received = await session.client(KOMMUNE).incoming.receiveOne();
    expect(received?.messageId).toBe(id);
    await received?.ack();
    // The LEVERT the receiver's delete sent back is in transit: delivering moves it, and then nothing is left.
    expect((await post(session, `/messages/${DEPARTEMENT}/out/${id}/deliver`, { acknowledge: false })).body.messages[0].status).toBe(
      'LEVERT',
    );
    expect((await post(session, `/messages/${DEPARTEMENT}/out/${id}/deliver`, { acknowledge: false })).status).toBe(409);
    expect((await post(session, `/messages/${DEPARTEMENT}/out/${id}/deliver`, { acknowledge: 'yes' })).status).toBe(400);
  });

  it('read: the receiver sends an arkivmelding_kvittering back; the sender sees LEST and finds the kvittering', async () => {
    const session = await startConsole();
    const ip = session.client(DEPARTEMENT);
    const id = await sendWithSdk(ip);
    const answer = await post(session, `/messages/${DEPARTEMENT}/out/${id}/read`);
    expect(answer.status).toBe(200);
    expect(await statusesOf(session, DEPARTEMENT, id)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'LEST']);
    const kvittering = await ip.incoming.receiveOne();
    expect(kvittering).toMatchObject({ type: 'arkivmelding_kvittering', sender: `0192:${KOMMUNE}` });
    expect(kvittering?.businessMessage).toMatchObject({ relatedToMessageId: id, receiptType: 'OK' });
    await kvittering?.ack();
    expect((await post(session, `/messages/${KOMMUNE}/in/${id}/read`)).body).toMatchObject({ error: 'conflict' });
  });

  it('read: a message to a receiver without an IP turns LEST directly; a failed one cannot be read', async () => {
    const session = await startConsole();
    const ip = session.client(DEPARTEMENT);
    const id = await sendWithSdk(ip, 'Brev', DPV_ORGANISATION);
    expect((await post(session, `/messages/${DEPARTEMENT}/out/${id}/read`)).status).toBe(200);
    expect(await statusesOf(session, DEPARTEMENT, id)).toEqual(['OPPRETTET', 'SENDT', 'LEVERT', 'LEST']);

    const other = await sendWithSdk(ip);
    await post(session, `/messages/${DEPARTEMENT}/out/${other}/fail`, { reason: 'Mottaker finnes ikke' });
    expect((await post(session, `/messages/${DEPARTEMENT}/out/${other}/read`)).status).toBe(409);
  });

  it('fail: FEIL with the reason on every open conversation, and the message leaves the receiver’s queue', async () => {
    const session = await startConsole();
    const ip = session.client(DEPARTEMENT);
    const id = await sendWithSdk(ip);
    await post(session, `/messages/${DEPARTEMENT}/out/${id}/deliver`, { acknowledge: false });
    const answer = await post(session, `/messages/${KOMMUNE}/in/${id}/fail`, { reason: 'Virus i vedlegg' });
    expect(answer.body.messages.map((m: { status: string }) => m.status)).toEqual(['FEIL', 'FEIL']);
    const statuses: { status: string; description?: string }[] = [];
    for await (const s of ip.statuses.forMessage(id)) statuses.push(s);
    expect(statuses.at(-1)).toMatchObject({ status: 'FEIL', description: 'Virus i vedlegg' });
    expect(await session.client(KOMMUNE).incoming.peek()).toBeNull();
    expect((await post(session, `/messages/${DEPARTEMENT}/out/${id}/fail`)).status).toBe(409);
    expect((await post(session, `/messages/${DEPARTEMENT}/out/${id}/fail`, { reason: 7 })).status).toBe(400);
  });

  it('expire: LEVETID_UTLOPT before delivery, and the message never arrives', async () => {
    const session = await startConsole();
    const ip = session.client(DEPARTEMENT);
    const id = await sendWithSdk(ip);
    const answer = await post(session, `/messages/${DEPARTEMENT}/out/${id}/expire`);
    expect(answer.body.messages).toEqual([
      expect.objectContaining({ status: 'LEVETID_UTLOPT', outgoing: { state: 'removed', files: [] } }),
    ]);
    expect(session.server.simulator.deliverAll()).toBe(0);
    expect(await statusesOf(session, DEPARTEMENT, id)).toEqual(['OPPRETTET', 'LEVETID_UTLOPT']);
    expect((await post(session, `/messages/${DEPARTEMENT}/out/${id}/expire`)).status).toBe(409);
  });

  it('refuses unknown actions and messages', async () => {
    const session = await startConsole();
    const id = await sendWithSdk(session.client(DEPARTEMENT));
    expect((await post(session, `/messages/${DEPARTEMENT}/out/${id}/explode`)).body).toMatchObject({ error: 'not_found' });
    expect((await post(session, `/messages/${DEPARTEMENT}/out/nope/deliver`)).status).toBe(404);
  });
});

describe('console steering: compose', () => {
  it('a message from another IP reaches the SDK’s receive side (JSON, inline files, arkivmelding.xml generated)', async () => {
    const session = await startConsole();
    const answer = await post(session, '/compose', {
      from: KOMMUNE,
      to: DEPARTEMENT,
      type: 'arkivmelding',
      params: { tittel: 'Svar på søknad' },
      files: [
        { filename: 'svar.pdf', mimeType: 'application/pdf', base64: Buffer.from('%PDF svar').toString('base64') },
        { filename: 'note.txt', text: 'hei' },
      ],
      deliverNow: true,
    });
    expect(answer.status).toBe(201);
    const id = answer.body.messageId;
    expect(answer.body.messages.map((m: { key: string }) => m.key)).toEqual([`${DEPARTEMENT}/in/${id}`, `${KOMMUNE}/out/${id}`]);
    expect(answer.body.messages[1]).toMatchObject({ title: 'Svar på søknad', status: 'MOTTATT' });
    const received = await session.client(DEPARTEMENT).incoming.receiveOne();
    expect(received).toMatchObject({ messageId: id, type: 'arkivmelding', sender: `0192:${KOMMUNE}` });
    expect(received?.businessMessage).toMatchObject({ hoveddokument: 'svar.pdf' });
    const names = (await received?.asic?.entries())?.filter((e) => e.kind === 'document').map((e) => e.name);
    expect(names).toEqual(['svar.pdf', 'arkivmelding.xml', 'note.txt']);
    await received?.ack();
    expect(await statusesOf(session, KOMMUNE, id)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT']);
  });

  it('multipart from a participant without an IP: the message arrives straight in the receiver’s queue', async () => {
    const session = await startConsole();
    const form = new FormData();
    form.append('message', JSON.stringify({ from: DPV_ORGANISATION, to: DEPARTEMENT, type: 'arkivmelding', params: {} }));
    form.append('Søknaden', new Blob(['%PDF soknad'], { type: 'application/pdf' }), 'soknad.pdf');
    const res = await fetch(`${session.server.url}/console/api/compose`, { method: 'POST', body: form });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.messages).toEqual([
      expect.objectContaining({ key: `${DEPARTEMENT}/in/${body.messageId}`, status: 'INNKOMMENDE_MOTTATT', serviceIdentifier: 'DPO' }),
    ]);
    const detail = await session.api(`/messages/${DEPARTEMENT}/in/${body.messageId}`);
    expect(detail.body.incoming.files).toContainEqual(
      expect.objectContaining({ filename: 'soknad.pdf', title: 'Søknaden', primary: true }),
    );
    const loop = session.client(DEPARTEMENT);
    const received = await loop.incoming.receiveOne();
    expect(received).toMatchObject({ messageId: body.messageId, sender: `0192:${DPV_ORGANISATION}` });
    await received?.ack();
  });

  it('a whole SBD, a receipt without files, and the types it builds', async () => {
    const session = await startConsole();
    const types = await session.api('/compose/types');
    expect(types.body.types).toContainEqual({
      type: 'einnsyn_kvittering',
      defaultProcess: expect.stringContaining('einnsyn:response'),
      needsFiles: false,
    });
    expect(types.body.types).toHaveLength(10);
    const kvittering = await post(session, '/compose', {
      from: EINNSYN,
      to: KOMMUNE,
      type: 'einnsyn_kvittering',
      params: { dokumentId: 'd-1', status: 'publisert', referanseType: 'innsynskrav' },
      deliverNow: true,
    });
    expect(kvittering.status).toBe(201);
    const sbd = avtalt({ sender: KOMMUNE, receiver: DEPARTEMENT, identifier: 'urn:avtale:1', hoveddokument: 'a.pdf' });
    const whole = await post(session, '/compose', { from: KOMMUNE, to: DEPARTEMENT, sbd, files: [{ filename: 'a.pdf', text: 'a' }] });
    expect(whole.status).toBe(201);
    expect(whole.body.messageId).toBe(messageIdOf(sbd));
  });

  it('refuses what cannot be composed, with the IP’s own error where the IP refused it', async () => {
    const session = await startConsole();
    const compose = (json: unknown) => post(session, '/compose', json);
    expect((await compose({ from: '999999999', to: DEPARTEMENT, type: 'avtalt', files: [{ filename: 'a', text: 'a' }] })).status).toBe(404);
    expect((await compose({ from: KOMMUNE, to: PERSON, type: 'avtalt', files: [{ filename: 'a', text: 'a' }] })).status).toBe(404);
    expect((await compose({ from: KOMMUNE, to: DEPARTEMENT, type: 'arkivmelding' })).body.message).toMatch(/at least one file/);
    expect(
      (await compose({ from: KOMMUNE, to: DEPARTEMENT, type: 'arkivmelding', files: [{ filename: 'arkivmelding.xml', text: '<x/>' }] }))
        .status,
    ).toBe(400);
    expect((await compose({ from: KOMMUNE, to: DEPARTEMENT, type: 'telegram' })).body.message).toMatch(/^type: /);
    expect((await compose({ from: KOMMUNE, to: DEPARTEMENT })).body.message).toMatch(/a type .* or an sbd/);
    expect((await compose({ from: KOMMUNE, to: DEPARTEMENT, type: 'avtalt', files: [{ filename: 'a' }] })).status).toBe(400);
    const builder = await compose({
      from: KOMMUNE,
      to: DEPARTEMENT,
      type: 'avtalt',
      params: { expectedResponseDateTime: 'soon' },
      files: [{ filename: 'a', text: 'a' }],
    });
    expect(builder.status).toBe(400);
    const refused = await compose({
      from: KOMMUNE,
      to: DEPARTEMENT,
      type: 'innsynskrav',
      params: { orgnr: KOMMUNE, epost: 'a@b.no' },
      files: [{ filename: 'a.txt', text: 'a' }],
    });
    expect(refused).toMatchObject({
      status: 422,
      body: { error: 'ip_refused', details: { status: 400, exception: expect.stringContaining('ReceiverDoesNotAcceptProcessException') } },
    });
    const outside = await compose({
      from: PERSON,
      to: DEPARTEMENT,
      type: 'innsynskrav',
      params: { orgnr: KOMMUNE, epost: 'a@b.no' },
      files: [{ filename: 'a.txt', text: 'a' }],
    });
    expect(outside.status).toBe(422);
    const brokenForm = await fetch(`${session.server.url}/console/api/compose`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\na\r\n--xyz--\r\n',
    });
    expect((await brokenForm.json()).message).toMatch(/part named 'message'/);
  });
});

describe('console steering: edges', () => {
  it('read after delivery, and read without a sender in the network', async () => {
    const session = await startConsole();
    const id = await sendWithSdk(session.client(DEPARTEMENT));
    await post(session, `/messages/${DEPARTEMENT}/out/${id}/deliver`);
    expect((await post(session, `/messages/${DEPARTEMENT}/out/${id}/read`)).body.messages[0].status).toBe('LEST');
    const composed = await post(session, '/compose', {
      from: DPV_ORGANISATION,
      to: DEPARTEMENT,
      type: 'avtalt',
      params: { identifier: 'urn:x' },
    });
    const read = await post(session, `/messages/${DEPARTEMENT}/in/${composed.body.messageId}/read`);
    expect(read).toMatchObject({ status: 409, body: { message: expect.stringMatching(/no sender/) } });
  });

  it('read registers LEST directly when the sender does not take kvitteringer', async () => {
    const network = defaultNetwork();
    const departement = network.participants.find((p) => p.id === DEPARTEMENT);
    if (departement) departement.accepts = departement.accepts.filter((a) => !a.process.includes(':response:'));
    const session = await startConsole({ network });
    const id = await sendWithSdk(session.client(DEPARTEMENT));
    await post(session, `/messages/${DEPARTEMENT}/out/${id}/read`);
    expect(await statusesOf(session, DEPARTEMENT, id)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'LEST']);
    expect(await session.client(DEPARTEMENT).incoming.peek()).toBeNull();
  });

  it('an external participant’s kvittering turns the original LEST; a reused messageId is refused', async () => {
    const session = await startConsole();
    const id = await sendWithSdk(session.client(DEPARTEMENT));
    await post(session, `/messages/${DEPARTEMENT}/out/${id}/deliver`);
    const kvittering = arkivmeldingKvittering({
      sender: DPV_ORGANISATION,
      receiver: DEPARTEMENT,
      relatedToMessageId: id,
      receiptType: 'ERROR',
    });
    expect((await post(session, '/compose', { from: DPV_ORGANISATION, to: DEPARTEMENT, sbd: kvittering })).status).toBe(201);
    expect((await statusesOf(session, DEPARTEMENT, id)).at(-1)).toBe('FEIL');
    const again = await post(session, '/compose', { from: DPV_ORGANISATION, to: DEPARTEMENT, sbd: kvittering });
    expect(again.body.details.exception).toMatch(/MessageAlreadyExistsException$/);
  });

  it('a file part without a type is stored as octet-stream; a broken or too large compose is refused', async () => {
    const session = await startConsole();
    const boundary = 'b0undary';
    const body = [
      `--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\n`,
      JSON.stringify({
        from: DPV_ORGANISATION,
        to: DEPARTEMENT,
        type: 'avtalt',
        params: { identifier: 'urn:x', hoveddokument: 'blob.bin' },
      }),
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="blob.bin"\r\n\r\nxyz\r\n--${boundary}--\r\n`,
    ].join('');
    const url = `${session.server.url}/console/api/compose`;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
    const { messages } = await res.json();
    expect(messages[0].incoming.files).toEqual([
      expect.objectContaining({ filename: 'blob.bin', mimeType: 'application/octet-stream', primary: true, title: null }),
    ]);
    const broken = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      body: 'no parts here',
    });
    expect((await broken.json()).message).toMatch(/multipart body is broken/);
    const tooLarge = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        url,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(60 * 1024 * 1024) } },
        (r) => {
          r.resume();
          resolve(r.statusCode as number);
        },
      );
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(tooLarge).toBe(413);
  });
});
