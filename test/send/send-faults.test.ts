import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { dpoFiles } from './fixtures.js';
import { sendFailure, useFakeIpServer } from './harness.js';

const { server, setup } = useFakeIpServer();

const OUT = /^\/api\/messages\/out$/;
const ONE = /^\/api\/messages\/out\/[0-9a-f-]{36}$/;
const MULTI = /^\/api\/messages\/out\/multipart$/;

const busy = (status: number, retryAfter?: string) =>
  HttpResponse.json({ status }, { status, headers: retryAfter === undefined ? {} : { 'Retry-After': retryAfter } });

describe('multi-step: the IP refuses the send step (429, 503): the send is repeated', () => {
  it('503 then 429 with Retry-After, then accepted: sent once, no look-ups, nothing deleted', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', ONE, (_c, n) => (n === 1 ? busy(503) : n === 2 ? busy(429, '0') : undefined));
    await client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' });
    expect(ip.lines(({ method }) => method !== 'PUT')).toEqual([
      'POST /api/messages/out',
      `POST /api/messages/out/${id}`,
      `POST /api/messages/out/${id}`,
      `POST /api/messages/out/${id}`,
    ]);
    expect(ip.sent).toEqual([id]);
  });

  it('refused on every attempt: after the last retry the message is deleted and the error says so (not uncertain)', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', ONE, () => busy(503));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' }));
    expect(error).toMatchObject({ step: 'send', messageId: id, status: 503, cleanedUp: true, kept: false, uncertain: false });
    expect(error.message).toContain('The message was deleted from the IP.');
    expect(ip.lines(({ method, path }) => method === 'POST' && path.endsWith(id))).toHaveLength(3); // 1 + 2 retries
    expect(ip.lines().at(-1)).toBe(`DELETE /api/messages/out/${id}`);
    expect(ip.outgoing.has(id)).toBe(false);
    expect(ip.sent).toEqual([]);
  });

  it('refused on every attempt with keepOnFailure: the message is kept on purpose, and resumeSend sends it once', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', ONE, (_c, n) => (n <= 3 ? busy(429, '0') : undefined));
    const files = dpoFiles();
    const error = await sendFailure(client.send({ sbd, files }, { strategy: 'multi-step', keepOnFailure: true }));
    expect(error).toMatchObject({ step: 'send', messageId: id, status: 429, kept: true, cleanedUp: false, uncertain: false });
    expect(ip.outgoing.has(id)).toBe(true);
    expect(ip.lines(({ method }) => method === 'DELETE')).toEqual([]);
    await client.resumeSend(id, files);
    expect(ip.sent).toEqual([id]);
  });

  it('a Retry-After longer than maxRetryAfterMs is not waited for: the refusal ends the send at once', async () => {
    const { ip, client, sbd, id } = setup({ retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 1000 } });
    ip.on('POST', ONE, () => busy(429, '3600'));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' }));
    expect(error).toMatchObject({ step: 'send', status: 429, cleanedUp: true, uncertain: false });
    expect(ip.lines(({ method, path }) => method === 'POST' && path.endsWith(id))).toHaveLength(1);
  });
});

describe('multi-step: a send step without a clear answer is never repeated; the SDK waits for the outcome', () => {
  it('502: not repeated; resolves once the message has left the outgoing queue', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', ONE, () => busy(502));
    // The IP did take it: its sender transmits the message while the SDK is looking.
    ip.on('GET', ONE, async (_c, n) => {
      if (n === 2) await ip.transmit(id);
    });
    await client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step', outcomeTimeoutMs: 5000 });
    expect(ip.lines(({ method, path }) => method === 'POST' && path.endsWith(id))).toHaveLength(1);
    expect(ip.lines(({ method }) => method === 'GET')).toHaveLength(3); // queued, queued (+ its conversation), gone
    expect(ip.lines(({ method }) => method === 'DELETE')).toEqual([]);
  });

  it('a timeout after the IP took the send: not repeated; resolves on the first look', async () => {
    const { ip, client, sbd, id } = setup();
    let sends = 0;
    // The IP queues the message and its sender transmits it, but the answer comes too late.
    server.use(
      http.post(`${ip.base}/api/messages/out/${id}`, async () => {
        sends += 1;
        await ip.transmit(id);
        await delay(1000);
        return new HttpResponse(null, { status: 200 });
      }),
    );
    await client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step', timeoutMs: 100 });
    expect(sends).toBe(1);
    expect(ip.sent).toEqual([id]);
    expect(ip.lines(({ method }) => method === 'DELETE')).toEqual([]);
  });

  it('504 and the message never leaves the queue: uncertain after outcomeTimeoutMs, with what to do next', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', ONE, () => busy(504));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step', outcomeTimeoutMs: 40 }));
    expect(error).toMatchObject({ step: 'send', messageId: id, uncertain: true, cleanedUp: false, kept: false, status: 504 });
    expect(error.message).toContain('within 40 ms');
    expect(error.message).toContain('do not send it again');
    expect(error.message).toContain('waitForDelivery');
    expect(ip.lines(({ method, path }) => method === 'POST' && path.endsWith(id))).toHaveLength(1);
    expect(ip.outgoing.has(id)).toBe(true);
  });

  it('a queued message whose conversation already shows SENDT counts as taken', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', MULTI, () => 'store-then-drop');
    ip.on('GET', /^\/api\/conversations\/messageId\//, () =>
      HttpResponse.json({
        id: 7,
        messageId: id,
        direction: 'OUTGOING',
        messageStatuses: [
          { id: 1, lastUpdate: '2026-08-20T09:10:00+02:00', status: 'OPPRETTET' },
          { id: 2, lastUpdate: '2026-08-20T09:10:01+02:00', status: 'SENDT' },
        ],
      }),
    );
    const stored = await client.send({ sbd, files: dpoFiles() }, { strategy: 'one-step', outcomeTimeoutMs: 5000 });
    expect(stored.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).toBe(id);
    expect(ip.lines()).toEqual([
      'POST /api/messages/out/multipart',
      `GET /api/messages/out/${id}`,
      `GET /api/conversations/messageId/${id}`,
    ]);
  });

  it('an abort while waiting for the outcome rejects with the reason; nothing is sent again or deleted', async () => {
    const { ip, client, sbd, id } = setup();
    const controller = new AbortController();
    const reason = new Error('user gave up');
    ip.on('POST', ONE, () => HttpResponse.error());
    ip.on('GET', ONE, (_c, n) => {
      if (n === 2) controller.abort(reason);
      return undefined;
    });
    const result = client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step', signal: controller.signal, outcomeTimeoutMs: 60_000 });
    await expect(result).rejects.toBe(reason);
    expect(ip.lines(({ method, path }) => method === 'POST' && path.endsWith(id))).toHaveLength(1);
    expect(ip.lines(({ method }) => method === 'DELETE')).toEqual([]);
    expect(ip.outgoing.has(id)).toBe(true);
  });

  it('outcomeTimeoutMs is checked', async () => {
    const { client, sbd } = setup();
    for (const outcomeTimeoutMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as never]) {
      await expect(client.send({ sbd, files: dpoFiles() }, { outcomeTimeoutMs })).rejects.toMatchObject({
        name: 'RequestValidationError',
        field: 'outcomeTimeoutMs',
      });
    }
  });
});

describe('one-step: refusals are repeated without look-ups; nothing is left behind', () => {
  it('503 then accepted: posted again at once (the IP did not process the refused call)', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', MULTI, (_c, n) => (n === 1 ? busy(503) : undefined));
    await client.send({ sbd, files: dpoFiles() }, { strategy: 'one-step' });
    expect(ip.lines()).toEqual(['POST /api/messages/out/multipart', 'POST /api/messages/out/multipart']);
    expect(ip.sent).toEqual([id]);
  });

  it('429 on every attempt: SendError step one-step; nothing was stored, so nothing is looked up or deleted', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', MULTI, () => busy(429, '0'));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'one-step' }));
    expect(error).toMatchObject({ step: 'one-step', messageId: id, status: 429, cleanedUp: false, uncertain: false });
    expect(ip.lines()).toEqual(Array(3).fill('POST /api/messages/out/multipart'));
    expect(ip.outgoing.size).toBe(0);
  });
});

describe('one retry layer: a look inside a retried create is one request, not a retried one', () => {
  it('a lost create answer whose looks fail: one look per attempt, then the create fails and the maybe-created message is deleted', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', OUT, () => 'store-then-drop');
    ip.on('GET', ONE, () => HttpResponse.error());
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' }));
    expect(error).toMatchObject({ step: 'create', messageId: id, cleanedUp: true });
    // Attempt 1 posts; attempts 2 and 3 look first and fail there (2 retries in all).
    expect(ip.lines()).toEqual([
      'POST /api/messages/out',
      `GET /api/messages/out/${id}`,
      `GET /api/messages/out/${id}`,
      `DELETE /api/messages/out/${id}`,
    ]);
    expect(ip.outgoing.has(id)).toBe(false);
  });

  it('a refused create is posted again without a look', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', OUT, (_c, n) => (n === 1 ? busy(503) : undefined));
    await client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' });
    expect(ip.lines(({ method }) => method !== 'PUT')).toEqual([
      'POST /api/messages/out',
      'POST /api/messages/out',
      `POST /api/messages/out/${id}`,
    ]);
  });
});

describe('a cleanup that fails is named in the error', () => {
  it('says the message stays in the outgoing queue and how to delete it', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', ONE, (c) => ip.error(400, 'TimeToLiveException', 'expired', c.path));
    ip.on('DELETE', ONE, () => busy(503));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' }));
    expect(error).toMatchObject({ step: 'send', messageId: id, cleanedUp: false, kept: false, uncertain: false });
    expect(error.message).toContain(`stays in the IP's outgoing queue; delete it with ip.outgoing.delete('${id}')`);
    expect(ip.outgoing.has(id)).toBe(true);
  });
});
