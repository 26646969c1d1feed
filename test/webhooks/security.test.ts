import { EventEmitter, once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { createWebhookHandler, type StatusEvent, type WebhookHandlerOptions, webhookEndpoint } from 'eformidling';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The IP's webhooks carry no signature: the handler's shared secret, its content-type check and its read timeout.

const servers: Server[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((r) => s.close(r));
    }),
  );
});

async function serve(options: WebhookHandlerOptions) {
  const handler = createWebhookHandler(options);
  const server = createServer((req, res) => void handler(req, res));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const event: StatusEvent = {
  createdTs: '2026-08-20T11:40:09.77+02:00',
  resource: 'messages',
  event: 'status',
  messageId: '9d4e2a61-7c0b-4f38-8e15-b2a6c9d1f074',
  direction: 'OUTGOING',
  status: 'LEVERT',
};
const SECRET = 'k3p9-Yq2v-8sLw-Z7xT-4mRb';

describe('a shared secret in the push URL', () => {
  it('passes only requests with the right token; 401 without one, 403 with another, and no callback for either', async () => {
    const seen: string[] = [];
    const { base } = await serve({ secret: SECRET, onStatus: (e) => seen.push(e.messageId) });
    const body = JSON.stringify(event);
    expect((await post(`${base}/hooks`, body)).status).toBe(401);
    expect((await post(`${base}/hooks?other=1`, body)).status).toBe(401);
    expect((await post(`${base}/hooks?token=`, body)).status).toBe(403);
    expect((await post(`${base}/hooks?token=wrong`, body)).status).toBe(403);
    expect((await post(`${base}/hooks?token=${SECRET.slice(0, -1)}X`, body)).status).toBe(403); // same length
    expect((await post(`${base}/hooks?token=${SECRET}extra`, body)).status).toBe(403);
    expect(seen).toEqual([]);
    expect((await post(webhookEndpoint(`${base}/hooks`, SECRET), body)).status).toBe(200);
    await vi.waitFor(() => expect(seen).toEqual([event.messageId]));
  });

  it('is checked before the method and the body, so a stranger learns nothing else', async () => {
    const { base } = await serve({ secret: SECRET });
    const res = await post(`${base}/hooks`, 'not json', { 'content-type': 'text/plain' });
    expect(res.status).toBe(401);
  });

  it('webhookEndpoint puts the secret in the token parameter and keeps the rest of the URL', () => {
    const url = new URL(webhookEndpoint('https://sak.example/hooks/eformidling?tenant=a', SECRET));
    expect(url.origin + url.pathname).toBe('https://sak.example/hooks/eformidling');
    expect(url.searchParams.get('tenant')).toBe('a');
    expect(url.searchParams.get('token')).toBe(SECRET);
  });

  it('refuses a short secret and a push URL that is not http(s)', () => {
    expect(() => createWebhookHandler({ secret: 'short' })).toThrow(
      expect.objectContaining({ name: 'RequestValidationError', field: 'secret' }),
    );
    expect(() => webhookEndpoint('javascript:alert(1)', SECRET)).toThrow(expect.objectContaining({ field: 'url' }));
    expect(() => webhookEndpoint('https://sak.example/', 'short')).toThrow(expect.objectContaining({ field: 'secret' }));
  });
});

describe('content types', () => {
  it('accepts JSON (with parameters, or a +json type) and answers 415 to anything else', async () => {
    const seen: string[] = [];
    const { base } = await serve({ onStatus: (e) => seen.push(e.status) });
    const body = JSON.stringify(event);
    expect((await post(base, body, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(base, body, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post(base, body, {})).status).toBe(415);
    expect(seen).toEqual([]);
    expect((await post(base, body, { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(200);
    expect((await post(base, body, { 'content-type': 'application/problem+json' })).status).toBe(200);
    await vi.waitFor(() => expect(seen).toEqual(['LEVERT', 'LEVERT']));
  });
});

describe('slow senders', () => {
  it('by default gives a sender 10 s for its body (as long as the IP waits), then answers 408 and drops the request', async () => {
    vi.useFakeTimers();
    const handler = createWebhookHandler({ onStatus: () => expect.unreachable() });
    const req = Object.assign(new Readable({ read() {} }), { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.push('{"createdTs":');
    const emitter = new EventEmitter();
    const res = Object.assign(emitter, {
      headersSent: false,
      writableFinished: false,
      status: 0,
      writeHead(status: number) {
        this.status = status;
        this.headersSent = true;
        return this;
      },
      end() {
        this.writableFinished = true;
        emitter.emit('finish');
      },
    });
    const done = handler(req as never, res as never);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(res.status).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(res.status).toBe(408);
    expect(req.destroyed).toBe(true);
    expect(req.listenerCount('data')).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('over a real socket: a stalled body gets 408, the connection is closed and nothing is left open', async () => {
    const { base, server } = await serve({ readTimeoutMs: 50, onStatus: () => expect.unreachable() });
    const { port } = new URL(base);
    const { connect } = await import('node:net');
    const socket: Socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('POST /hooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"createdTs":');
    let answer = '';
    socket.on('data', (c: Buffer) => {
      answer += c.toString();
    });
    await once(socket, 'close');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    const open = await new Promise<number>((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n))));
    expect(open).toBe(0);
  });

  it('refuses a bad readTimeoutMs', () => {
    expect(() => createWebhookHandler({ readTimeoutMs: 0 })).toThrow(expect.objectContaining({ field: 'readTimeoutMs' }));
  });
});
