import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createWebhookHandler, RequestValidationError, type StatusEvent, type WebhookEvent, type WebhookHandlerOptions } from 'eformidling';
import { afterEach, describe, expect, it, vi } from 'vitest';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Serves the handler on 127.0.0.1; `finished` collects each call's completion promise. */
async function serve(options: WebhookHandlerOptions) {
  const handler = createWebhookHandler(options);
  const finished: Promise<void>[] = [];
  const server = createServer((req, res) => {
    finished.push(handler(req, res));
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/eformidling`;
  return { url, finished };
}

/** A raw HTTP POST (fetch cannot send a body larger than it declares or skip Content-Length). */
function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST') {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(url, { method, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const statusEvent: StatusEvent = {
  createdTs: '2026-08-20T11:40:09.77+02:00',
  resource: 'messages',
  event: 'status',
  messageId: '9d4e2a61-7c0b-4f38-8e15-b2a6c9d1f074',
  conversationId: '1b7f3c95-2e48-4a0d-9c6b-5f8e2d1a7c30',
  direction: 'OUTGOING',
  serviceIdentifier: 'DPV',
  status: 'LEVETID_UTLOPT',
  description: 'Levetiden for meldingen er utgått. Må sendes på nytt',
};

describe('createWebhookHandler over node:http', () => {
  it('accepts a ping and a status event, notifies trackers and answers 200 before slow callbacks finish', async () => {
    const pings: unknown[] = [];
    const notified: WebhookEvent[] = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => {
      release = r;
    });
    const statuses: StatusEvent[] = [];
    const { url, finished } = await serve({
      onPing: (e) => pings.push(e),
      onStatus: async (e) => {
        await slow; // would hold the IP past its 10 s read timeout if we answered afterwards
        statuses.push(e);
      },
      trackers: [{ notify: (e) => notified.push(e) }],
    });
    const ping = await post(url, JSON.stringify({ createdTs: '2026-08-20T11:02:44.018+02:00', event: 'ping' }));
    expect(ping.status).toBe(200);
    const status = await post(url, JSON.stringify(statusEvent, null, 2));
    expect(status.status).toBe(200);
    expect(statuses).toEqual([]); // the callback is still waiting, the IP already has its answer
    release();
    await Promise.all(finished);
    expect(statuses).toEqual([statusEvent]);
    expect(pings).toHaveLength(1);
    expect(notified).toEqual([statusEvent]); // pings do not wake trackers
  });

  it('wakes the receive loop and calls onIncoming for INCOMING events only', async () => {
    let wakes = 0;
    const incoming: string[] = [];
    const { url, finished } = await serve({ wake: () => wakes++, onIncoming: (e) => incoming.push(e.status) });
    await post(url, JSON.stringify({ ...statusEvent, direction: 'INCOMING', status: 'INNKOMMENDE_MOTTATT' }));
    await post(url, JSON.stringify(statusEvent));
    await Promise.all(finished);
    expect(wakes).toBe(1);
    expect(incoming).toEqual(['INNKOMMENDE_MOTTATT']);
  });

  it('accepts an unknown future status value and extra fields', async () => {
    const seen: string[] = [];
    const { url, finished } = await serve({ onStatus: (e) => seen.push(e.status) });
    const res = await post(url, JSON.stringify({ ...statusEvent, status: 'NY_STATUS', extra: 1 }));
    await Promise.all(finished);
    expect(res.status).toBe(200);
    expect(seen).toEqual(['NY_STATUS']);
  });

  it('answers 400 to bad JSON and to JSON that is not an event, without calling back', async () => {
    const calls: unknown[] = [];
    const { url } = await serve({ onStatus: (e) => calls.push(e), onPing: (e) => calls.push(e) });
    expect((await post(url, '{"event": "status",')).status).toBe(400);
    const missing = await post(url, JSON.stringify({ ...statusEvent, messageId: undefined }));
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body).error).toMatch(/not an eFormidling webhook event/);
    expect((await post(url, JSON.stringify({ event: 'deleted', createdTs: 'x' }))).status).toBe(400);
    expect(calls).toEqual([]);
  });

  it('answers 413 above maxBodyBytes, declared or chunked', async () => {
    const calls: unknown[] = [];
    const { url } = await serve({ maxBodyBytes: 1024, onStatus: (e) => calls.push(e) });
    const big = JSON.stringify({ ...statusEvent, description: 'x'.repeat(5000) });
    expect((await post(url, big)).status).toBe(413);
    expect((await post(url, big, { 'transfer-encoding': 'chunked' })).status).toBe(413);
    expect(calls).toEqual([]);
    // The server is still healthy afterwards.
    expect((await post(url, JSON.stringify(statusEvent))).status).toBe(200);
  });

  it('answers 405 with Allow: POST to other methods', async () => {
    const { url } = await serve({});
    const res = await post(url, '', {}, 'GET');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it('reports a failing callback through onError after answering 200', async () => {
    const errors: unknown[] = [];
    const { url, finished } = await serve({
      onStatus: () => {
        throw new Error('database down');
      },
      onError: (e) => errors.push(e),
    });
    expect((await post(url, JSON.stringify(statusEvent))).status).toBe(200);
    await Promise.all(finished);
    expect(errors.map((e) => (e as Error).message)).toEqual(['database down']);
  });

  it('uses a body a framework has already parsed (Express express.json())', async () => {
    const seen: string[] = [];
    const handler = createWebhookHandler({ onStatus: (e) => seen.push(e.messageId) });
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => {
        text += c;
      });
      req.on('end', () => void handler(Object.assign(req, { body: JSON.parse(text) as unknown }), res));
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    expect((await post(url, JSON.stringify(statusEvent))).status).toBe(200);
    expect((await post(url, JSON.stringify({ nope: true }))).status).toBe(400);
    expect(seen).toEqual([statusEvent.messageId]);
  });

  it('takes a raw body a framework has already read (express.text(), express.raw()), with the same limits', async () => {
    const seen: string[] = [];
    const handler = createWebhookHandler({ maxBodyBytes: 1024, onStatus: (e) => seen.push(e.messageId) });
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        void handler(Object.assign(req, { body: req.headers['x-as'] === 'text' ? raw.toString('utf8') : raw }), res);
      });
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    for (const as of ['text', 'buffer']) {
      expect((await post(url, JSON.stringify(statusEvent), { 'x-as': as })).status).toBe(200);
      expect((await post(url, '{"event":', { 'x-as': as })).status).toBe(400);
      expect((await post(url, JSON.stringify({ ...statusEvent, description: 'x'.repeat(2000) }), { 'x-as': as })).status).toBe(413);
    }
    expect(seen).toEqual([statusEvent.messageId, statusEvent.messageId]);
  });

  it('without onError, a failing callback becomes a process warning (the IP already has its 200)', async () => {
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const { url, finished } = await serve({
        onStatus: () => {
          throw new Error('database down');
        },
        onPing: () => Promise.reject('not an Error'),
      });
      expect((await post(url, JSON.stringify(statusEvent))).status).toBe(200);
      expect((await post(url, JSON.stringify({ createdTs: statusEvent.createdTs, event: 'ping' }))).status).toBe(200);
      await Promise.all(finished);
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      expect(emitWarning.mock.calls.map((c) => String(c[0]))).toEqual([
        'eformidling webhook callback failed: database down',
        'eformidling webhook callback failed: not an Error',
      ]);
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('a sender that disconnects mid-body: the handler settles quietly, without callbacks or an unhandled rejection', async () => {
    const calls: unknown[] = [];
    const { url, finished } = await serve({ onStatus: (e) => calls.push(e) });
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' } });
    req.on('error', () => {});
    req.write('{"event":"status",');
    await new Promise((r) => setTimeout(r, 20)); // lets the handler start reading (not a timing assertion)
    req.destroy();
    await new Promise((r) => setTimeout(r, 20));
    await expect(Promise.all(finished)).resolves.toEqual([undefined]);
    expect(calls).toEqual([]);
  });

  it('stops draining a refused body from a sender that never stops (destroys the request)', async () => {
    const handler = createWebhookHandler({ maxBodyBytes: 1024 });
    // An endless request body; the cap is max(16 × maxBodyBytes, 1 MiB).
    let produced = 0;
    const req = Object.assign(
      new Readable({
        read() {
          produced += 64 * 1024;
          this.push(Buffer.alloc(64 * 1024, 32));
        },
      }),
      { method: 'POST', headers: { 'content-type': 'application/json' } },
    );
    const sent: Array<[number, string]> = [];
    const res = {
      headersSent: false,
      writeHead(status: number) {
        sent.push([status, '']);
        this.headersSent = true;
        return this;
      },
      end(text: string) {
        (sent.at(-1) as [number, string])[1] = text;
      },
    };
    const closed = once(req, 'close');
    await handler(req as never, res as never);
    await closed;
    expect(sent.map(([status]) => status)).toEqual([413]);
    expect(req.destroyed).toBe(true);
    expect(produced).toBeGreaterThan(1024 * 1024);
    expect(produced).toBeLessThan(4 * 1024 * 1024);
  });

  it('does not answer twice behind a middleware that already answered', async () => {
    const seen: string[] = [];
    const handler = createWebhookHandler({ onStatus: (e) => seen.push(e.messageId) });
    const finished: Promise<void>[] = [];
    const server = createServer((req, res) => {
      res.writeHead(202).end();
      finished.push(handler(req, res));
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    expect((await post(url, JSON.stringify(statusEvent))).status).toBe(202);
    await expect(Promise.all(finished)).resolves.toEqual([undefined]);
  });

  it('rejects a bad maxBodyBytes', () => {
    // Every error the SDK throws is an EformidlingError.
    expect(() => createWebhookHandler({ maxBodyBytes: 0 })).toThrow(RequestValidationError);
  });
});
