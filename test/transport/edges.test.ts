import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  ApiError,
  IntegrasjonspunktClient,
  type IntegrasjonspunktClientOptions,
  isApiError,
  isEformidlingError,
  isNotIntegrasjonspunktError,
  NotFoundError,
  NotIntegrasjonspunktError,
  ResponseValidationError,
  UnauthorizedError,
} from 'eformidling';
import { afterEach, describe, expect, it } from 'vitest';
import { Transport } from '../../src/transport/http.js';

// Credentials and "is this an IP at all" on both HTTP paths: the direct undici path (resource calls with no `fetch`
// option) and the fetch path (a `fetch` given to the client, and streamed downloads such as `pop`), over real sockets.

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

interface TestServer {
  base: string;
  requests: Seen[];
}

const servers: Server[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const requests: Seen[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      handler(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    }),
  );
});

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

const ipError = (status: number, exception: string, message: string, path: string) =>
  JSON.stringify({ timestamp: '2026-11-25T10:00:00+01:00', status, error: 'Error', exception, message, path });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

const API_KEY = 'gravitee-secret-4f1c9a';
const PASSWORD = 'hemmelig-passord-77';
const BASIC = Buffer.from(`fagsystem:${PASSWORD}`).toString('base64');

/** The global fetch, and a fetch given to the client. */
const PATHS: Array<[string, Partial<IntegrasjonspunktClientOptions>]> = [
  ['global fetch', {}],
  ['a fetch given to the client', { fetch: (input, init) => globalThis.fetch(input, init) }],
];

describe.each(PATHS)('redirects (%s)', (_name, extra) => {
  it('never follows a cross-origin redirect: the API key stays with the IP and the error names the Location', async () => {
    const other = await serve((_req, res) => send(res, 200, '{"capabilities":[]}'));
    const ip = await serve((req, res) => {
      res.writeHead(302, { location: `${other.base}/steal${req.url}` });
      res.end();
    });
    const client = new IntegrasjonspunktClient({
      baseUrl: ip.base,
      auth: { type: 'apiKey', header: 'X-Gravitee-Api-Key', value: API_KEY },
      retry: false,
      ...extra,
    });
    const error = await failure(client.capabilities.get('910075918'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 302 });
    expect((error as Error).message).toContain(`redirected (302) to ${other.base}/steal/api/capabilities/910075918`);
    expect(ip.requests[0]?.headers['x-gravitee-api-key']).toBe(API_KEY);
    expect(other.requests).toEqual([]);
  });
});

describe('redirects on a streamed download (pop, always over fetch)', () => {
  it('refuses the redirect instead of sending the API key to the other host', async () => {
    const other = await serve((_req, res) => send(res, 200, 'PK', 'application/octet-stream'));
    const ip = await serve((_req, res) => {
      res.writeHead(307, { location: `${other.base}/asic.zip` });
      res.end();
    });
    const client = new IntegrasjonspunktClient({
      baseUrl: ip.base,
      auth: { type: 'apiKey', header: 'X-Gravitee-Api-Key', value: API_KEY },
      retry: false,
    });
    const error = await failure(client.incoming.pop('5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90'));
    expect(error).toMatchObject({ name: 'ApiError', status: 307 });
    expect((error as Error).message).toContain(`to ${other.base}/asic.zip`);
    expect(other.requests).toEqual([]);
  });
});

/** A client (derived with `overrides` when given) and a transport made from the same options. */
function both(options: IntegrasjonspunktClientOptions, overrides?: Partial<IntegrasjonspunktClientOptions>) {
  const ip = new IntegrasjonspunktClient(options);
  return { ip: overrides ? ip.withOptions(overrides) : ip, transport: new Transport({ ...options, ...overrides }) };
}

describe('secrets stay out of inspect() and JSON.stringify()', () => {
  const secrets = [PASSWORD, BASIC, API_KEY, 'bearer-token-0xdeadbeef', 'tls-passphrase-31', 'x-secret-header-9'];
  // Port 1 on loopback refuses at once: the request below fails fast after the auth header was built and cached.
  const base = { baseUrl: 'http://127.0.0.1:1', retry: false } as const;
  // Each client with a transport made from the same options: the client keeps its transport in a private field,
  // which inspect() does not show, so the transport is checked on its own.
  const clients = () => [
    both({
      ...base,
      auth: { type: 'basic', username: 'fagsystem', password: PASSWORD },
      headers: { 'X-Secret': 'x-secret-header-9' },
    }),
    both({ ...base, auth: { type: 'apiKey', header: 'X-Gravitee-Api-Key', value: API_KEY } }),
    both({ ...base, auth: { type: 'bearer', token: 'bearer-token-0xdeadbeef' } }),
    both({ ...base, tls: { ca: 'CA', key: 'KEY', passphrase: 'tls-passphrase-31' } }, { timeoutMs: 5_000 }),
  ];

  it('a client, its resources and its transport print without the password, token, API key or TLS passphrase', async () => {
    for (const { ip, transport } of clients()) {
      // A request first, so that cached auth headers exist too.
      await ip.capabilities.get('910075918').catch(() => undefined);
      await transport.empty({ method: 'GET', path: '/api/capabilities/910075918' }).catch(() => undefined);
      const views = [
        inspect(ip, { depth: 6 }),
        inspect(ip, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true }),
        JSON.stringify(ip),
        inspect(transport, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
        JSON.stringify(transport),
        inspect(ip.capabilities, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
        JSON.stringify(ip.incoming),
        String(ip),
      ];
      for (const view of views) for (const secret of secrets) expect(view).not.toContain(secret);
      expect(transport).not.toHaveProperty('options');
    }
  });
});

describe.each(PATHS)('credentials a server echoes back are redacted (%s)', (_name, extra) => {
  it('in the message, the parsed body, ipMessage and toJSON of an ApiError', async () => {
    const s = await serve((req, res) =>
      send(
        res,
        401,
        ipError(401, 'org.springframework.security.BadCredentialsException', `Bad credentials for Basic ${BASIC}`, req.url ?? ''),
      ),
    );
    const client = new IntegrasjonspunktClient({
      baseUrl: s.base,
      auth: { type: 'basic', username: 'fagsystem', password: PASSWORD },
      retry: false,
      ...extra,
    });
    const error = (await failure(client.statuses.peek())) as UnauthorizedError;
    expect(error).toBeInstanceOf(UnauthorizedError);
    const views = [error.message, JSON.stringify(error), error.ipMessage ?? '', JSON.stringify(error.body), inspect(error)];
    for (const view of views) expect(view).not.toContain(BASIC);
    expect(error.message).toContain('Bad credentials for Basic ***');
  });

  it('in a plain-text error body and in the rawBody of a ResponseValidationError', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const s = await serve((req, res) => {
      if (req.url?.startsWith('/api/capabilities')) send(res, 502, `upstream refused Bearer ${token}`, 'text/plain');
      else send(res, 200, JSON.stringify({ unexpected: `Bearer ${token}` }));
    });
    const client = new IntegrasjonspunktClient({ baseUrl: s.base, auth: { type: 'bearer', token }, retry: false, ...extra });
    const apiError = (await failure(client.capabilities.get('910075918'))) as ApiError;
    expect(apiError.message).toContain('upstream refused Bearer ***');
    expect(JSON.stringify(apiError)).not.toContain(token);
    const shapeError = (await failure(client.statuses.peek())) as ResponseValidationError;
    expect(shapeError).toBeInstanceOf(ResponseValidationError);
    expect(shapeError.rawBody).toContain('Bearer ***');
    expect(`${shapeError.rawBody}${JSON.stringify(shapeError)}${shapeError.message}`).not.toContain(token);
  });
});

describe.each(PATHS)('a server that is not an integrasjonspunkt (%s)', (_name, extra) => {
  const cases: Array<[string, (res: ServerResponse) => void]> = [
    [
      'an HTML page',
      (res) => send(res, 404, '<!doctype html><html><head><title>Welcome to nginx!</title></head><body>x</body></html>', 'text/html'),
    ],
    ['an empty body', (res) => send(res, 404, '', 'text/plain')],
    ["another server's JSON", (res) => send(res, 404, '{"message":"no Route matched with those values"}')],
  ];

  it.each(cases)('a 404 with %s is a NotIntegrasjonspunktError naming the base URL and path, not retried', async (_what, answer) => {
    const s = await serve((_req, res) => answer(res));
    const client = new IntegrasjonspunktClient({ baseUrl: `${s.base}/gw`, retry: { retries: 3, minDelayMs: 1 }, ...extra });
    const error = await failure(client.capabilities.get('910075918'));
    expect(error).toBeInstanceOf(NotIntegrasjonspunktError);
    expect(isNotIntegrasjonspunktError(error)).toBe(true);
    expect(isApiError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, baseUrl: `${s.base}/gw`, requestPath: '/api/capabilities/910075918' });
    expect((error as Error).message).toMatch(
      new RegExp(`^this is not an integrasjonspunkt API at ${s.base}/gw: GET /api/capabilities/910075918 answered 404`),
    );
    expect((error as Error).message).not.toMatch(/<|doctype/i);
    expect(s.requests).toHaveLength(1);
  });

  it("keeps NotFoundError for the IP's own 404s, and statuses.delete's empty 404 still means false", async () => {
    const s = await serve((req, res) => {
      if (req.method === 'DELETE') send(res, 404, '', 'text/plain');
      else send(res, 404, ipError(404, 'no.difi.meldingsutveksling.exceptions.ConversationNotFoundException', 'not found', req.url ?? ''));
    });
    const client = new IntegrasjonspunktClient({ baseUrl: s.base, retry: false, ...extra });
    const error = await failure(client.conversations.get(7));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).not.toBeInstanceOf(NotIntegrasjonspunktError);
    await expect(client.statuses.delete(7)).resolves.toBe(false);
  });
});

describe('errors from the client constructor', () => {
  it('are EformidlingErrors naming the option', () => {
    const bad: Array<[unknown, string]> = [
      [undefined, 'options'],
      [{}, 'baseUrl'],
      [{ baseUrl: 'not a url' }, 'baseUrl'],
      [{ baseUrl: 'https://ip.test', timeoutMs: -1 }, 'timeoutMs'],
      [{ baseUrl: 'https://ip.test', timeoutMs: '5' }, 'timeoutMs'],
      [{ baseUrl: 'https://ip.test', retry: -1 }, 'retry'],
      [{ baseUrl: 'https://ip.test', auth: null }, 'auth'],
      [{ baseUrl: 'https://ip.test', auth: { type: 'digest' } }, 'auth'],
      [{ baseUrl: 'https://ip.test', tls: { rejectUnauthorized: false } }, 'tls.rejectUnauthorized'],
      [{ baseUrl: 'https://ip.test', userAgent: 42 }, 'userAgent'],
      [{ baseUrl: 'https://ip.test', headers: 'x' }, 'headers'],
      [{ baseUrl: 'https://ip.test', fetch: 'x' }, 'fetch'],
      [{ baseUrl: 'https://ip.test', strictIdentifiers: 'yes' }, 'strictIdentifiers'],
    ];
    for (const [options, field] of bad) {
      let error: unknown;
      try {
        new IntegrasjonspunktClient(options as never);
      } catch (e) {
        error = e;
      }
      expect(isEformidlingError(error), JSON.stringify(options)).toBe(true);
      expect(error, JSON.stringify(options)).toMatchObject({ name: 'RequestValidationError', field });
    }
  });
});
