/*
 * The send tests' IP: the product's simulator (`eformidling/mock`) with a recording layer in front. The simulator owns
 * the outgoing queue, the conversations and every rule of the IP; this layer adds what the simulator's faults cannot
 * express and these tests need:
 * - the exact request log with headers and body bytes (`requests`, `lines()`), which the wire-format assertions read;
 * - answers chosen per request and attempt (`on`): canned errors and refusals, a lost response after the IP stored a
 *   one-step message without sending it, a failed send stage after the store (`storeThen`), and `accept` for the few
 *   tests of what the SDK leaves to the IP whose message the IP itself would refuse (each says why where it is used);
 * - a fixed capabilities answer (`capabilities`) for the capability-check tests, whose lists the network cannot express.
 */
import { createSimulator } from 'eformidling/mock';
import { HttpResponse, http } from 'msw';
import { SENDER } from './fixtures.js';

/** One request as the fake IP saw it. */
export interface Captured {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Part {
  headers: Record<string, string>;
  name: string | undefined;
  filename: string | undefined;
  body: Buffer;
}

/** Splits a multipart/form-data body into its parts (header names lower-cased, values raw UTF-8). */
export function parseMultipart(contentType: string, body: Buffer): Part[] {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    const raw = body.subarray(start + 2, next - 2); // skip CRLF after the delimiter and before the next one
    const split = raw.indexOf('\r\n\r\n');
    const headers: Record<string, string> = {};
    for (const line of raw.subarray(0, split).toString('utf8').split('\r\n')) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const cd = headers['content-disposition'] ?? '';
    parts.push({
      headers,
      name: /;\s*name="([^"]*)"/.exec(cd)?.[1],
      filename: /;\s*filename="([^"]*)"/.exec(cd)?.[1],
      body: raw.subarray(split + 4),
    });
    pos = next;
  }
  return parts;
}

/** Decodes `filename` / `filename*` the way the IP's ContentDisposition (nextmove/v2) does. */
export function filenameFromDisposition(value: string): string | undefined {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(value);
  if (star) return decodeURIComponent(star[1] as string);
  return /filename="([^"]*)"/.exec(value)?.[1];
}

export interface FakeOptions {
  /** Answer `GET /api/capabilities/{id}` with this list instead of the simulator's service registry. */
  capabilities?: unknown[];
}

/**
 * Replaces a request's normal handling. A `Response` is answered without the IP seeing the request. `store-then-drop`:
 * the IP carries the request out (one-step: stores the message without its send stage), then the connection breaks
 * (a lost response); `send-then-drop` (one-step only): the IP also sends the message before the connection breaks;
 * `{ storeThen }`: one-step stores the message, then the given answer comes back (a failed send stage);
 * `accept`: a 200 as the IP gives for an accepted request (the SBD echoed), without the simulator seeing it: only for
 * tests of what the SDK puts on the wire or leaves to the IP, whose message the IP itself would refuse.
 * May be async (e.g. to let the IP transmit a message with {@link fakeIp}'s `transmit`).
 */
type OverrideResult = Response | 'store-then-drop' | 'send-then-drop' | { storeThen: Response } | 'accept' | undefined;

type Override = (req: Captured, attempt: number) => OverrideResult | Promise<OverrideResult>;

/**
 * The sending organisation's IP for exact-request tests: the product's simulator (`eformidling/mock`) plays the IP,
 * and this layer in front of it records every request as it went over the wire (headers and body bytes), lets a test
 * answer chosen requests itself or break the connection after the IP acted (`on`), and shows the IP's outgoing queue,
 * its conversations and what it has sent. A message the IP accepts for sending is transmitted at once (the carrier
 * delivers it), so it leaves the outgoing queue as soon as the send is answered.
 */
export function fakeIp(options: FakeOptions = {}) {
  const sim = createSimulator();
  const base = sim.baseUrl(SENDER);
  const state = sim.model.ip(SENDER);
  const requests: Captured[] = [];
  const sent: string[] = [];
  const overrides: Array<{ method: string; path: RegExp; fn: Override; count: number }> = [];

  const error = (status: number, exception: string, message: string, path: string) =>
    HttpResponse.json(
      {
        timestamp: new Date().toISOString(),
        status,
        error: 'Error',
        exception: `no.difi.meldingsutveksling.exceptions.${exception}`,
        message,
        path,
      },
      { status },
    );

  async function capture(request: Request): Promise<Captured> {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => {
      headers[k] = v;
    });
    const body = Buffer.from(await request.arrayBuffer());
    const c = { method: request.method, path: url.pathname, search: url.search, headers, body };
    requests.push(c);
    return c;
  }

  /** Hands a request to the simulator (not recorded). */
  function handle(method: string, path: string, init: { body?: Uint8Array | string; headers?: Record<string, string> } = {}) {
    const body = typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body);
    return sim.handle(new Request(`${base}${path}`, { method, body, headers: init.headers }));
  }

  /** What a one-step `POST` does before its send stage: create, then one upload per file (NextMoveMessageOutController). */
  async function storeOneStep(c: Captured): Promise<Response | undefined> {
    const parts = parseMultipart(c.headers['content-type'] ?? '', c.body);
    const sbd = parts.find((p) => p.name === 'sbd' && p.filename === undefined);
    if (!sbd) return error(400, 'MissingServletRequestParameterException', 'sbd missing', c.path);
    const created = await handle('POST', '/api/messages/out', { body: sbd.body, headers: { 'content-type': 'application/json' } });
    if (!created.ok) return created;
    const id = JSON.parse(await created.text()).standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
    for (const p of parts.filter((x) => x.filename !== undefined)) {
      const title = p.name ? `?title=${encodeURIComponent(p.name)}` : '';
      const put = await handle('PUT', `/api/messages/out/${id}${title}`, {
        body: p.body,
        headers: {
          'content-type': p.headers['content-type'] ?? 'application/octet-stream',
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(p.filename as string)}`,
        },
      });
      if (!put.ok) return put;
    }
    return undefined;
  }

  function accepted(c: Captured): Response {
    if (c.path === '/api/messages/out/multipart') {
      const sbd = parseMultipart(c.headers['content-type'] ?? '', c.body).find((p) => p.name === 'sbd');
      return HttpResponse.json(JSON.parse(sbd?.body.toString('utf8') ?? '{}'));
    }
    if (c.method === 'POST' && c.path === '/api/messages/out') return HttpResponse.json(JSON.parse(c.body.toString('utf8')));
    return new HttpResponse(null, { status: 200 });
  }

  const isSend = (c: Captured) =>
    c.method === 'POST' && (c.path === '/api/messages/out/multipart' || /^\/api\/messages\/out\/[^/]+$/.test(c.path));

  async function answer(request: Request): Promise<Response> {
    const c = await capture(request.clone());
    const o = overrides.find((x) => x.method === c.method && x.path.test(c.path));
    const result = o ? await o.fn(c, ++o.count) : undefined;
    if (result instanceof Response) return result;
    if (result === 'accept') return accepted(c);
    if (options.capabilities && c.method === 'GET' && c.path.startsWith('/api/capabilities/')) {
      return HttpResponse.json({ capabilities: options.capabilities });
    }
    const oneStep = c.path === '/api/messages/out/multipart';
    if (oneStep && (result === 'store-then-drop' || (typeof result === 'object' && 'storeThen' in result))) {
      const refused = await storeOneStep(c);
      if (refused) return refused;
      return result === 'store-then-drop' ? HttpResponse.error() : result.storeThen;
    }
    const res = await sim.handle(request);
    if (res.ok && isSend(c)) {
      // The IP's sender transmits an accepted message at once: it leaves the outgoing queue.
      sim.deliverAll();
      sent.push(
        oneStep
          ? JSON.parse(await res.clone().text()).standardBusinessDocumentHeader.documentIdentification.instanceIdentifier
          : c.path.split('/').at(-1),
      );
    }
    if (result === 'store-then-drop' || result === 'send-then-drop') return HttpResponse.error();
    return res;
  }

  /** The IP's outgoing queue: messages created and not (yet) sent. */
  const outgoing = {
    has: (id: string) => {
      const msg = state.outgoing.get(id);
      return msg !== undefined && !msg.sendRequested;
    },
    get: (id: string) => {
      const msg = state.outgoing.get(id);
      return msg && !msg.sendRequested ? { sbd: msg.sbd, files: new Map(msg.files.map((f) => [f.filename, f])) } : undefined;
    },
    get size() {
      return [...state.outgoing.values()].filter((m) => !m.sendRequested).length;
    },
  };

  return {
    base,
    sim,
    handlers: [http.all(`${base}/*`, ({ request }) => answer(request))],
    requests,
    outgoing,
    /** Message ids the IP has a conversation for. */
    conversations: {
      has: (id: string) => sim.model.conversations.hasMessageId(state, id),
      get size() {
        return state.conversations.filter((c) => c.direction === 'OUTGOING').length;
      },
    },
    /** Message ids the IP was asked to send and accepted, in order. */
    sent,
    /**
     * The IP transmits a message in the background: sends it if nobody asked it to yet, and its carrier takes it out
     * of the outgoing queue.
     */
    async transmit(id: string) {
      if (outgoing.has(id)) {
        const res = await handle('POST', `/api/messages/out/${id}`);
        if (!res.ok) throw new Error(`the simulator refused to send ${id}: ${await res.text()}`);
        sent.push(id);
      }
      sim.deliverAll();
    },
    /** The IP already has a conversation for this messageId (an earlier message used it). */
    async occupy(id: string, sbd: unknown) {
      const res = await handle('POST', '/api/messages/out', { body: JSON.stringify(sbd), headers: { 'content-type': 'application/json' } });
      if (!res.ok) throw new Error(await res.text());
      await handle('DELETE', `/api/messages/out/${id}`);
    },
    /** Answers the next matching request(s) with `fn` instead of the normal behaviour. */
    on(method: string, path: RegExp, fn: Override) {
      overrides.push({ method, path, fn, count: 0 });
    },
    /** The requests as `METHOD path` lines. */
    lines(filter?: (c: Captured) => boolean) {
      return requests.filter(filter ?? (() => true)).map((c) => `${c.method} ${c.path}`);
    },
    error,
  };
}
