import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IntegrasjonspunktClient, isRequestValidationError, type Logger } from 'eformidling';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// Every resource method checks its arguments before any request and reports a bad one as a rejected promise with a
// RequestValidationError naming the field, never a synchronous throw, a raw TypeError or a request such as
// `/pop/null` or `since=Invalid+Date`.

let server: Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const body = req.url?.startsWith('/api/capabilities') ? '{"capabilities":[]}' : '{"content":[],"last":true}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen.length = 0;
});

const client = (extra: { strictIdentifiers?: boolean; logger?: Logger } = {}) =>
  new IntegrasjonspunktClient({ baseUrl: base, retry: false, ...extra });

/** Calls `fn` and returns what it rejected with; fails when it threw synchronously or resolved. */
async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  let promise: Promise<unknown>;
  try {
    promise = fn();
  } catch (error) {
    throw new Error(`threw synchronously instead of rejecting: ${String(error)}`);
  }
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** The first page of a paged list, as a promise. */
const firstPage = (list: { byPage(): AsyncIterableIterator<unknown> }) => () => list.byPage().next();

describe('bad arguments never reach the network', () => {
  const never = null as never;
  const cases: Array<[string, (ip: IntegrasjonspunktClient) => () => Promise<unknown>, string]> = [
    ["capabilities.get('abc')", (ip) => () => ip.capabilities.get('abc'), 'receiverIdentifier'],
    ["capabilities.get('12345')", (ip) => () => ip.capabilities.get('12345'), 'receiverIdentifier'],
    ["capabilities.get('')", (ip) => () => ip.capabilities.get(''), 'receiverIdentifier'],
    ['capabilities.get(null)', (ip) => () => ip.capabilities.get(never), 'receiverIdentifier'],
    ["capabilities.get('0192:91007591x')", (ip) => () => ip.capabilities.get('0192:91007591x'), 'receiverIdentifier'],
    ['capabilities.get(securityLevel 7)', (ip) => () => ip.capabilities.get('910075918', { securityLevel: 7 }), 'options.securityLevel'],
    ['incoming.pop(null)', (ip) => () => ip.incoming.pop(never), 'messageId'],
    ["incoming.pop('')", (ip) => () => ip.incoming.pop(''), 'messageId'],
    ['incoming.delete(undefined)', (ip) => () => ip.incoming.delete(undefined as never), 'messageId'],
    ['incoming.peek(receiverIdentifier null)', (ip) => () => ip.incoming.peek({ receiverIdentifier: never }), 'filter.receiverIdentifier'],
    ["incoming.peek(receiverIdentifier 'abc')", (ip) => () => ip.incoming.peek({ receiverIdentifier: 'abc' }), 'filter.receiverIdentifier'],
    ["statuses.list({ since: new Date('x') })", (ip) => firstPage(ip.statuses.list({ since: new Date('x') } as never)), 'filter.since'],
    [
      'statuses.list(an invalid Date range)',
      (ip) => firstPage(ip.statuses.list({ fromDateTime: new Date('x'), toDateTime: new Date() })),
      'filter.fromDateTime',
    ],
    ['statuses.list(pageSize 0)', (ip) => firstPage(ip.statuses.list({ pageSize: 0 })), 'pageSize'],
    ['statuses.forMessage(null)', (ip) => firstPage(ip.statuses.forMessage(never)), 'messageId'],
    ['statuses.delete(NaN)', (ip) => () => ip.statuses.delete(Number.NaN), 'id'],
    ['conversations.get(null)', (ip) => () => ip.conversations.get(never), 'id'],
    ["conversations.get('7')", (ip) => () => ip.conversations.get('7' as never), 'id'],
    ['conversations.getByMessageId(null)', (ip) => () => ip.conversations.getByMessageId(never), 'messageId'],
    [
      'conversations.list(receiverIdentifier null)',
      (ip) => firstPage(ip.conversations.list({ receiverIdentifier: never })),
      'filter.receiverIdentifier',
    ],
    [
      "conversations.list(lastUpdateFrom '1.1.2026')",
      (ip) => firstPage(ip.conversations.list({ lastUpdateFrom: '1.1.2026' })),
      'filter.lastUpdateFrom',
    ],
    ['subscriptions.get(1.5)', (ip) => () => ip.subscriptions.get(1.5), 'id'],
    ['subscriptions.delete(null)', (ip) => () => ip.subscriptions.delete(never), 'id'],
    ['statuses.peek(timeoutMs -1)', (ip) => () => ip.statuses.peek({ timeoutMs: -1 }), 'options.timeoutMs'],
    ["capabilities.get(signal 'x')", (ip) => () => ip.capabilities.get('910075918', { signal: 'x' as never }), 'options.signal'],
  ];

  it.each(cases)('%s rejects with a RequestValidationError naming the field', async (_name, call, field) => {
    const error = await rejection(call(client()));
    expect(isRequestValidationError(error)).toBe(true);
    expect(error).toMatchObject({ field });
    expect(seen).toEqual([]);
  });

  it.each(['javascript:alert(1)', 'file:///etc/passwd', 'data:text/plain,x', 'ftp://hooks.example/x'])(
    'a subscription pushEndpoint of %s is refused (only http and https)',
    async (pushEndpoint) => {
      const ip = client();
      const params = { name: 'hook', pushEndpoint, resource: 'all', event: 'all' } as const;
      for (const call of [
        () => ip.subscriptions.create(params),
        () => ip.subscriptions.ensureSubscription(params),
        () => ip.subscriptions.update(1, { pushEndpoint }),
      ]) {
        const error = await rejection(call);
        expect(error).toMatchObject({ name: 'RequestValidationError', field: 'pushEndpoint' });
      }
      expect(seen).toEqual([]);
    },
  );

  it('the good forms still go through, with the ICD stripped for the capabilities path', async () => {
    const ip = client();
    await ip.capabilities.get('0192:910075918');
    await ip.capabilities.get('09118532322');
    // Only the request matters here (this server's page body is not a full Spring page).
    await ip.statuses
      .list({ fromDateTime: '2026-01-01T00:00:00+01:00', toDateTime: new Date(0) })
      .byPage()
      .next()
      .catch(() => undefined);
    expect(seen).toEqual([
      'GET /api/capabilities/910075918',
      'GET /api/capabilities/09118532322',
      'GET /api/statuses?fromDateTime=2026-01-01T00%3A00%3A00%2B01%3A00&toDateTime=1970-01-01T00%3A00%3A00.000Z&page=0',
    ]);
  });
});

describe('a wrong MOD11 check digit (the IP does not check it)', () => {
  it('is sent, with a warning through the client logger', async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (message) => warnings.push(message), error() {} };
    await client({ logger }).capabilities.get('0192:910075924');
    expect(seen).toEqual(['GET /api/capabilities/910075924']);
    expect(warnings).toEqual([
      expect.stringMatching(/^receiverIdentifier: the organisation number 910075924 has a wrong MOD11 check digit/),
    ]);
  });

  it('is refused before any request with strictIdentifiers: true', async () => {
    const ip = client({ strictIdentifiers: true });
    expect(ip.strictIdentifiers).toBe(true);
    const error = await rejection(() => ip.capabilities.get('910075924'));
    expect(error).toMatchObject({ name: 'RequestValidationError', field: 'receiverIdentifier' });
    expect((error as Error).message).toMatch(/wrong MOD11 check digit/);
    expect(seen).toEqual([]);
  });
});
