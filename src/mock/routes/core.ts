import { type FaultInjector, type FaultKind, type FaultRule, faultKind } from '../faults.js';
import { errorResponse, frameworkError, IpError } from '../ip-error.js';
import { Listeners } from '../listeners.js';
import type { IpState, SimulatorModel } from '../model/index.js';
import { capabilityRoutes } from './capabilities.js';
import { conversationRoutes } from './conversations.js';
import { JSON_TYPE, notFound, type Route, type RouteGroup } from './http.js';
import { manageRoutes } from './manage.js';
import { incomingRoutes } from './messages-in.js';
import { outgoingRoutes } from './messages-out.js';
import { statusRoutes } from './statuses.js';
import { subscriptionRoutes } from './subscriptions.js';

/**
 * The simulator's HTTP layer, shared by both faces: `handle(request)` takes a fetch `Request` for any simulated IP
 * and returns its `Response`. It resolves the organisation, applies basic auth and fault injection, and routes to
 * the endpoint groups (one file each, after the IP's controllers); the groups parse the request and format the
 * answer, and every rule is in the model (`../model/`).
 * @internal
 * @module
 */

/** Host suffix of the msw face: `http://<orgnr>.ip.eformidling.test`. */
export const MSW_HOST_SUFFIX = '.ip.eformidling.test';

/** Every endpoint group, in routing order. @internal */
export const ROUTE_GROUPS: RouteGroup[] = [
  capabilityRoutes,
  outgoingRoutes,
  incomingRoutes,
  statusRoutes,
  conversationRoutes,
  subscriptionRoutes,
  manageRoutes,
];

/** One request to a simulated IP, as the request log shows it. @internal */
export interface RequestRecord {
  /** Increasing per simulator. */
  id: number;
  /** `msw` for the msw face's host names, `http` otherwise. */
  face: 'http' | 'msw';
  org: string;
  method: string;
  /** IP-local path (no `/<orgnr>` prefix, no query). */
  path: string;
  /** `''` or `?…`. */
  query: string;
  /** The route's declared path, e.g. `/api/messages/out/{messageId}`; undefined when none matched. */
  template: string | undefined;
  /** Undefined when the connection was dropped (reset, lost response). */
  status: number | undefined;
  /** Simulator time the request came in. */
  at: number;
  /** Real time until the answer's head. */
  durationMs: number;
  fault: { id: number; kind: FaultKind } | undefined;
}

/** The core request handler. @internal */
export class SimulatorCore {
  readonly #model: SimulatorModel;
  readonly #faults: FaultInjector;
  readonly #routes: Route[];
  #requestSeq = 0;
  /** Every handled request, after its answer's head. */
  readonly requests = new Listeners<RequestRecord>();

  constructor(model: SimulatorModel, faults: FaultInjector) {
    this.#model = model;
    this.#faults = faults;
    this.#routes = ROUTE_GROUPS.flatMap((group) => group(model));
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
    const started = performance.now();
    const record: RequestRecord = {
      id: ++this.#requestSeq,
      face: url.hostname.toLowerCase().endsWith(MSW_HOST_SUFFIX) ? 'msw' : 'http',
      org,
      method,
      path,
      query: url.search,
      template: this.#routes.find((r) => r.method === method && r.pattern.test(path))?.template,
      status: undefined,
      at: this.#model.now(),
      durationMs: 0,
      fault: undefined,
    };
    const response = await this.#handle(request, url, org, path, method, record);
    record.status = response.type === 'error' ? undefined : response.status;
    record.durationMs = performance.now() - started;
    this.requests.emit(record);
    return response;
  }

  async #handle(request: Request, url: URL, org: string, path: string, method: string, record: RequestRecord): Promise<Response> {
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
    const active = this.#faults.take(org, method, path);
    if (active) record.fault = { id: active.id, kind: faultKind(active.rule) };
    const fault = active?.rule;
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
