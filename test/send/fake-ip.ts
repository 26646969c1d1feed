import { randomUUID } from 'node:crypto';
import { HttpResponse, http } from 'msw';

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
  base?: string;
  capabilities?: unknown[];
}

/**
 * Replaces a request's normal handling: a Response is answered as is; `store-then-drop` does the work and then breaks
 * the connection (a lost response); `send-then-drop` (one-step only) also transmits the message before breaking it;
 * `{ storeThen }` stores a one-step message, then answers with the given response (a failed send stage).
 */
type Override = (req: Captured, attempt: number) => Response | 'store-then-drop' | 'send-then-drop' | { storeThen: Response } | undefined;

/**
 * A small in-memory IP for exact-request tests: records every request and keeps the outgoing queue and
 * conversations so the lost-response and cleanup paths can be observed.
 */
export function fakeIp(options: FakeOptions = {}) {
  const base = options.base ?? 'http://ip.test';
  const requests: Captured[] = [];
  const outgoing = new Map<
    string,
    { sbd: Record<string, unknown>; files: Map<string, { headers: Record<string, string>; body: Buffer; title: string | null }> }
  >();
  const conversations = new Set<string>();
  const sent: string[] = [];
  const overrides: Array<{ method: string; path: RegExp; fn: Override; count: number }> = [];

  const idOf = (sbd: Record<string, unknown>) => {
    const doc = (sbd.standardBusinessDocumentHeader as { documentIdentification: { instanceIdentifier?: string } }).documentIdentification;
    doc.instanceIdentifier ??= randomUUID();
    return doc.instanceIdentifier;
  };
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

  function override(c: Captured) {
    const o = overrides.find((x) => x.method === c.method && x.path.test(c.path));
    if (!o) return undefined;
    o.count++;
    return o.fn(c, o.count);
  }

  function store(sbd: Record<string, unknown>): string {
    const id = idOf(sbd);
    outgoing.set(id, { sbd, files: new Map() });
    conversations.add(id);
    return id;
  }

  const handlers = [
    http.post(`${base}/api/messages/out/multipart`, async ({ request }) => {
      const c = await capture(request);
      const o = override(c);
      if (o instanceof Response) return o;
      const parts = parseMultipart(c.headers['content-type'] ?? '', c.body);
      const sbdPart = parts.find((p) => p.name === 'sbd' && p.filename === undefined);
      if (!sbdPart) return error(400, 'MissingServletRequestParameterException', 'sbd missing', c.path);
      const sbd = JSON.parse(sbdPart.body.toString('utf8'));
      const id = idOf(sbd);
      if (conversations.has(id))
        return error(400, 'MessageAlreadyExistsException', `Message with messageId = ${id} already exists`, c.path);
      store(sbd);
      for (const p of parts.filter((x) => x.filename !== undefined)) {
        outgoing.get(id)?.files.set(p.filename as string, { headers: p.headers, body: p.body, title: p.name ?? null });
      }
      if (o === 'store-then-drop') return HttpResponse.error();
      if (o && typeof o === 'object' && 'storeThen' in o) return o.storeThen;
      outgoing.delete(id);
      sent.push(id);
      if (o === 'send-then-drop') return HttpResponse.error();
      return HttpResponse.json(sbd);
    }),
    http.post(`${base}/api/messages/out`, async ({ request }) => {
      const c = await capture(request);
      const o = override(c);
      if (o instanceof Response) return o;
      const sbd = JSON.parse(c.body.toString('utf8'));
      const id = idOf(sbd);
      if (conversations.has(id))
        return error(400, 'MessageAlreadyExistsException', `Message with messageId = ${id} already exists`, c.path);
      store(sbd);
      if (o === 'store-then-drop') return HttpResponse.error();
      return HttpResponse.json(sbd);
    }),
    http.put(`${base}/api/messages/out/:id`, async ({ request, params }) => {
      const c = await capture(request);
      const msg = outgoing.get(params.id as string);
      const o = override(c);
      if (o instanceof Response) return o;
      if (!msg) return error(404, 'MessageNotFoundException', 'not found', c.path);
      const name = filenameFromDisposition(c.headers['content-disposition'] ?? '') as string;
      if (msg.files.has(name)) return error(400, 'DuplicateFilenameException', `Filename already exists in message: ${name}.`, c.path);
      msg.files.set(name, { headers: c.headers, body: c.body, title: new URL(`http://x${c.search}`).searchParams.get('title') });
      if (o === 'store-then-drop') return HttpResponse.error();
      return new HttpResponse(null, { status: 200 });
    }),
    http.post(`${base}/api/messages/out/:id`, async ({ request, params }) => {
      const c = await capture(request);
      const o = override(c);
      if (o instanceof Response) return o;
      const id = params.id as string;
      if (!outgoing.has(id)) return error(404, 'MessageNotFoundException', 'not found', c.path);
      outgoing.delete(id);
      sent.push(id);
      if (o === 'store-then-drop') return HttpResponse.error();
      return new HttpResponse(null, { status: 200 });
    }),
    http.get(`${base}/api/messages/out/:id`, async ({ request, params }) => {
      const c = await capture(request);
      const o = override(c);
      if (o instanceof Response) return o;
      const msg = outgoing.get(params.id as string);
      return msg ? HttpResponse.json(msg.sbd) : error(404, 'MessageNotFoundException', 'not found', c.path);
    }),
    http.delete(`${base}/api/messages/out/:id`, async ({ request, params }) => {
      const o = override(await capture(request));
      if (o instanceof Response) return o;
      outgoing.delete(params.id as string);
      return new HttpResponse(null, { status: 200 });
    }),
    http.get(`${base}/api/conversations/messageId/:id`, async ({ request, params }) => {
      const c = await capture(request);
      const o = override(c);
      if (o instanceof Response) return o;
      const id = params.id as string;
      if (!conversations.has(id)) return error(404, 'MessageNotFoundException', 'not found', c.path);
      return HttpResponse.json({ id: 1, conversationId: randomUUID(), messageId: id, direction: 'OUTGOING', messageStatuses: [] });
    }),
    http.get(`${base}/api/capabilities/:id`, async ({ request }) => {
      const o = override(await capture(request));
      if (o instanceof Response) return o;
      return HttpResponse.json({ capabilities: options.capabilities ?? [] });
    }),
  ];

  return {
    base,
    handlers,
    requests,
    outgoing,
    conversations,
    sent,
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
