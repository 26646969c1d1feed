import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { type AnyJson, DEPARTEMENT, KOMMUNE, messageIdOf, raw, readZip, sbd, sendArkivmelding } from './fixtures.js';

const ctx = useSimulator({ lockTimeoutMs: 60_000 });
const out = () => raw(ctx.sim.baseUrl(DEPARTEMENT));
const inn = () => raw(ctx.sim.baseUrl(KOMMUNE));

async function delivered(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(await sendArkivmelding(out()));
    ctx.sim.clock.advance(1); // distinct lastUpdated
  }
  ctx.sim.deliverAll();
  return ids;
}

describe('peek', () => {
  it('answers 204 with an empty body when nothing matches', async () => {
    const res = await inn()('GET', '/api/messages/in/peek');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers.get('content-type')).toBeNull();
  });

  it('locks the oldest (lastUpdated) unlocked message; other peeks skip it', async () => {
    const ids = await delivered(3);
    const first = await inn()('GET', '/api/messages/in/peek');
    expect(messageIdOf(first.json)).toBe(ids[0]);
    expect(messageIdOf((await inn()('GET', '/api/messages/in/peek')).json)).toBe(ids[1]);
    expect(messageIdOf((await inn()('GET', '/api/messages/in/peek')).json)).toBe(ids[2]);
    expect((await inn()('GET', '/api/messages/in/peek')).status).toBe(204);
    // The list shows locked messages too.
    expect((await inn()('GET', '/api/messages/in')).json.totalElements).toBe(3);
  });

  it('filters exactly; a misspelt filter is ignored; a bad serviceIdentifier is a 500', async () => {
    const [id] = await delivered(2);
    expect((await inn()('GET', `/api/messages/in/peek?messageId=${randomUUID()}`)).status).toBe(204);
    expect(
      messageIdOf(
        (await inn()('GET', '/api/messages/in/peek?serviceIdentifier=DPO&process=urn:no:difi:profile:arkivmelding:administrasjon:ver1.0'))
          .json,
      ),
    ).toBe(id);
    expect((await inn()('GET', `/api/messages/in/peek?messageID=${randomUUID()}`)).status).toBe(200);
    expect((await inn()('GET', '/api/messages/in/peek?serviceIdentifier=dpo')).status).toBe(500);
    expect((await inn()('GET', `/api/messages/in/peek?senderIdentifier=${DEPARTEMENT}`)).status).toBe(204); // both locked now
  });

  it('releases an expired lock silently and sorts the message behind newer ones', async () => {
    const [a, b] = await delivered(2);
    expect(messageIdOf((await inn()('GET', '/api/messages/in/peek')).json)).toBe(a);
    ctx.sim.clock.advance(60_000);
    // a's lock expired: a now has a newer lastUpdated than b.
    expect(messageIdOf((await inn()('GET', '/api/messages/in/peek')).json)).toBe(b);
    expect(messageIdOf((await inn()('GET', '/api/messages/in/peek')).json)).toBe(a);
    const popAfterExpiry = await inn()('GET', `/api/messages/in/pop/${a}`);
    expect(popAfterExpiry.status).toBe(200);
    ctx.sim.clock.advance(60_000);
    const notLocked = await inn()('DELETE', `/api/messages/in/${a}`);
    expect(notLocked.json).toMatchObject({ status: 400, exception: 'no.difi.meldingsutveksling.exceptions.MessageNotLockedException' });
  });
});

describe('pop', () => {
  it('requires a lock (400) and a known id (404)', async () => {
    const [id] = await delivered(1);
    const res = await inn()('GET', `/api/messages/in/pop/${id}`);
    expect(res.json).toMatchObject({
      status: 400,
      error: 'Bad Request',
      exception: 'no.difi.meldingsutveksling.exceptions.MessageNotLockedException',
      message: `Message with messageId = ${id} was not locked`,
      path: `/api/messages/in/pop/${id}`,
    });
    const unknown = randomUUID();
    expect((await inn()('GET', `/api/messages/in/pop/${unknown}`)).json).toMatchObject({
      status: 404,
      exception: 'no.difi.meldingsutveksling.exceptions.MessageNotFoundException',
    });
  });

  it('returns a real ASiC-E: entries in order, mimetype stored first, SHA-256 digests, NextMove manifest', async () => {
    const pdf = new Uint8Array(300 * 1024).map((_, i) => i % 251);
    const o = out();
    const created = await o('POST', '/api/messages/out', { json: sbd() });
    const id = messageIdOf(created.json);
    const { arkivmeldingXml, uploadHeaders } = await import('./fixtures.js');
    await o('PUT', `/api/messages/out/${id}`, {
      body: arkivmeldingXml(['vedtak.pdf', 'vedlegg.txt']),
      headers: uploadHeaders('arkivmelding.xml', 'application/xml'),
    });
    await o('PUT', `/api/messages/out/${id}`, { body: 'vedlegg', headers: uploadHeaders('vedlegg.txt', 'text/plain') });
    await o('PUT', `/api/messages/out/${id}`, { body: pdf, headers: uploadHeaders('vedtak.pdf') });
    await o('POST', `/api/messages/out/${id}`);
    ctx.sim.deliverAll();
    await inn()('GET', '/api/messages/in/peek');
    const res = await fetch(`${ctx.sim.baseUrl(KOMMUNE)}/api/messages/in/pop/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=asic.zip');
    const zip = await readZip(Buffer.from(await res.arrayBuffer()));
    const names = zip.entries.map((e) => e.name);
    expect(names.slice(0, 5)).toEqual(['mimetype', 'manifest.xml', 'vedtak.pdf', 'arkivmelding.xml', 'vedlegg.txt']);
    expect(names[5]).toBe('META-INF/ASiCManifest.xml');
    expect(names[6]).toMatch(/^META-INF\/signature-[0-9a-f-]{36}\.p7s$/);
    expect(names[7]).toBe('META-INF/manifest.xml');
    expect(zip.entries[0]).toMatchObject({ compressionMethod: 0 });
    expect(zip.entries[0]?.data.toString()).toBe('application/vnd.etsi.asic-e+zip');
    expect(zip.comment).toBe('mimetype=application/vnd.etsi.asic-e+zip');
    expect(Buffer.compare(zip.entries[2]?.data as Buffer, Buffer.from(pdf))).toBe(0);
    const manifest = zip.entries[1]?.data.toString() as string;
    expect(manifest).toContain(`<organisasjon authority="iso6523-actorid-upis">0192:${KOMMUNE}</organisasjon>`);
    expect(manifest).toContain('<hoveddokument href="vedtak.pdf" mime="application/pdf">');
    const asicManifest = zip.entries[5]?.data.toString() as string;
    for (const entry of zip.entries.slice(1, 5)) {
      const digest = createHash('sha256').update(entry.data).digest('base64');
      expect(asicManifest).toContain(`URI="${entry.name}"`);
      expect(asicManifest).toContain(`<ns2:DigestValue>${digest}</ns2:DigestValue>`);
    }
    // Pop does not unlock or remove: it can be repeated.
    expect((await inn()('GET', `/api/messages/in/pop/${id}`)).status).toBe(200);
  });

  it('answers 204 for a receipt', async () => {
    const [original] = await delivered(1);
    const kvittering = sbd({
      sender: KOMMUNE,
      receiver: DEPARTEMENT,
      type: 'arkivmelding_kvittering',
      process: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
      body: { receiptType: 'OK', relatedToMessageId: original, messages: [] },
    });
    const created = await inn()('POST', '/api/messages/out', { json: kvittering });
    expect(created.status).toBe(200);
    const id = messageIdOf(created.json);
    expect((await inn()('POST', `/api/messages/out/${id}`)).status).toBe(200);
    ctx.sim.deliverAll();
    expect(messageIdOf((await out()('GET', '/api/messages/in/peek')).json)).toBe(id);
    const pop = await out()('GET', `/api/messages/in/pop/${id}`);
    expect(pop.status).toBe(204);
    expect(pop.text).toBe('');
  });

  it('answers 404 FileNotFoundException for a non-receipt without files, removes it and registers FEIL', async () => {
    const doc = sbd({
      type: 'avtalt',
      standard: 'urn:no:difi:avtalt:xsd::avtalt',
      process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0',
      body: { identifier: 'x', content: {} },
    });
    const id = messageIdOf((await out()('POST', '/api/messages/out', { json: doc })).json);
    await out()('POST', `/api/messages/out/${id}`);
    ctx.sim.deliverAll();
    await inn()('GET', '/api/messages/in/peek');
    const pop = await inn()('GET', `/api/messages/in/pop/${id}`);
    expect(pop.json).toMatchObject({
      status: 404,
      exception: 'no.difi.meldingsutveksling.exceptions.FileNotFoundException',
      message: 'File(s) named asic.zip was not found',
    });
    expect(ctx.sim.queues(KOMMUNE).incoming).toBe(0);
    expect(ctx.sim.statuses(KOMMUNE, id).map((s) => s.status)).toContain('FEIL');
  });
});

describe('delete', () => {
  it('requires a lock, returns the SBD, adds INNKOMMENDE_LEVERT and sends LEVERT back', async () => {
    const [id] = await delivered(1);
    expect((await inn()('DELETE', `/api/messages/in/${id}`)).json.exception).toBe(
      'no.difi.meldingsutveksling.exceptions.MessageNotLockedException',
    );
    const peeked = await inn()('GET', '/api/messages/in/peek');
    const del = await inn()('DELETE', `/api/messages/in/${id}`);
    expect(del.status).toBe(200);
    expect(del.json).toEqual(peeked.json);
    expect((await inn()('DELETE', `/api/messages/in/${id}`)).status).toBe(404);
    expect(ctx.sim.statuses(KOMMUNE, id).map((s) => s.status)).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT']);
    expect(ctx.sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT']);
    ctx.sim.clock.advance(999);
    expect(ctx.sim.pendingDeliveries).toBe(1);
    ctx.sim.clock.advance(1); // LEVERT travels back through the carrier
    expect(ctx.sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
  });

  it('shows the sender the sub-organisation when sent on behalf of', async () => {
    const id = await sendArkivmelding(out(), { sender: '987654325' });
    ctx.sim.deliverAll();
    const peeked = (await inn()('GET', '/api/messages/in/peek')).json as AnyJson;
    expect(messageIdOf(peeked)).toBe(id);
    expect(peeked.standardBusinessDocumentHeader.sender[0].identifier.value).toBe('0192:987654325');
    expect((await inn()('GET', '/api/messages/in?senderIdentifier=987654325')).json.totalElements).toBe(1);
  });
});
