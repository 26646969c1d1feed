import { Readable } from 'node:stream';
import { unreadableJson } from './business-message.js';
import type { FaultInjector, FaultRule } from './faults.js';
import { formatDateTime, jacksonJson } from './format.js';
import { type HeaderParseError, multipartBoundary, parseContentDisposition, parseMultipart } from './http-parsing.js';
import { errorResponse, frameworkError, IpError } from './ip-error.js';
import type { ConversationRecord, Filter, IpState, MessageRecord, SimulatorModel, StatusRecord, SubscriptionRecord } from './state.js';

/**
 * The simulator's HTTP layer, shared by both faces: `handle(request)` takes a fetch `Request` for any simulated IP
 * and returns its `Response`. It resolves the organisation, applies basic auth and fault injection, routes, parses
 * the request and formats the answer; every rule is in the model (`state.ts`).
 * @internal
 * @module
 */

/** Host suffix of the msw face: `http://<orgnr>.ip.eformidling.test`. */
export const MSW_HOST_SUFFIX = '.ip.eformidling.test';

type Handler = (ctx: Context) => Promise<Response> | Response;
interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}
interface Context {
  ip: IpState;
  request: Request;
  url: URL;
  path: string;
  params: string[];
}

const MAX_PAGE_SIZE = 2000;
const JSON_TYPE = { 'content-type': 'application/json' };

function json(body: unknown, status = 200, headers: Record<string, string> = JSON_TYPE): Response {
  return new Response(jacksonJson(body), { status, headers });
}
const empty = (status = 200) => new Response(null, { status });

/** The core request handler. @internal */
export class SimulatorCore {
  readonly #model: SimulatorModel;
  readonly #faults: FaultInjector;
  readonly #routes: Route[];

  constructor(model: SimulatorModel, faults: FaultInjector) {
    this.#model = model;
    this.#faults = faults;
    this.#routes = this.#buildRoutes();
  }

  /** Which organisation a URL addresses, and the IP-local path. */
  resolve(url: URL): { org: string; path: string } {
    const host = url.hostname.toLowerCase();
    if (host.endsWith(MSW_HOST_SUFFIX)) return { org: host.slice(0, -MSW_HOST_SUFFIX.length), path: url.pathname };
    const m = /^\/(\d{9})(\/.*|$)/.exec(url.pathname);
    if (m) return { org: m[1] as string, path: m[2] || '/' };
    return { org: this.#model.ips.keys().next().value as string, path: url.pathname };
  }

  /**
   * Handles one request. A `Response.error()` answer means "drop the connection" (used both for a reset and for a
   * lost response after the request took effect).
   */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const { org, path } = this.resolve(url);
    const method = request.method.toUpperCase();
    const now = () => this.#model.now();
    const ip = this.#model.ips.get(org);
    if (!ip) {
      return errorResponse(
        {
          status: 404,
          exception: 'org.springframework.web.servlet.resource.NoResourceFoundException',
          message: `No integration point for ${org}`,
        },
        path,
        now(),
      );
    }
    const fault = this.#faults.take(org, method, path);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.reset) {
      return Response.error();
    }
    if (fault?.status !== undefined) {
      return faultResponse(fault, path, now());
    }
    let response: Response;
    try {
      const denied = this.#checkAuth(request, path);
      response = denied ?? (await this.#route(ip, request, url, path, method));
    } catch (error) {
      response = this.#errorFor(error, path);
    }
    if (fault?.lostResponse) {
      await response.body?.cancel().catch(() => undefined);
      return Response.error();
    }
    if (fault?.malformed) {
      await response.body?.cancel().catch(() => undefined);
      return new Response('{"content" : [ {"id" : 1, "status" : "OPPRE', { status: response.status, headers: JSON_TYPE });
    }
    if (fault?.slowBody && response.body) return slowed(response, fault.slowBody);
    return response;
  }

  #errorFor(error: unknown, path: string): Response {
    if (error instanceof IpError) return errorResponse(error, path, this.#model.now());
    const message = error instanceof Error ? error.message : String(error);
    return errorResponse({ status: 500, exception: 'java.lang.IllegalStateException', message }, path, this.#model.now());
  }

  #checkAuth(request: Request, path: string): Response | undefined {
    const auth = this.#model.options.basicAuth;
    if (!auth) return undefined;
    if (/^\/manage\/[^/]+$/.test(path) || path === '/error') return undefined;
    const header = request.headers.get('authorization') ?? '';
    const m = /^Basic\s+(.+)$/i.exec(header);
    if (m) {
      const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
      if (decoded === `${auth.username}:${auth.password}`) return undefined;
    }
    return errorResponse({ status: 401, message: 'Unauthorized' }, path, this.#model.now(), { 'www-authenticate': 'Basic realm="Realm"' });
  }

  async #route(ip: IpState, request: Request, url: URL, path: string, method: string): Promise<Response> {
    if (path.length > 1 && path.endsWith('/')) throw notFound(path);
    let methodMismatch = false;
    for (const route of this.#routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        methodMismatch = true;
        continue;
      }
      const params = m.slice(1).map((p) => decodeURIComponent(p));
      return route.handler({ ip, request, url, path, params });
    }
    if (methodMismatch) {
      throw frameworkError(
        405,
        'org.springframework.web.HttpRequestMethodNotSupportedException',
        `Request method '${method}' is not supported`,
      );
    }
    throw notFound(path);
  }

  #buildRoutes(): Route[] {
    const model = this.#model;
    const seg = '([^/]+)';
    const r = (method: string, path: string, handler: Handler): Route => ({
      method,
      pattern: new RegExp(`^${path.replace(/\{\}/g, seg)}$`),
      handler,
    });
    return [
      r('GET', '/api/capabilities/{}', ({ params, url }) => {
        const level = url.searchParams.get('securityLevel');
        const securityLevel = level === null ? undefined : intParam('securityLevel', level);
        return json(model.capabilities(params[0] as string, url.searchParams.get('process') ?? undefined, securityLevel));
      }),
      // Outgoing
      // NextMoveMessageOutController.createMessage: `consumes = application/json`.
      r('POST', '/api/messages/out', async ({ ip, request }) => json(model.create(ip, await readJson(request, true)).sbd)),
      r('GET', '/api/messages/out', ({ ip, url }) =>
        json(page(url, model.listMessages(ip, 'out', filters(url)), OUT_SORT, 'NextMoveOutMessage', sbdView)),
      ),
      r('POST', '/api/messages/out/multipart', async ({ ip, request }) => {
        const { sbd, files } = await readMultipart(request);
        return json((await model.multipart(ip, sbd, files)).sbd);
      }),
      r('PUT', '/api/messages/out/{}', async ({ ip, request, url, params }) => {
        const type = request.headers.get('content-type');
        const disposition = request.headers.get('content-disposition');
        if (type === null) throw missingHeader('Content-Type');
        if (disposition === null) throw missingHeader('Content-Disposition');
        let parsed: ReturnType<typeof parseContentDisposition>;
        try {
          parsed = parseContentDisposition(disposition);
        } catch (error) {
          // ContentDisposition.parse (the IP's own copy): a parameter without '='.
          void (error as HeaderParseError);
          throw frameworkError(500, 'java.lang.IllegalArgumentException', 'Invalid content disposition format');
        }
        const filename = parsed.params.filename;
        if (!filename)
          throw frameworkError(500, 'java.lang.NullPointerException', 'Cannot invoke "String.isEmpty()" because "filename" is null');
        const length = request.headers.get('content-length');
        await model.upload(ip, params[0] as string, {
          filename,
          title: url.searchParams.get('title') ?? parsed.params.name,
          mimeType: type,
          contentLength: length === null ? undefined : Number(length),
          body: (request.body ?? []) as AsyncIterable<Uint8Array>,
        });
        return empty();
      }),
      r('POST', '/api/messages/out/{}', ({ ip, params }) => {
        model.send(ip, params[0] as string);
        return empty();
      }),
      r('GET', '/api/messages/out/{}', ({ ip, params }) => json(model.getOutgoing(ip, params[0] as string).sbd)),
      r('DELETE', '/api/messages/out/{}', ({ ip, params }) => {
        model.deleteOutgoing(ip, params[0] as string);
        return empty();
      }),
      // Incoming
      r('GET', '/api/messages/in', ({ ip, url }) =>
        json(page(url, model.listMessages(ip, 'in', filters(url)), IN_SORT, 'NextMoveInMessage', sbdView)),
      ),
      r('GET', '/api/messages/in/peek', ({ ip, url }) => {
        const msg = model.peek(ip, filters(url));
        return msg ? json(msg.sbd) : empty(204);
      }),
      r('GET', '/api/messages/in/pop/{}', ({ ip, params }) => {
        const stream = model.pop(ip, params[0] as string);
        if (!stream) return empty(204);
        return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
          status: 200,
          headers: { 'content-type': 'application/vnd.etsi.asic-e+zip', 'content-disposition': 'attachment; filename=asic.zip' },
        });
      }),
      r('DELETE', '/api/messages/in/{}', ({ ip, params }) => json(model.deleteIncoming(ip, params[0] as string))),
      // Statuses
      r('GET', '/api/statuses', ({ ip, url }) =>
        json(page(url, model.listStatuses(ip, filters(url)), STATUS_SORT, 'MessageStatus', statusView, ['id,asc'])),
      ),
      r('GET', '/api/statuses/peek', ({ ip }) => {
        const status = model.peekStatus(ip);
        return status ? json(statusView(status)) : empty(204);
      }),
      r('GET', '/api/statuses/{}', ({ ip, url, params }) =>
        json(
          page(url, model.listStatuses(ip, { messageId: params[0] as string }), STATUS_SORT, 'MessageStatus', statusView, ['id,asc']),
          200,
          { 'content-type': 'application/json;charset=utf-8' },
        ),
      ),
      r('DELETE', '/api/statuses/{}', ({ ip, params }) => {
        // MessageStatusController.removeStatus(@PathVariable Long id): MethodArgumentTypeMismatchException.
        const id = longParam('id', params[0] as string);
        return empty(model.deleteQueuedStatus(ip, id) ? 200 : 404);
      }),
      // Conversations
      r('GET', '/api/conversations', ({ ip, url }) =>
        json(
          page(url, model.listConversations(ip, filters(url)), CONVERSATION_SORT, 'Conversation', conversationView, ['lastUpdate,desc']),
        ),
      ),
      r('GET', '/api/conversations/queue', ({ ip, url }) =>
        json(page(url, model.listConversations(ip, {}, true), CONVERSATION_SORT, 'Conversation', conversationView, ['lastUpdate,desc'])),
      ),
      r('GET', '/api/conversations/messageId/{}', ({ ip, params }) =>
        json(conversationView(model.conversationByMessageId(ip, params[0] as string))),
      ),
      r('DELETE', '/api/conversations/messageId/{}', ({ ip, params }) => {
        model.deleteConversations(ip, (c) => c.messageId === params[0]);
        return empty();
      }),
      r('GET', '/api/conversations/{}', ({ ip, params }) =>
        json(conversationView(model.conversationById(ip, longParam('id', params[0] as string)))),
      ),
      r('DELETE', '/api/conversations/{}', ({ ip, params }) => {
        const id = longParam('id', params[0] as string);
        model.deleteConversations(ip, (c) => c.id === id);
        return empty();
      }),
      // Subscriptions
      r('GET', '/api/subscriptions', ({ ip, url }) =>
        json(page(url, ip.subscriptions, SUBSCRIPTION_SORT, 'Subscription', subscriptionView)),
      ),
      r('POST', '/api/subscriptions', async ({ ip, request }) =>
        json(subscriptionView(await model.createSubscription(ip, await readJson(request)))),
      ),
      r('DELETE', '/api/subscriptions', ({ ip }) => {
        ip.subscriptions.splice(0);
        return empty();
      }),
      r('GET', '/api/subscriptions/{}', ({ ip, params }) =>
        json(subscriptionView(model.subscription(ip, longParam('id', params[0] as string)))),
      ),
      r('PUT', '/api/subscriptions/{}', async ({ ip, request, params }) => {
        await model.updateSubscription(ip, longParam('id', params[0] as string), await readJson(request));
        return empty();
      }),
      r('DELETE', '/api/subscriptions/{}', ({ ip, params }) => {
        model.deleteSubscription(ip, longParam('id', params[0] as string));
        return empty();
      }),
      // Actuator and registry relay
      r('GET', '/manage/health', ({ ip }) =>
        json(model.health(ip), 200, { 'content-type': 'application/vnd.spring-boot.actuator.v3+json' }),
      ),
      r('GET', '/manage/health/liveness', () => json({ status: 'UP' })),
      r('GET', '/manage/health/readiness', () => json({ status: 'UP' })),
      r('GET', '/manage/info', ({ ip }) => json({ simulator: { organisation: ip.orgnr, name: ip.participant.name } })),
      r('GET', '/servicerecord/{}', ({ params }) => {
        const records = model.lookup(params[0] as string);
        if (!records) return empty(404);
        return json({ infoRecord: { identifier: params[0] }, serviceRecords: records });
      }),
    ];
  }
}

function faultResponse(fault: FaultRule, path: string, now: number): Response {
  const status = fault.status as number;
  const exception =
    fault.exception ??
    (status === 503
      ? 'org.springframework.web.context.request.async.AsyncRequestTimeoutException'
      : status >= 500
        ? 'java.lang.IllegalStateException'
        : undefined);
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
  if (status === 204) return new Response(null, { status, headers });
  return errorResponse({ status, exception, message: fault.message ?? `Injected fault (${status})` }, path, now, headers);
}

function slowed(response: Response, slow: { delayMs: number; chunkBytes?: number }): Response {
  const size = slow.chunkBytes ?? 1024;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let pending: Uint8Array | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!pending || pending.byteLength === 0) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        pending = value;
      }
      await new Promise((r) => setTimeout(r, slow.delayMs));
      controller.enqueue(pending.subarray(0, size));
      pending = pending.subarray(size);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

function notFound(path: string): IpError {
  return frameworkError(
    404,
    'org.springframework.web.servlet.resource.NoResourceFoundException',
    `No static resource ${path.replace(/^\//, '')}.`,
  );
}

function missingHeader(name: string): IpError {
  return frameworkError(
    400,
    'org.springframework.web.bind.MissingRequestHeaderException',
    `Required request header '${name}' for method parameter type String is not present`,
  );
}

function intParam(name: string, value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw frameworkError(
      400,
      'org.springframework.web.method.annotation.MethodArgumentTypeMismatchException',
      `Failed to convert value of type 'java.lang.String' to required type 'java.lang.Integer'; For input string: "${value}"`,
    );
  }
  void name;
  return n;
}

function longParam(name: string, value: string): number {
  if (!/^-?\d+$/.test(value)) {
    throw frameworkError(
      400,
      'org.springframework.web.method.annotation.MethodArgumentTypeMismatchException',
      `Method parameter '${name}': Failed to convert value of type 'java.lang.String' to required type 'java.lang.Long'; For input string: "${value}"`,
    );
  }
  return Number(value);
}

async function readJson(request: Request, exactlyJson = false): Promise<unknown> {
  const type = request.headers.get('content-type');
  const accepted = exactlyJson ? /^application\/json\s*(;|$)/i : /^application\/([\w.+-]+\+)?json\b/i;
  if (!type || !accepted.test(type.trim())) {
    throw frameworkError(
      415,
      'org.springframework.web.HttpMediaTypeNotSupportedException',
      `Content-Type '${type ?? ''}' is not supported`,
    );
  }
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw frameworkError(
      400,
      'org.springframework.http.converter.HttpMessageNotReadableException',
      `JSON parse error: ${(error as SyntaxError).message}`,
    );
  }
}

const MAX_MULTIPART_REQUEST = 500 * 1024 * 1024;

async function readMultipart(
  request: Request,
): Promise<{ sbd: unknown; files: { title: string | undefined; filename: string; mimeType: string | undefined; data: Buffer }[] }> {
  const boundary = multipartBoundary(request.headers.get('content-type'));
  if (!boundary) {
    throw frameworkError(
      415,
      'org.springframework.web.HttpMediaTypeNotSupportedException',
      `Content-Type '${request.headers.get('content-type') ?? ''}' is not supported`,
    );
  }
  const length = Number(request.headers.get('content-length') ?? '0');
  if (length > MAX_MULTIPART_REQUEST) {
    throw frameworkError(413, 'org.springframework.web.multipart.MaxUploadSizeExceededException', 'Maximum upload size exceeded');
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of (request.body ?? []) as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > MAX_MULTIPART_REQUEST) {
      throw frameworkError(413, 'org.springframework.web.multipart.MaxUploadSizeExceededException', 'Maximum upload size exceeded');
    }
    chunks.push(Buffer.from(chunk));
  }
  let parts: ReturnType<typeof parseMultipart>;
  try {
    parts = parseMultipart(Buffer.concat(chunks), boundary);
  } catch (error) {
    // MultipartParseError, or HeaderParseError for a part's Content-Disposition: both are a broken request.
    throw frameworkError(
      500,
      'org.springframework.web.multipart.MultipartException',
      `Failed to parse multipart servlet request: ${(error as Error).message}`,
    );
  }
  const sbdPart = parts.find((p) => p.name === 'sbd');
  if (!sbdPart) {
    // createAndSendMessage takes `@RequestParam StandardBusinessDocument sbd`.
    throw frameworkError(
      400,
      'org.springframework.web.bind.MissingServletRequestParameterException',
      "Required request parameter 'sbd' for method parameter type StandardBusinessDocument is not present",
    );
  }
  let sbd: unknown;
  try {
    sbd = JSON.parse(sbdPart.data.toString('utf8'));
  } catch (error) {
    throw unreadableJson((error as SyntaxError).message, 'multipart');
  }
  // Every part with a filename is an attachment (a filename on the sbd part makes it one too, as on the IP).
  const files = parts
    .filter((p) => p.filename !== undefined)
    .map((p) => ({ title: p.name, filename: p.filename as string, mimeType: p.contentType, data: p.data }));
  return { sbd, files };
}

function filters(url: URL): Filter {
  const out: Filter = {};
  for (const [key, value] of url.searchParams) {
    if (key === 'page' || key === 'size' || key === 'sort') continue;
    if (!(key in out)) out[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Views

function sbdView(m: MessageRecord): unknown {
  return m.sbd;
}

function statusView(s: StatusRecord): Record<string, unknown> {
  return {
    id: s.id,
    lastUpdate: formatDateTime(s.lastUpdate),
    status: s.status,
    description: s.description,
    rawReceipt: s.rawReceipt,
    convId: s.conversation.id,
    messageId: s.conversation.messageId,
    conversationId: s.conversation.conversationId,
  };
}

function conversationView(c: ConversationRecord): Record<string, unknown> {
  return {
    id: c.id,
    conversationId: c.conversationId,
    messageId: c.messageId,
    sender: c.sender,
    senderIdentifier: c.senderIdentifier,
    receiver: c.receiver,
    receiverIdentifier: c.receiverIdentifier,
    processIdentifier: c.processIdentifier,
    documentIdentifier: c.documentIdentifier,
    messageReference: c.messageReference,
    messageTitle: c.messageTitle,
    lastUpdate: formatDateTime(c.lastUpdate),
    finished: c.finished,
    expiry: formatDateTime(c.expiry),
    direction: c.direction,
    serviceIdentifier: c.serviceIdentifier,
    messageStatuses: c.statuses.map((s) => ({
      id: s.id,
      lastUpdate: formatDateTime(s.lastUpdate),
      status: s.status,
      description: s.description,
    })),
  };
}

function subscriptionView(s: SubscriptionRecord): Record<string, unknown> {
  return { id: s.id, name: s.name, pushEndpoint: s.pushEndpoint, resource: s.resource, event: s.event, filter: s.filter };
}

// ---------------------------------------------------------------------------------------------------------------
// Paging and sorting (Spring Data `Pageable`, `@PageableDefault` of each controller)

type Getter<T> = (item: T) => string | number | boolean | undefined;

const messageSort = (extra: Record<string, Getter<MessageRecord>> = {}): Record<string, Getter<MessageRecord>> => ({
  id: (m) => m.id,
  conversationId: (m) => m.conversationId,
  messageId: (m) => m.messageId,
  processIdentifier: (m) => m.process,
  receiverIdentifier: (m) => m.receiverIdentifier,
  senderIdentifier: (m) => m.senderIdentifier,
  serviceIdentifier: (m) => m.service,
  lastUpdated: (m) => m.lastUpdated,
  ...extra,
});
const OUT_SORT = messageSort();
const IN_SORT = messageSort({ lockTimeout: (m) => m.lockTimeout });
const CONVERSATION_FIELDS: Record<string, Getter<ConversationRecord>> = {
  id: (c) => c.id,
  conversationId: (c) => c.conversationId,
  messageId: (c) => c.messageId,
  sender: (c) => c.sender,
  senderIdentifier: (c) => c.senderIdentifier,
  receiver: (c) => c.receiver,
  receiverIdentifier: (c) => c.receiverIdentifier,
  processIdentifier: (c) => c.processIdentifier,
  documentIdentifier: (c) => c.documentIdentifier,
  messageReference: (c) => c.messageReference,
  messageTitle: (c) => c.messageTitle,
  lastUpdate: (c) => c.lastUpdate,
  pollable: (c) => c.pollable,
  finished: (c) => c.finished,
  expiry: (c) => c.expiry,
  direction: (c) => c.direction,
  serviceIdentifier: (c) => c.serviceIdentifier,
  externalSystemReference: () => undefined,
};
const CONVERSATION_SORT = CONVERSATION_FIELDS;
const STATUS_SORT: Record<string, Getter<StatusRecord>> = {
  id: (s) => s.id,
  lastUpdate: (s) => s.lastUpdate,
  status: (s) => s.status,
  description: (s) => s.description,
  ...Object.fromEntries(
    Object.entries(CONVERSATION_FIELDS).map(([k, get]) => [`conversation.${k}`, (s: StatusRecord) => get(s.conversation)]),
  ),
};
const SUBSCRIPTION_SORT: Record<string, Getter<SubscriptionRecord>> = {
  id: (s) => s.id,
  name: (s) => s.name,
  pushEndpoint: (s) => s.pushEndpoint,
  resource: (s) => s.resource,
  event: (s) => s.event,
  filter: (s) => s.filter,
};

function compare(a: string | number | boolean | undefined, b: string | number | boolean | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

function page<T>(
  url: URL,
  items: readonly T[],
  sortable: Record<string, Getter<T>>,
  entity: string,
  view: (item: T) => unknown,
  defaultSort: string[] = [],
): Record<string, unknown> {
  const pageParam = Number(url.searchParams.get('page') ?? '0');
  const sizeParam = Number(url.searchParams.get('size') ?? '10');
  const pageIndex = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 0;
  const size = Number.isInteger(sizeParam) && sizeParam >= 1 ? Math.min(sizeParam, MAX_PAGE_SIZE) : 10;
  const given = url.searchParams.getAll('sort').filter((s) => s.trim().length > 0);
  const sorts = (given.length ? given : defaultSort).map((s) => {
    const [property = '', direction = 'asc'] = s.split(',').map((p) => p.trim());
    const get = sortable[property];
    if (!get) {
      throw frameworkError(
        500,
        'org.springframework.data.mapping.PropertyReferenceException',
        `No property '${property}' found for type '${entity}'`,
      );
    }
    return { get, desc: direction.toLowerCase() === 'desc' };
  });
  const sorted = sorts.length
    ? [...items].sort((a, b) => {
        for (const s of sorts) {
          const c = compare(s.get(a), s.get(b));
          if (c !== 0) return s.desc ? -c : c;
        }
        return 0;
      })
    : [...items];
  const total = sorted.length;
  const content = sorted.slice(pageIndex * size, pageIndex * size + size).map(view);
  const totalPages = Math.ceil(total / size);
  const sort = { sorted: sorts.length > 0, unsorted: sorts.length === 0, empty: sorts.length === 0 };
  return {
    content,
    pageable: { sort, offset: pageIndex * size, pageNumber: pageIndex, pageSize: size, paged: true, unpaged: false },
    last: pageIndex >= totalPages - 1,
    totalElements: total,
    totalPages,
    size,
    number: pageIndex,
    sort,
    numberOfElements: content.length,
    first: pageIndex === 0,
    empty: content.length === 0,
  };
}
