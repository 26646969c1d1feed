import { IntegrasjonspunktClient, RequestValidationError, TimeoutError } from 'eformidling';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readText } from '../../src/transport/http.js';

const BASE = 'http://ip.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('client options are checked at construction', () => {
  it('rejects a missing options object, a bad timeout, tls together with fetch, and bad retry counts', () => {
    expect(() => new IntegrasjonspunktClient(undefined as never)).toThrow(/options: are required/);
    expect(() => new IntegrasjonspunktClient({ baseUrl: BASE, timeoutMs: 0 })).toThrow(RequestValidationError);
    expect(() => new IntegrasjonspunktClient({ baseUrl: BASE, tls: { ca: 'x' }, fetch: globalThis.fetch })).toThrow(/either tls or fetch/);
    expect(() => new IntegrasjonspunktClient({ baseUrl: BASE, retry: -1 })).toThrow(RequestValidationError);
    expect(() => new IntegrasjonspunktClient({ baseUrl: BASE, retry: 1.5 })).toThrow(RequestValidationError);
  });

  it.each([
    [{ type: 'basic', username: 'u' }, /username and password/],
    [{ type: 'bearer' }, /token or getToken/],
    [{ type: 'apiKey', header: 'bad header', value: 'v' }, /valid header name/],
    [{ type: 'apiKey', header: 'X-Key' }, /needs a value/],
  ])('rejects auth %j', (auth, message) => {
    expect(() => new IntegrasjonspunktClient({ baseUrl: BASE, auth: auth as never })).toThrow(message);
  });

  it('turns retries off with false and sends through an injected fetch', async () => {
    let calls = 0;
    const fetch = async () => {
      calls += 1;
      return new Response(null, { status: 503 });
    };
    const ip = new IntegrasjonspunktClient({ baseUrl: BASE, retry: false, fetch });
    await expect(ip.statuses.peek()).rejects.toMatchObject({ status: 503 });
    expect(calls).toBe(1);
  });
});

describe('query parameters', () => {
  it('repeats array values and leaves out undefined ones', async () => {
    let query = '';
    server.use(
      http.get(`${BASE}/api/statuses`, ({ request }) => {
        query = new URL(request.url).search;
        return HttpResponse.json({ content: [], last: true, number: 0 });
      }),
    );
    const ip = new IntegrasjonspunktClient({ baseUrl: BASE });
    for await (const _ of ip.statuses.list({ status: 'FEIL', sort: ['lastUpdate,desc', 'id'], messageId: undefined })) {
      // no items
    }
    expect(query).toBe('?status=FEIL&sort=lastUpdate%2Cdesc&sort=id&page=0');
  });

  it('refuses a continuation token that is not a page number', async () => {
    const ip = new IntegrasjonspunktClient({ baseUrl: BASE });
    await expect(ip.statuses.list().byPage({ continuationToken: 'abc' }).next()).rejects.toThrow(/continuationToken: 'abc' is not a token/);
  });
});

describe('retry and request bodies', () => {
  it('retries a PUT whose body can be read again, and never one with a one-shot stream', async () => {
    const bodies: string[] = [];
    server.use(
      http.put(`${BASE}/api/messages/out/:id`, async ({ request }) => {
        bodies.push(await request.text());
        return new HttpResponse(null, { status: bodies.length === 1 ? 503 : 200 });
      }),
    );
    const ip = new IntegrasjonspunktClient({ baseUrl: BASE, retry: { retries: 2, minDelayMs: 1 } });
    await ip.outgoing.upload('m1', { filename: 'a.txt', content: 'hello' });
    expect(bodies).toEqual(['hello', 'hello']);

    bodies.length = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('once'));
        c.close();
      },
    });
    await expect(ip.outgoing.upload('m2', { filename: 'b.txt', content: stream, size: 4 })).rejects.toMatchObject({ status: 503 });
    expect(bodies).toEqual(['once']);
  });

  it('reports retries to the logger with the error text', async () => {
    const warnings: string[] = [];
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/statuses/peek`, () => {
        calls += 1;
        return calls === 1 ? HttpResponse.error() : new HttpResponse(null, { status: 204 });
      }),
    );
    const noop = () => {};
    const ip = new IntegrasjonspunktClient({
      baseUrl: BASE,
      retry: { retries: 1, minDelayMs: 1 },
      logger: { debug: noop, info: noop, error: noop, warn: (m, meta) => warnings.push(`${m} ${JSON.stringify(meta)}`) },
    });
    await ip.statuses.peek();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/GET \/api\/statuses\/peek attempt 1 failed; retrying in \d+ ms .*GET \/api\/statuses\/peek failed/);
  });
});

describe('readText for custom readers', () => {
  const ctx = (remainingMs: number, signal?: AbortSignal) => ({
    method: 'GET',
    url: `${BASE}/x`,
    remainingMs,
    timeout: () => new TimeoutError('GET /x timed out', { timeoutMs: remainingMs }),
    signal,
  });
  const stalled = () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode('part'));
        },
      }),
    );

  it('stops reading at the byte limit (whole chunks)', async () => {
    expect(await readText(new Response('abcdefgh'), undefined, 4)).toBe('abcdefgh');
    const big = new Response('x'.repeat(200_000));
    expect((await readText(big, ctx(1000), 1024)).length).toBeGreaterThanOrEqual(1024);
    expect(await readText(new Response(null))).toBe('');
  });

  it('times out a stalled body within the remaining time', async () => {
    await expect(readText(stalled(), ctx(30))).rejects.toBeInstanceOf(TimeoutError);
  });

  it('rejects with the caller reason when aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => controller.abort(reason), 10);
    await expect(readText(stalled(), ctx(5_000, controller.signal))).rejects.toBe(reason);
  });
});
