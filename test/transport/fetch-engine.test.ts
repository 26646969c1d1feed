import { getEventListeners } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiError,
  BadRequestError,
  ConnectionError,
  IntegrasjonspunktClient,
  type IntegrasjonspunktClientOptions,
  isApiError,
  RateLimitError,
  RequestValidationError,
  ServerError,
  TimeoutError,
} from 'eformidling';
import { type Dispatcher, MockAgent, setGlobalDispatcher } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildOnce } from '../cli/helpers.js';

// The one HTTP engine (src/transport/http.ts): every request goes through fetch. Everything here runs over a real
// node:http server on 127.0.0.1, so it exercises the engine end to end: headers, errors, retries, timeouts, aborts,
// connection reuse, redirects and the process-wide undici dispatcher.

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  base: string;
  origin: string;
  server: Server;
  /** Requests in arrival order (recorded once their body has arrived). */
  requests: Seen[];
  /** TCP connections the server accepted. */
  connections(): number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

const servers: Server[] = [];

async function serve(handler: Handler): Promise<TestServer> {
  const requests: Seen[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      handler(req, res, requests.length);
    });
  });
  server.on('connection', () => {
    connections++;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base: origin, origin, server, requests, connections: () => connections };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function ipError(status: number, exception: string, message: string, path: string) {
  return { timestamp: '2026-11-25T10:00:00+01:00', status, error: 'Bad Request', exception, message, path };
}

const fast = { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 5 } } as const;
const client = (base: string, extra: Partial<IntegrasjonspunktClientOptions> = {}) =>
  new IntegrasjonspunktClient({ baseUrl: base, ...fast, ...extra });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    }),
  );
});

const CAPABILITIES = { capabilities: [] };

describe('what a request carries and which fetch it takes', () => {
  it('sends resource calls with the SDK user-agent, auth and custom headers', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, CAPABILITIES));
    const ip = client(s.base, {
      auth: { type: 'basic', username: 'fagsystem', password: 'hemmelig' },
      headers: { 'X-Correlation-Id': 'abc-123' },
      userAgent: 'Acos Websak/1.1',
    });
    await expect(ip.capabilities.get('910075918')).resolves.toEqual(CAPABILITIES);
    expect(s.requests).toHaveLength(1);
    const { method, url, headers } = s.requests[0] as Seen;
    expect(method).toBe('GET');
    expect(url).toBe('/api/capabilities/910075918');
    expect(headers['user-agent']).toMatch(/^Acos Websak\/1\.1 eformidling\/\S+ \(Node\.js /);
    expect(headers.authorization).toBe(`Basic ${Buffer.from('fagsystem:hemmelig').toString('base64')}`);
    expect(headers['x-correlation-id']).toBe('abc-123');
  });

  it('keeps a base path prefix and the query string, and sends a JSON body with its content-type', async () => {
    const s = await serve((req, res) => {
      if (req.method === 'POST')
        sendJson(res, 200, { id: 7, name: 'hook', pushEndpoint: 'http://127.0.0.1:1/hook', resource: 'all', event: 'all' });
      else sendJson(res, 200, CAPABILITIES);
    });
    const ip = client(`${s.base}/gateway/ip/`);
    await ip.capabilities.get('910075918', { process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0', securityLevel: 3 });
    const created = await ip.subscriptions.create({ name: 'hook', pushEndpoint: 'http://127.0.0.1:1/hook', resource: 'all', event: 'all' });
    expect(created.id).toBe(7);
    expect(s.requests.map((r) => [r.method, r.url])).toEqual([
      [
        'GET',
        '/gateway/ip/api/capabilities/910075918?process=urn%3Ano%3Adifi%3Aprofile%3Aarkivmelding%3Aadministrasjon%3Aver1.0&securityLevel=3',
      ],
      ['POST', '/gateway/ip/api/subscriptions'],
    ]);
    const post = s.requests[1] as Seen;
    expect(post.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post.body)).toEqual({ name: 'hook', pushEndpoint: 'http://127.0.0.1:1/hook', resource: 'all', event: 'all' });
    expect(post.headers['content-length']).toBe(String(Buffer.byteLength(post.body)));
  });

  it('goes through a replaced globalThis.fetch (an interceptor), noticed per request, and back when it is restored', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, CAPABILITIES));
    const ip = client(s.base);
    await ip.capabilities.get('910075918'); // before the interceptor
    const spy = vi.spyOn(globalThis, 'fetch');
    try {
      await expect(ip.capabilities.get('910075918')).resolves.toEqual(CAPABILITIES);
      await ip.outgoing.delete('m1');
      expect(spy.mock.calls.map(([input]) => String(input))).toEqual([
        `${s.base}/api/capabilities/910075918`,
        `${s.base}/api/messages/out/m1`,
      ]);
    } finally {
      spy.mockRestore();
    }
    await ip.capabilities.get('910075918'); // after it: the real fetch again
    expect(s.requests).toHaveLength(4);
  });

  it('uses the fetch given to the client', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, CAPABILITIES));
    const urls: string[] = [];
    const ip = client(s.base, {
      fetch: (input, init) => {
        urls.push(String(input));
        return globalThis.fetch(input, init);
      },
    });
    await expect(ip.capabilities.get('910075918')).resolves.toEqual(CAPABILITIES);
    await ip.outgoing.delete('m1');
    expect(urls).toEqual([`${s.base}/api/capabilities/910075918`, `${s.base}/api/messages/out/m1`]);
    expect(s.requests.map((r) => r.headers['sec-fetch-mode'])).toEqual(['cors', 'cors']);
  });
});

describe('error responses', () => {
  it('maps the IP’s 400 error JSON to BadRequestError with the short exception name', async () => {
    const s = await serve((req, res) =>
      sendJson(
        res,
        400,
        ipError(400, 'no.difi.meldingsutveksling.exceptions.MessageNotLockedException', 'Message with id=m1 is not locked', req.url ?? ''),
      ),
    );
    const error = await failure(client(s.base).incoming.delete('m1'));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      exception: 'MessageNotLockedException',
      exceptionClass: 'no.difi.meldingsutveksling.exceptions.MessageNotLockedException',
      ipMessage: 'Message with id=m1 is not locked',
      path: '/api/messages/in/m1',
      method: 'DELETE',
      url: `${s.base}/api/messages/in/m1`,
    });
    expect(s.requests).toHaveLength(1); // a 400 is not retried
  });

  it('keeps a non-JSON 502 body as cleaned text, never raw HTML', async () => {
    const page = '<html><body><h1>502 Bad Gateway</h1>nginx</body></html>';
    const s = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(page);
    });
    const error = await failure(client(s.base, { retry: false }).capabilities.get('910075918'));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 502, exception: undefined, body: undefined });
    // Raw HTML is never dumped into a message; the page's heading is kept.
    expect((error as Error).message).toBe('GET /api/capabilities/910075918 failed with 502: HTML page: 502 Bad Gateway');
  });

  it('stops reading an error body after 64 KiB instead of waiting for the rest', async () => {
    let hungUp!: () => void;
    const clientHungUp = new Promise<void>((resolve) => {
      hungUp = resolve;
    });
    const s = await serve((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain', 'content-length': String(10 * 1024 * 1024) });
      res.write('E'.repeat(70 * 1024)); // …and never the other 9.9 MiB
      res.on('close', hungUp);
    });
    const started = performance.now();
    const error = await failure(client(s.base, { retry: false, timeoutMs: 3_000 }).capabilities.get('910075918'));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    // The server text in a message is capped at 200 characters (the cut is marked).
    expect((error as ServerError).message).toBe(`GET /api/capabilities/910075918 failed with 500: ${'E'.repeat(199)}…`);
    expect(performance.now() - started).toBeLessThan(1_500);
    await clientHungUp; // the client dropped the connection rather than reading on
  });

  it('reads a complete error body larger than 64 KiB and fails with its status', async () => {
    const s = await serve((_req, res) => {
      const body = JSON.stringify({ ...ipError(400, 'x.HugeException', 'big', '/api/messages/out/m1'), trace: ['x'.repeat(512 * 1024)] });
      res.writeHead(400, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.end(body);
    });
    const ip = client(s.base, { timeoutMs: 2_000 });
    const error = await failure(ip.outgoing.get('m1'));
    expect(error).toBeInstanceOf(BadRequestError);
    // Cut at 64 KiB, the JSON no longer parses: the raw text is kept.
    expect(error).toMatchObject({ status: 400, exception: undefined, body: undefined });
    expect((error as Error).message).toContain('"exception":"x.HugeException"');
    // The client is still usable afterwards.
    await expect(failure(ip.outgoing.get('m1'))).resolves.toBeInstanceOf(BadRequestError);
  });
});

describe('retries', () => {
  it('retries a GET after two 503s and succeeds', async () => {
    const s = await serve((_req, res, n) => (n <= 2 ? sendJson(res, 503, { status: 503 }) : sendJson(res, 200, CAPABILITIES)));
    await expect(client(s.base).capabilities.get('910075918')).resolves.toEqual(CAPABILITIES);
    expect(s.requests).toHaveLength(3);
  });

  it('retries a GET after a connection dropped before the answer', async () => {
    const s = await serve((req, res, n) => (n === 1 ? req.socket.destroy() : sendJson(res, 200, CAPABILITIES)));
    await expect(client(s.base).capabilities.get('910075918')).resolves.toEqual(CAPABILITIES);
    expect(s.requests).toHaveLength(2);
  });

  it('reports Retry-After of a 429 on the error', async () => {
    const s = await serve((_req, res) => sendJson(res, 429, { status: 429 }, { 'retry-after': '1' }));
    const error = await failure(client(s.base, { retry: false }).capabilities.get('910075918'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 1000 });
    expect(s.requests).toHaveLength(1);
  });

  it('retries a 429 with Retry-After: 0', async () => {
    const s = await serve((_req, res, n) => (n === 1 ? sendJson(res, 429, {}, { 'retry-after': '0' }) : sendJson(res, 200, CAPABILITIES)));
    await expect(client(s.base).capabilities.get('910075918')).resolves.toEqual(CAPABILITIES);
    expect(s.requests).toHaveLength(2);
  });

  it('does not retry a POST on 503', async () => {
    const s = await serve((_req, res) => sendJson(res, 503, { status: 503 }));
    const ip = client(s.base);
    await expect(failure(ip.outgoing.send('m1'))).resolves.toBeInstanceOf(ServerError);
    expect(s.requests).toHaveLength(1);
    const error = await failure(
      ip.subscriptions.create({ name: 'hook', pushEndpoint: 'http://127.0.0.1:1/hook', resource: 'all', event: 'all' }),
    );
    expect(error).toMatchObject({ status: 503 });
    expect(s.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
  });
});

describe('timeouts and network failures', () => {
  it('times out when the headers never arrive', async () => {
    const s = await serve(() => {}); // never answers
    const started = performance.now();
    const error = await failure(client(s.base, { retry: false, timeoutMs: 100 }).capabilities.get('910075918'));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 100, method: 'GET', url: `${s.base}/api/capabilities/910075918` });
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('honours a per-call timeoutMs and retries a GET that timed out', async () => {
    const s = await serve((_req, res, n) => {
      if (n > 1) sendJson(res, 200, CAPABILITIES); // the first attempt never gets an answer
    });
    await expect(client(s.base).capabilities.get('910075918', { timeoutMs: 100 })).resolves.toEqual(CAPABILITIES);
    expect(s.requests).toHaveLength(2);
  });

  it('times out when the body stalls after the headers', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"capabilities":'); // …and never more
    });
    const started = performance.now();
    const error = await failure(client(s.base, { retry: false, timeoutMs: 100 }).capabilities.get('910075918'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('times out an empty() whose body stalls after a 200 (the body is drained to keep the connection)', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{'); // …and never the rest
    });
    const ip = client(s.base, { retry: false, timeoutMs: 100 });
    await expect(failure(ip.outgoing.delete('m1'))).resolves.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => controller.abort(reason), 30);
    await expect(client(s.base, { retry: false, timeoutMs: 5_000 }).outgoing.delete('m2', { signal: controller.signal })).rejects.toBe(
      reason,
    );
  });

  it('reports a connection reset in the middle of a body as ConnectionError, not TimeoutError', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"capabilities":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const error = await failure(client(s.base, { retry: false, timeoutMs: 2_000 }).capabilities.get('910075918'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
  });

  it('reports a refused connection as ConnectionError naming ECONNREFUSED', async () => {
    const s = await serve(() => {});
    await new Promise<void>((resolve) => s.server.close(() => resolve()));
    const error = await failure(client(s.base, { retry: false }).capabilities.get('910075918'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(error).toMatchObject({ method: 'GET', url: `${s.base}/api/capabilities/910075918` });
  });
});

describe('aborts', () => {
  it('rejects with the caller’s reason when aborted while waiting for the headers', async () => {
    const s = await serve(() => {}); // never answers
    const controller = new AbortController();
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 50);
    const started = performance.now();
    await expect(client(s.base, { timeoutMs: 5_000 }).capabilities.get('910075918', { signal: controller.signal })).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(s.requests).toHaveLength(1); // and no retry after the abort
  });

  it('honours an abort that comes right after the call, while a new client gets ready', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, CAPABILITIES));
    const controller = new AbortController();
    const reason = new Error('changed my mind');
    const call = client(s.base).capabilities.get('910075918', { signal: controller.signal });
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(s.requests).toHaveLength(0);
  });

  it('sends nothing for an already aborted signal', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, CAPABILITIES));
    const ip = client(s.base);
    await ip.capabilities.get('910075918'); // a warm client
    const reason = new Error('too late');
    await expect(ip.outgoing.delete('m1', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(ip.capabilities.get('910075918', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(s.requests).toHaveLength(1);
  });

  it('leaves no abort listeners on a long-lived signal after 50 requests', async () => {
    let busy = true;
    const s = await serve((req, res) => {
      if (req.url?.startsWith('/api/messages/in/')) sendJson(res, 400, ipError(400, 'x.MessageNotLockedException', 'no', req.url));
      else if (req.url === '/api/capabilities/910077473' && busy) {
        busy = false;
        sendJson(res, 503, {});
      } else sendJson(res, 200, CAPABILITIES);
    });
    const ip = client(s.base);
    const controller = new AbortController();
    const signal = controller.signal;
    for (let i = 0; i < 50; i++) {
      if (i % 10 === 9) await expect(failure(ip.incoming.delete(`m${i}`, { signal }))).resolves.toBeInstanceOf(BadRequestError);
      else if (i === 25)
        await ip.capabilities.get('910077473', { signal }); // a 503, then a retry
      else await ip.capabilities.get('910075918', { signal });
    }
    expect(s.requests).toHaveLength(51);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});

// undici's pool opens a second connection when the second request to a new origin is sent right after the first
// response (the first client has not signalled it is free yet); Node's fetch does exactly the same. So the checks
// below allow those two connections and then require that no further one is opened.
describe('connection reuse', () => {
  it('keeps using the same connections for sequential calls of every built-in reader', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/api/capabilities/910075918') sendJson(res, 200, CAPABILITIES);
      else if (req.url === '/api/statuses/peek') res.writeHead(204).end();
      else if (req.url?.startsWith('/api/statuses/')) sendJson(res, 404, ipError(404, 'x.NotFound', 'no such status', req.url));
      else {
        // A small body that empty() has to drain.
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '7' });
        res.end('deleted');
      }
    });
    const ip = client(s.base);
    await ip.capabilities.get('910075918');
    await ip.capabilities.get('910075918');
    const warm = s.connections();
    expect(warm).toBeLessThanOrEqual(2);
    for (let i = 0; i < 20; i++) await ip.outgoing.delete(`m${i}`);
    for (let i = 0; i < 20; i++) await ip.capabilities.get('910075918');
    for (let i = 0; i < 20; i++) expect(await ip.statuses.peek()).toBeNull();
    for (let i = 0; i < 20; i++) expect(await ip.statuses.delete(i)).toBe(false);
    expect(s.requests).toHaveLength(82);
    expect(s.connections()).toBe(warm);
  });

  it('keeps the connection with a fetch given to the client: empty() reads a small body instead of cancelling it', async () => {
    const s = await serve((_req, res) => {
      // The body arrives in two parts: cancelling after the first would cost the connection.
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '7' });
      res.write('del');
      setTimeout(() => res.end('eted'), 5);
    });
    const ip = client(s.base, { fetch: (input, init) => fetch(input, init) });
    await ip.outgoing.delete('warm-1');
    await ip.outgoing.delete('warm-2');
    const warm = s.connections();
    for (let i = 0; i < 20; i++) await ip.outgoing.delete(`m${i}`);
    expect(s.requests).toHaveLength(22);
    expect(s.connections()).toBe(warm);
  });

  it('keeps using the same connections after error responses', async () => {
    const s = await serve((req, res) => sendJson(res, 400, ipError(400, 'x.MessageNotLockedException', 'not locked', req.url ?? '')));
    const ip = client(s.base);
    for (let i = 0; i < 20; i++) await expect(failure(ip.incoming.delete(`m${i}`))).resolves.toBeInstanceOf(BadRequestError);
    expect(s.requests).toHaveLength(20);
    expect(s.connections()).toBeLessThanOrEqual(2);
  });
});

describe('redirects', () => {
  it('does not follow a 302: it fails with an ApiError naming the location', async () => {
    const location = 'https://ip.kommune.no:9093/api/capabilities/910075918';
    const s = await serve((_req, res) => {
      res.writeHead(302, { location, 'content-type': 'text/html', 'content-length': '5' });
      res.end('moved');
    });
    const ip = client(s.base);
    const error = await failure(ip.capabilities.get('910075918'));
    expect(isApiError(error)).toBe(true);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 302, method: 'GET' });
    expect((error as Error).message).toContain(location);
    expect(s.requests).toHaveLength(1); // neither followed nor retried
    for (let i = 0; i < 10; i++) await expect(failure(ip.outgoing.delete('m1'))).resolves.toMatchObject({ status: 302 });
    expect(s.requests).toHaveLength(11);
    expect(s.connections()).toBeLessThanOrEqual(2);
  });
});

describe('redirects of requests with a body', () => {
  it('an upload that is redirected fails with an ApiError, is not retried, and nothing reaches the other host', async () => {
    const other = await serve((_req, res) => sendJson(res, 200, {}));
    const s = await serve((_req, res) => {
      res.writeHead(307, { location: `${other.base}/upload` });
      res.end();
    });
    const ip = client(s.base, { auth: { type: 'apiKey', header: 'X-Gravitee-Api-Key', value: 'k-123' } });
    const error = await failure(ip.outgoing.upload('m1', { filename: 'vedtak.pdf', content: Buffer.from('%PDF-1.7') }));
    expect(isApiError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(ServerError);
    expect((error as Error).message).toMatch(/^PUT \/api\/messages\/out\/m1 was redirected \(3xx\); the SDK never follows a redirect/);
    expect(s.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it('hands a body to fetch with redirect "error", so fetch never clones the request and holds its body in memory', async () => {
    // In any other redirect mode fetch clones the request, and the clone's tee keeps every byte of a streamed upload
    // in memory (a 1 GiB upload from disk grew RSS by 1 GiB in bench/send.bench.mjs).
    const s = await serve((_req, res) => sendJson(res, 200, {}));
    const modes: Array<[string, RequestRedirect | undefined]> = [];
    const ip = client(s.base, {
      fetch: (input, init) => {
        modes.push([init?.method ?? 'GET', init?.redirect]);
        return globalThis.fetch(input, init);
      },
    });
    await ip.outgoing.upload('m1', { filename: 'a.txt', content: 'abc' });
    await ip.outgoing.delete('m1');
    expect(modes).toEqual([
      ['PUT', 'error'],
      ['DELETE', 'manual'],
    ]);
  });
});

describe('headers that can never be sent', () => {
  it('are refused when the client is made, not retried as connection errors', () => {
    expect(() => client('http://127.0.0.1:1', { headers: { 'x-a': 'a\nb' } })).toThrow(/^headers\.x-a: cannot be sent/);
    // Every error the SDK throws is an EformidlingError, so not a TypeError any more.
    expect(() => client('http://127.0.0.1:1', { headers: { 'bad name': 'x' } })).toThrow(RequestValidationError);
    expect(() => client('http://127.0.0.1:1', { userAgent: 'Sak ✓/1.0' })).toThrow(/^userAgent: cannot be sent/);
    expect(() => client('http://127.0.0.1:1', { userAgent: 'Sakssystem æøå/1.0' })).not.toThrow(); // Latin-1 is allowed
  });
});

describe('the global dispatcher', () => {
  // undici's setGlobalDispatcher defines these keys non-configurable (they cannot be deleted), so they are restored by
  // assignment; importing undici (as this file does) has set them already.
  const KEYS = [Symbol.for('undici.globalDispatcher.1'), Symbol.for('undici.globalDispatcher.2')];
  const slots = globalThis as unknown as Record<symbol, Dispatcher | undefined>;
  let saved: (Dispatcher | undefined)[] = [];
  const swap = (agent: Dispatcher) => {
    saved = KEYS.map((key) => slots[key]);
    setGlobalDispatcher(agent);
  };
  afterEach(() => {
    if (saved.length === 0) return; // nothing swapped
    KEYS.forEach((key, i) => {
      if (saved[i] !== undefined || !Reflect.deleteProperty(slots, key)) slots[key] = saved[i];
    });
    saved = [];
  });

  it('stays Node’s own when the SDK sends, so fetch keeps the agent it always had', async () => {
    // A fresh process where nothing has set the global dispatcher yet: the SDK must not install one of its own.
    buildOnce();
    const s = await serve((_req, res) => sendJson(res, 200, CAPABILITIES));
    const dist = (file: string) => JSON.stringify(new URL(`../../dist/${file}`, import.meta.url).href);
    const script = `
      const slot = Symbol.for('undici.globalDispatcher.1');
      const before = globalThis[slot] === undefined;
      const { IntegrasjonspunktClient } = await import(${dist('index.js')});
      await new IntegrasjonspunktClient({ baseUrl: ${JSON.stringify(s.base)} }).capabilities.get('910075918');
      const loaded = globalThis[slot];
      const { Agent } = await import('undici');
      console.log(JSON.stringify({ before, npm: loaded instanceof Agent, same: globalThis[slot] === loaded }));`;
    const { execFile } = await import('node:child_process');
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(JSON.parse(out)).toEqual({ before: true, npm: false, same: true });
    expect(s.requests).toHaveLength(1);
  }, 240_000); // it builds the package first (buildOnce allows the build 240 s on a loaded machine)

  it('sends through the global dispatcher (an undici MockAgent) with no real network', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const seen: Record<string, string>[] = [];
    agent
      .get('http://ip.test:9093')
      .intercept({ path: '/api/capabilities/910075918', method: 'GET' })
      .reply(
        200,
        (opts) => {
          seen.push(opts.headers as Record<string, string>);
          return CAPABILITIES;
        },
        { headers: { 'content-type': 'application/json' } },
      );
    swap(agent);
    try {
      const ip = client('http://ip.test:9093', { retry: false, auth: { type: 'bearer', token: 'tok' } });
      await expect(ip.capabilities.get('910075918')).resolves.toEqual(CAPABILITIES);
      agent.assertNoPendingInterceptors();
      expect(seen[0]?.authorization).toBe('Bearer tok');
      expect(seen[0]?.['user-agent']).toMatch(/^eformidling\//);
      // Not intercepted, and the network is off: no request leaves the process.
      await expect(failure(ip.capabilities.get('910075918'))).resolves.toBeInstanceOf(ConnectionError);
    } finally {
      await agent.close();
    }
  });

  it('notices a global dispatcher set after the client has sent requests', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, CAPABILITIES));
    const ip = client(s.base, { retry: false });
    await ip.capabilities.get('910075918');
    expect(s.requests).toHaveLength(1);
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get(s.origin)
      .intercept({ path: '/api/capabilities/910075918', method: 'GET' })
      .reply(
        200,
        { capabilities: [{ process: 'p', serviceIdentifier: 'DPO', documentTypes: [] }] },
        {
          headers: { 'content-type': 'application/json' },
        },
      );
    swap(agent);
    try {
      const answer = await ip.capabilities.get('910075918');
      expect(answer.capabilities).toHaveLength(1);
      expect(s.requests).toHaveLength(1); // the mock answered, not the server
    } finally {
      await agent.close();
    }
  });
});
