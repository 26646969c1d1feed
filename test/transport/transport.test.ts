import {
  ApiError,
  BadRequestError,
  ConnectionError,
  IntegrasjonspunktClient,
  isApiError,
  isConnectionError,
  isEformidlingError,
  isRequestValidationError,
  isResponseValidationError,
  isTimeoutError,
  type Logger,
  NotFoundError,
  PayloadTooLargeError,
  RequestValidationError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  VERSION,
} from 'eformidling';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const BASE = 'http://ip.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const fast = { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 5 } } as const;
const client = (extra: Partial<ConstructorParameters<typeof IntegrasjonspunktClient>[0]> = {}) =>
  new IntegrasjonspunktClient({ baseUrl: BASE, ...fast, ...extra });

function ipError(status: number, exception: string, message: string, path: string) {
  return HttpResponse.json({ timestamp: '2026-11-25T10:00:00+01:00', status, error: 'Bad Request', exception, message, path }, { status });
}

describe('error mapping', () => {
  it('maps a 400 to BadRequestError with the short exception name the user branches on', async () => {
    server.use(
      http.get(`${BASE}/api/messages/out/x1`, () =>
        ipError(
          400,
          'no.difi.meldingsutveksling.exceptions.MessageAlreadyExistsException',
          'Message with messageId = x1 already exists',
          '/api/messages/out/x1',
        ),
      ),
    );
    const error = await client()
      .outgoing.get('x1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      exception: 'MessageAlreadyExistsException',
      exceptionClass: 'no.difi.meldingsutveksling.exceptions.MessageAlreadyExistsException',
      ipMessage: 'Message with messageId = x1 already exists',
      path: '/api/messages/out/x1',
      method: 'GET',
      url: `${BASE}/api/messages/out/x1`,
    });
    expect((error as Error).message).toBe(
      'GET /api/messages/out/x1 failed with 400 MessageAlreadyExistsException: Message with messageId = x1 already exists',
    );
  });

  it.each([
    [401, UnauthorizedError],
    [404, NotFoundError],
    [413, PayloadTooLargeError],
    [500, ServerError],
  ] as const)('maps %i to its class', async (status, Class) => {
    server.use(
      http.get(`${BASE}/api/conversations/7`, () => ipError(status, 'java.lang.IllegalStateException', 'boom', '/api/conversations/7')),
    );
    const error = await client({ retry: false })
      .conversations.get(7)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(status);
  });

  it('keeps bean-validation items and the description', async () => {
    server.use(
      http.post(`${BASE}/api/subscriptions`, () =>
        HttpResponse.json(
          {
            status: 400,
            exception: 'jakarta.validation.ConstraintViolationException',
            message: "event: 'x' is not expected",
            path: '/api/subscriptions',
            description: 'more',
            errors: [{ codes: ['OneOf'], field: 'event', rejectedValue: 'x', code: 'OneOf' }],
          },
          { status: 400 },
        ),
      ),
    );
    const error = (await client()
      .subscriptions.create({ name: 'a', pushEndpoint: 'http://127.0.0.1/h', resource: 'all', event: 'all' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.exception).toBe('ConstraintViolationException');
    expect(error.errors).toEqual([{ codes: ['OneOf'], field: 'event', rejectedValue: 'x', code: 'OneOf' }]);
    expect(error.description).toBe('more');
  });

  it('keeps a non-JSON error body as cleaned text (no raw HTML)', async () => {
    server.use(http.get(`${BASE}/api/conversations/1`, () => new HttpResponse('<html>Bad gateway</html>', { status: 502 })));
    const error = (await client({ retry: false })
      .conversations.get(1)
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ServerError);
    expect(error.exception).toBeUndefined();
    expect(error.message).toContain('HTML page: Bad gateway');
    expect(error.message).not.toContain('<html>');
  });
});

describe('retries', () => {
  it('retries a GET that fails twice with 503, then succeeds', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/capabilities/910075918`, () => {
        calls += 1;
        return calls <= 2 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({ capabilities: [] });
      }),
    );
    await expect(client().capabilities.get('910075918')).resolves.toEqual({ capabilities: [] });
    expect(calls).toBe(3);
  });

  it('gives up after the configured retries with the last error', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/capabilities/910075918`, () => {
        calls += 1;
        return new HttpResponse(null, { status: 504 });
      }),
    );
    await expect(client({ retry: { retries: 2, minDelayMs: 1 } }).capabilities.get('910075918')).rejects.toMatchObject({ status: 504 });
    expect(calls).toBe(3);
  });

  it('retries a reset connection, and reports ConnectionError when it persists', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/statuses/peek`, () => {
        calls += 1;
        return HttpResponse.error();
      }),
    );
    const error = await client()
      .statuses.peek()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(isConnectionError(error)).toBe(true);
    expect(calls).toBe(4);
  });

  it('honours a short Retry-After on 429', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/statuses/peek`, () => {
        calls += 1;
        return calls === 1
          ? new HttpResponse(null, { status: 429, headers: { 'Retry-After': '0' } })
          : new HttpResponse(null, { status: 204 });
      }),
    );
    await expect(client().statuses.peek()).resolves.toBeNull();
    expect(calls).toBe(2);
  });

  it('fails at once when Retry-After is longer than the cap', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/statuses/peek`, () => {
        calls += 1;
        return new HttpResponse(null, { status: 429, headers: { 'Retry-After': '3600' } });
      }),
    );
    const error = (await client()
      .statuses.peek()
      .catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(calls).toBe(1);
  });

  it('never retries a 400 or a 404', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/conversations/3`, () => {
        calls += 1;
        return ipError(404, 'no.difi.meldingsutveksling.exceptions.ConversationNotFoundException', 'not found', '/api/conversations/3');
      }),
    );
    await expect(client().conversations.get(3)).rejects.toBeInstanceOf(NotFoundError);
    expect(calls).toBe(1);
  });

  it('never retries a POST blindly (send is not idempotent)', async () => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/api/messages/out/m1`, () => {
        calls += 1;
        return new HttpResponse(null, { status: 503 });
      }),
    );
    await expect(client().outgoing.send('m1')).rejects.toBeInstanceOf(ServerError);
    expect(calls).toBe(1);
  });
});

describe('timeouts and abort', () => {
  it('times out an attempt that hangs', async () => {
    server.use(
      http.get(`${BASE}/api/statuses/peek`, async () => {
        await delay('infinite');
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const error = await client({ retry: false, timeoutMs: 50 })
      .statuses.peek()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(isTimeoutError(error)).toBe(true);
    expect((error as TimeoutError).timeoutMs).toBe(50);
  });

  it('lets a per-call timeoutMs override the client', async () => {
    server.use(
      http.get(`${BASE}/api/statuses/peek`, async () => {
        await delay('infinite');
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const error = await client({ retry: false })
      .statuses.peek({ timeoutMs: 30 })
      .catch((e: unknown) => e);
    expect((error as TimeoutError).timeoutMs).toBe(30);
  });

  it('rejects with the abort reason and does not retry a cancellation', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/statuses/peek`, async () => {
        calls += 1;
        await delay('infinite');
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const pending = client().statuses.peek({ signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
    expect(calls).toBe(1);
  });

  it('leaves no abort listener behind on a long-lived signal', async () => {
    server.use(http.get(`${BASE}/api/statuses/peek`, () => new HttpResponse(null, { status: 204 })));
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added += 1;
      add(...args);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      removed += 1;
      remove(...args);
    }) as typeof signal.removeEventListener;
    const ip = client();
    for (let i = 0; i < 5; i++) await ip.statuses.peek({ signal });
    expect(added).toBeGreaterThan(0);
    expect(removed).toBe(added);
  });

  it('does not send anything when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('early'));
    await expect(client().statuses.peek({ signal: controller.signal })).rejects.toThrow('early');
  });
});

describe('response validation', () => {
  it('reports a 2xx body that breaks the schema, naming the field and keeping the raw body', async () => {
    server.use(http.get(`${BASE}/api/capabilities/910075918`, () => HttpResponse.json({ capabilities: [{ process: 'p' }] })));
    const error = (await client()
      .capabilities.get('910075918')
      .catch((e: unknown) => e)) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(isResponseValidationError(error)).toBe(true);
    expect(error.field).toBe('capabilities.0.serviceIdentifier');
    expect(error.rawBody).toBe('{"capabilities":[{"process":"p"}]}');
    expect(error.status).toBe(200);
  });

  it('reports a 2xx body that is not JSON, and says when it is a page (baseUrl is not an IP)', async () => {
    server.use(http.get(`${BASE}/api/capabilities/910075918`, () => new HttpResponse('<html/>', { status: 200 })));
    await expect(client().capabilities.get('910075918')).rejects.toMatchObject({
      name: 'ResponseValidationError',
      issues: [{ path: '', message: 'the body is an HTML or XML page, not JSON: is baseUrl an integrasjonspunkt API?' }],
    });
    server.use(http.get(`${BASE}/api/capabilities/910075918`, () => new HttpResponse('OK', { status: 200 })));
    await expect(client().capabilities.get('910075918')).rejects.toMatchObject({
      name: 'ResponseValidationError',
      issues: [{ path: '', message: 'the body is not valid JSON' }],
    });
  });

  it('keeps unknown fields and unknown enum values from a newer IP', async () => {
    server.use(
      http.get(`${BASE}/api/capabilities/910075918`, () =>
        HttpResponse.json({ capabilities: [{ process: 'p', serviceIdentifier: 'DPX', documentTypes: [], future: 1 }], extra: true }),
      ),
    );
    const result = await client().capabilities.get('910075918');
    expect(result).toEqual({ capabilities: [{ process: 'p', serviceIdentifier: 'DPX', documentTypes: [], future: 1 }], extra: true });
  });
});

describe('request headers', () => {
  function capture() {
    const seen: Headers[] = [];
    server.use(
      http.get(`${BASE}/api/statuses/peek`, ({ request }) => {
        seen.push(request.headers);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    return seen;
  }

  it('sends the SDK User-Agent even without an integrator part', async () => {
    const seen = capture();
    await client().statuses.peek();
    expect(seen[0]?.get('user-agent')).toBe(
      `eformidling/${VERSION} (Node.js ${process.versions.node}; ${process.platform} ${process.arch})`,
    );
  });

  it('puts the integrator part first', async () => {
    const seen = capture();
    await client({ userAgent: { name: 'Acos Websak', version: '1.1' } }).statuses.peek();
    expect(seen[0]?.get('user-agent')).toMatch(/^Acos Websak\/1\.1 eformidling\//);
  });

  it('sends Basic auth', async () => {
    const seen = capture();
    await client({ auth: { type: 'basic', username: 'fag', password: 'hemmelig' } }).statuses.peek();
    expect(seen[0]?.get('authorization')).toBe(`Basic ${Buffer.from('fag:hemmelig').toString('base64')}`);
  });

  it('sends a Bearer token, asking getToken() again on each attempt', async () => {
    const seen: string[] = [];
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/statuses/peek`, ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        calls += 1;
        return new HttpResponse(null, { status: calls === 1 ? 503 : 204 });
      }),
    );
    let n = 0;
    await client({ auth: { type: 'bearer', getToken: async () => `t${++n}` } }).statuses.peek();
    expect(seen).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('sends a fixed Bearer token and an API key header', async () => {
    const seen = capture();
    await client({ auth: { type: 'bearer', token: 'abc' } }).statuses.peek();
    await client({ auth: { type: 'apiKey', header: 'X-Gravitee-Api-Key', value: 'k1' } }).statuses.peek();
    expect(seen[0]?.get('authorization')).toBe('Bearer abc');
    expect(seen[1]?.get('x-gravitee-api-key')).toBe('k1');
  });

  it('adds custom headers', async () => {
    const seen = capture();
    await client({ headers: { 'X-Correlation-Id': 'c1' } }).statuses.peek();
    expect(seen[0]?.get('x-correlation-id')).toBe('c1');
  });

  it('rejects a malformed auth option at construction', () => {
    expect(() => client({ auth: { type: 'digest' } as never })).toThrow(RequestValidationError);
    expect(() => client({ auth: { type: 'basic', username: 'a:b', password: 'x' } })).toThrow(/":"/);
  });
});

describe('base URL', () => {
  it('keeps a gateway path prefix and removes trailing slashes', async () => {
    let url = '';
    server.use(
      http.get('http://gw.test/eformidling/v1/api/statuses/peek', ({ request }) => {
        url = request.url;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const ip = new IntegrasjonspunktClient({ baseUrl: 'http://gw.test/eformidling/v1//' });
    expect(ip.baseUrl).toBe('http://gw.test/eformidling/v1');
    await ip.statuses.peek();
    expect(url).toBe('http://gw.test/eformidling/v1/api/statuses/peek');
  });

  it('rejects credentials, queries and other schemes in baseUrl', () => {
    expect(() => new IntegrasjonspunktClient({ baseUrl: 'http://u:p@ip.test' })).toThrow(/auth/);
    expect(() => new IntegrasjonspunktClient({ baseUrl: 'http://ip.test/?a=1' })).toThrow(RequestValidationError);
    expect(() => new IntegrasjonspunktClient({ baseUrl: 'ftp://ip.test' })).toThrow(RequestValidationError);
    expect(() => new IntegrasjonspunktClient({ baseUrl: 'not a url' })).toThrow(RequestValidationError);
  });

  it('encodes path parameters so an id cannot escape its segment', async () => {
    let path = '';
    server.use(
      http.get(`${BASE}/api/messages/out/:id`, ({ request }) => {
        path = new URL(request.url).pathname;
        return ipError(404, 'x.MessageNotFoundException', 'nf', path);
      }),
    );
    await client()
      .outgoing.get('a/../b?c')
      .catch(() => undefined);
    expect(path).toBe('/api/messages/out/a%2F..%2Fb%3Fc');
    // An async method given a bad argument rejects; it never throws synchronously.
    await expect(client().outgoing.get('..')).rejects.toThrow(RequestValidationError);
  });

  it('derives a client with other options and leaves the original alone', async () => {
    // The transport is private: the timeout each client uses shows on the TimeoutError of a request that never ends.
    server.use(http.get(`${BASE}/api/conversations/1`, () => delay('infinite')));
    const a = client({ timeoutMs: 100, retry: false });
    const b = a.withOptions({ timeoutMs: 150, userAgent: 'X/1' });
    await expect(a.conversations.get(1)).rejects.toMatchObject({ name: 'TimeoutError', timeoutMs: 100 });
    await expect(b.conversations.get(1)).rejects.toMatchObject({ name: 'TimeoutError', timeoutMs: 150 });
    expect(b.userAgent).toMatch(/^X\/1 /);
    expect(a.userAgent).not.toMatch(/^X\/1 /);
  });
});

describe('secrets', () => {
  it('never shows credentials in errors, toJSON or log lines', async () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: (m, meta) => lines.push(m + JSON.stringify(meta ?? {})),
      info: (m, meta) => lines.push(m + JSON.stringify(meta ?? {})),
      warn: (m, meta) => lines.push(m + JSON.stringify(meta ?? {})),
      error: (m, meta) => lines.push(m + JSON.stringify(meta ?? {})),
    };
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/statuses/peek`, () => {
        calls += 1;
        return calls === 1
          ? new HttpResponse(null, { status: 503 })
          : ipError(401, 'x.Unauthorized', 'Bad credentials Authorization: Basic ZmFnOmhlbW1lbGln', '/api/statuses/peek');
      }),
    );
    const error = (await client({ auth: { type: 'basic', username: 'fag', password: 'hemmelig' }, logger })
      .statuses.peek()
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(UnauthorizedError);
    const everything = [error.message, JSON.stringify(error), ...lines].join('\n');
    expect(lines.length).toBeGreaterThan(2);
    expect(everything).not.toContain('hemmelig');
    expect(everything).not.toContain('ZmFnOmhlbW1lbGln');
  });
});

describe('type guards', () => {
  it('recognise errors from another copy of the package by brand and name', () => {
    const brand = Symbol.for('eformidling.error');
    class NotFoundErrorCopy extends Error {
      constructor() {
        super('copy');
        this.name = 'NotFoundError';
        Object.defineProperty(this, brand, { value: true });
      }
    }
    class ApiErrorCopy extends NotFoundErrorCopy {}
    Object.defineProperty(ApiErrorCopy, 'name', { value: 'ApiError' });
    const foreign = new NotFoundErrorCopy();
    expect(isEformidlingError(foreign)).toBe(true);
    expect(isApiError(Object.setPrototypeOf(new NotFoundErrorCopy(), ApiErrorCopy.prototype))).toBe(true);
    expect(isApiError(new Error('plain'))).toBe(false);
    expect(isRequestValidationError({ name: 'RequestValidationError' })).toBe(false);
  });
});

describe('pagination', () => {
  const page = (n: number, items: number[], last: boolean) =>
    HttpResponse.json({
      content: items.map((id) => ({ id, lastUpdate: '2026-01-01T00:00:00Z', status: 'SENDT' })),
      last,
      number: n,
      size: 2,
    });

  it('iterates items across pages and stops fetching when the loop breaks', async () => {
    const pages: string[] = [];
    server.use(
      http.get(`${BASE}/api/statuses`, ({ request }) => {
        const p = Number(new URL(request.url).searchParams.get('page'));
        pages.push(String(p));
        return p === 0 ? page(0, [1, 2], false) : p === 1 ? page(1, [3, 4], false) : page(2, [5], true);
      }),
    );
    const ids: number[] = [];
    for await (const s of client().statuses.list({ status: 'SENDT', pageSize: 2 })) {
      ids.push(s.id);
      if (s.id === 3) break;
    }
    expect(ids).toEqual([1, 2, 3]);
    expect(pages).toEqual(['0', '1']);
  });

  it('gives pages with a resumable continuation token', async () => {
    const sizes: string[] = [];
    server.use(
      http.get(`${BASE}/api/statuses`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        sizes.push(q.get('size') ?? '');
        return Number(q.get('page')) === 1 ? page(1, [3, 4], false) : page(2, [5], true);
      }),
    );
    const tokens: Array<string | undefined> = [];
    for await (const p of client().statuses.list().byPage({ pageSize: 2, continuationToken: '1' })) tokens.push(p.continuationToken);
    expect(tokens).toEqual(['2', undefined]);
    expect(sizes).toEqual(['2', '2']);
  });

  it('rejects a page size the IP would cap', async () => {
    const iterator = client().statuses.list().byPage({ pageSize: 5000 });
    await expect(iterator.next()).rejects.toThrow(RequestValidationError);
  });
});
