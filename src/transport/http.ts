import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { z } from 'zod';
import {
  ApiError,
  ConnectionError,
  EformidlingError,
  NotIntegrasjonspunktError,
  RequestValidationError,
  ResponseValidationError,
  TimeoutError,
  type ValidationIssue,
} from '../errors.js';
import { cleanServerText, redactUrl } from '../internal/redact.js';
import { fastCheckOf } from '../models/common.js';
import { ApiErrorBodySchema } from '../models/error-body.js';
import type { IdentifierOptions } from '../models/identifiers.js';
import { type AuthOption, authHeader, validateAuth } from './auth.js';
import {
  Canceller,
  DirectResponse,
  type Dispatcher,
  globalFetchIsNative,
  isDirectBody,
  loadUndici,
  sharedDispatcher,
  type WireResponse,
} from './direct.js';
import { type Logger, silentLogger } from './logger.js';
import { type ResolvedRetry, type RetryOptions, resolveRetry, withRetry } from './retry.js';
import { createTlsAgent, createTlsFetch, type FetchLike, type TlsAgent, type TlsOptions } from './tls.js';
import { buildUserAgent, type UserAgentOption } from './user-agent.js';

/**
 * Options every SDK method takes as its last argument.
 * @category Client
 */
export interface RequestOptions {
  /** Cancels the call; it rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Timeout per attempt in ms (overrides the client's `timeoutMs`). */
  timeoutMs?: number | undefined;
}

/** Settings shared by the client and its transport. @category Client */
export interface TransportOptions {
  baseUrl: string | URL;
  userAgent?: UserAgentOption | undefined;
  auth?: AuthOption | undefined;
  tls?: TlsOptions | undefined;
  headers?: Record<string, string> | undefined;
  timeoutMs?: number | undefined;
  retry?: RetryOptions | number | false | undefined;
  fetch?: FetchLike | undefined;
  logger?: Logger | undefined;
  strictIdentifiers?: boolean | undefined;
}

/** Query parameters; `undefined` values are left out, arrays repeat the name. @internal */
export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/** A request body, or a factory that makes a fresh one for each attempt (so the request can be retried). @internal */
export type BodySource = BodyInit | (() => BodyInit | Promise<BodyInit>);

/** @internal */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the base URL, already encoded, starting with `/`. */
  path: string;
  query?: Query | undefined;
  json?: unknown;
  body?: BodySource | undefined;
  headers?: Record<string, string> | undefined;
  /**
   * Whether a transient failure may be retried. Defaults to true for GET, DELETE and PUT with a replayable body;
   * POST is never retried unless the caller knows the repeat is harmless.
   */
  retry?: boolean | undefined;
  /** Upload settings: streams need `duplex: 'half'`. */
  upload?: boolean | undefined;
  /** Status codes treated as success besides 2xx (e.g. 404 for "delete returned false"). */
  acceptStatus?: readonly number[] | undefined;
}

/** What the response reader gets. @internal */
export interface ReadContext {
  method: string;
  url: string;
  /** Time left of the attempt's timeout when the headers arrived (custom readers time their own reads). */
  remainingMs: number;
  /** The error to reject with when a read runs out of time. */
  timeout: () => TimeoutError;
  /** The caller's signal, for custom readers to watch. */
  signal: AbortSignal | undefined;
}

/** How an attempt's response is read: a built-in reader (either path) or a custom one (`fetch` only). */
type Reader<T> = { wire: (res: WireResponse, ctx: ReadContext) => Promise<T> } | { read: (res: Response, ctx: ReadContext) => Promise<T> };

/**
 * The transport: the only module that talks HTTP. One retry layer (p-retry), one timeout per attempt, one error
 * mapping, the User-Agent and the auth header.
 * @internal
 */
export class Transport {
  readonly baseUrl: string;
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly retry: ResolvedRetry;
  readonly logger: Logger;
  readonly #auth: AuthOption | undefined;
  readonly #headers: Record<string, string>;
  readonly #fetch: FetchLike;
  readonly #customFetch: boolean;
  readonly #tlsAgent: TlsAgent | undefined;
  readonly #origin: string;
  readonly #logging: boolean;
  #staticAuth: [string, string] | undefined | null = null;
  readonly #dynamicAuth: boolean;
  /** How identifiers given to the resources are checked (`strictIdentifiers`, warnings to the logger). */
  readonly identifiers: IdentifierOptions;

  // The options (with the credentials in `auth`, `headers` and `tls`) are not kept: only private fields hold what the
  // requests need, so `util.inspect()` and `JSON.stringify()` of a client never show a secret.
  constructor(options: TransportOptions) {
    this.baseUrl = asOption('baseUrl', () => normalizeBaseUrl(options.baseUrl));
    this.userAgent = asOption('userAgent', () => buildUserAgent(options.userAgent));
    this.timeoutMs = options.timeoutMs ?? 30_000;
    if (typeof this.timeoutMs !== 'number' || !(this.timeoutMs > 0) || this.timeoutMs > 2_147_483_647) {
      throw new RequestValidationError('timeoutMs', 'must be a number of milliseconds > 0');
    }
    this.retry = asOption('retry', () => resolveRetry(options.retry));
    asOption('auth', () => validateAuth(options.auth));
    this.#auth = options.auth;
    this.#dynamicAuth = options.auth?.type === 'bearer' && 'getToken' in options.auth;
    this.logger = options.logger ?? silentLogger;
    this.#logging = options.logger !== undefined;
    if (options.strictIdentifiers !== undefined && typeof options.strictIdentifiers !== 'boolean') {
      throw new RequestValidationError('strictIdentifiers', 'must be true or false');
    }
    const logger = this.logger;
    this.identifiers = { strict: options.strictIdentifiers === true, warn: (message) => logger.warn(message) };
    const headers: Record<string, string> = {};
    if (options.headers !== undefined && (typeof options.headers !== 'object' || options.headers === null)) {
      throw new RequestValidationError('headers', 'must be an object of header names and values');
    }
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    headers['user-agent'] = this.userAgent;
    // A header that can never be sent would otherwise fail each request as a (retried) connection error.
    for (const [name, value] of Object.entries(headers)) {
      try {
        validateHeaderName(name);
        validateHeaderValue(name, value);
      } catch {
        // The value is not echoed: a custom header may carry a credential.
        throw new RequestValidationError(
          name === 'user-agent' ? 'userAgent' : `headers.${name}`,
          'cannot be sent (HTTP allows no line breaks or characters beyond Latin-1 in a header name or value)',
        );
      }
    }
    this.#headers = headers;
    if (options.tls && options.fetch) throw new RequestValidationError('tls', 'give either tls or fetch, not both');
    if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new RequestValidationError('fetch', 'must be a function');
    this.#tlsAgent = options.tls ? asOption('tls', () => createTlsAgent(options.tls as TlsOptions)) : undefined;
    this.#fetch = this.#tlsAgent ? createTlsFetch(this.#tlsAgent) : (options.fetch ?? ((input, init) => globalThis.fetch(input, init)));
    this.#customFetch = options.fetch !== undefined;
    this.#origin = new URL(this.baseUrl).origin;
  }

  /** Builds the full URL of a path and query. */
  url(path: string, query?: Query): string {
    let url = this.baseUrl + path;
    if (query) {
      let params: URLSearchParams | undefined;
      for (const key in query) {
        const value = query[key];
        if (value === undefined) continue;
        params ??= new URLSearchParams();
        if (Array.isArray(value)) for (const v of value) params.append(key, v);
        else params.append(key, String(value));
      }
      if (params) url += `?${params.toString()}`;
    }
    return url;
  }

  /**
   * Sends a request (with retries where safe) and hands the successful `Response` to `read`, whose result is
   * returned. Always over `fetch`. The attempt's timeout ends when the headers have arrived: a custom reader times its
   * own reads (a streamed download may take longer than one attempt; see {@link ReadContext}).
   */
  execute<T>(req: HttpRequest, read: (res: Response, ctx: ReadContext) => Promise<T>, options: RequestOptions = {}): Promise<T> {
    return this.#run(req, options, { read });
  }

  /** Runs `fn` under the client's retry policy (for composite operations such as a create that checks itself). */
  withRetry<T>(
    fn: (attemptNumber: number) => Promise<T>,
    options: { signal?: AbortSignal | undefined; shouldRetry?: (error: unknown) => boolean } = {},
  ) {
    return withRetry(fn, this.retry, options);
  }

  /** GET/POST/... returning parsed JSON. */
  json<S extends z.ZodType>(req: HttpRequest, schema: S, options?: RequestOptions): Promise<z.output<S>> {
    return this.#run(req, options, { wire: (res, ctx) => parseJson(res, schema, ctx) });
  }

  /** Like {@link json}, but a 204 gives `null`. */
  jsonOrNull<S extends z.ZodType>(req: HttpRequest, schema: S, options?: RequestOptions): Promise<z.output<S> | null> {
    return this.#run(req, options, {
      wire: (res, ctx) => (res.status === 204 ? res.discard().then(() => null) : parseJson(res, schema, ctx)),
    });
  }

  /** A request whose body is ignored; resolves with the status. */
  empty(req: HttpRequest, options?: RequestOptions): Promise<number> {
    return this.#run(req, options, { wire: (res) => res.discard().then(() => res.status) });
  }

  /** A request whose successful response is returned unread (for streaming downloads). */
  stream(req: HttpRequest, options?: RequestOptions): Promise<Response> {
    return this.execute(req, async (res) => res, options);
  }

  #run<T>(req: HttpRequest, options: RequestOptions = {}, reader: Reader<T>): Promise<T> {
    // Not async: one promise less per request (an aborted signal rejects in the attempt, before any I/O).
    const invalid = checkRequestOptions(options);
    if (invalid) return Promise.reject(invalid);
    const replayable =
      req.body === undefined ||
      typeof req.body === 'function' ||
      typeof req.body === 'string' ||
      req.body instanceof Uint8Array ||
      req.body instanceof ArrayBuffer ||
      req.body instanceof Blob ||
      req.body instanceof URLSearchParams;
    const retry = req.retry ?? (req.method !== 'POST' && replayable);
    const url = this.url(req.path, req.query);
    const attempt = (n: number) => this.#attempt(req, url, options, n, reader);
    if (!retry || this.retry.retries === 0) return attempt(1);
    return withRetry(attempt, this.retry, {
      signal: options.signal,
      onRetry: (error, attemptNumber, delayMs) =>
        this.logger.warn(`${req.method} ${req.path} attempt ${attemptNumber} failed; retrying in ${delayMs} ms`, {
          error: error instanceof Error ? error.message : String(error),
        }),
    });
  }

  /**
   * The dispatcher for the direct path (see `direct.ts`), or `undefined` when this request must go through `fetch`
   * (a `fetch` given to the client, or a global `fetch` that an interceptor has replaced).
   */
  #directDispatcher(): Dispatcher | undefined | Promise<Dispatcher | undefined> {
    if (this.#tlsAgent) return this.#tlsAgent.agent();
    if (this.#customFetch || !globalFetchIsNative()) return undefined;
    const undici = loadUndici();
    return undici instanceof Promise ? undici.then(sharedDispatcher) : sharedDispatcher();
  }

  async #attempt<T>(req: HttpRequest, url: string, options: RequestOptions, attemptNumber: number, reader: Reader<T>): Promise<T> {
    const signal = options.signal;
    signal?.throwIfAborted();
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const started = performance.now();
    const headers: Record<string, string> = { ...this.#headers };
    if (req.headers) for (const name in req.headers) headers[name.toLowerCase()] = req.headers[name] as string;
    const auth = this.#staticAuth === null || this.#dynamicAuth ? await this.#authHeader() : this.#staticAuth;
    if (auth) headers[auth[0]] = auth[1];
    let body: BodyInit | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    } else if (req.body !== undefined) {
      body = typeof req.body === 'function' ? await req.body() : req.body;
    }
    let dispatcher = 'wire' in reader && isDirectBody(body) ? this.#directDispatcher() : undefined;
    if (dispatcher instanceof Promise) dispatcher = await dispatcher;
    if (this.#logging) this.logger.debug(`→ ${req.method} ${redactUrl(url)}`, { attempt: attemptNumber });
    // One timer per attempt covers the headers and (for the built-in readers) the body. It cancels through an
    // AbortController on the fetch path and through a cheap emitter on the direct path; the caller's signal is
    // forwarded by a listener, not AbortSignal.any() (measured ~20 µs a request).
    const controller = dispatcher ? undefined : new AbortController();
    const canceller = dispatcher ? new Canceller() : undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      canceller?.cancel();
      controller?.abort();
    }, timeoutMs);
    const onAbort = () => {
      canceller?.cancel();
      controller?.abort(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const release = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // A long-lived caller signal (a receive loop's) must not collect one listener per request.
      signal?.removeEventListener('abort', onAbort);
    };
    try {
      // An abort during the awaits above (auth, a body factory, loading undici) came before the listener.
      signal?.throwIfAborted();
      let wire: WireResponse | undefined;
      let res: Response | undefined;
      if (dispatcher) {
        const data = await dispatcher.request({
          origin: this.#origin,
          path: url.slice(this.#origin.length),
          method: req.method,
          headers,
          body: body as string | Uint8Array | undefined,
          signal: canceller,
          // The attempt's own timer is the deadline; undici's idle timers would only end it sooner.
          headersTimeout: 0,
          bodyTimeout: 0,
        });
        wire = new DirectResponse(data);
      } else {
        // Redirects are never followed: fetch would carry every header but Authorization (an API-key header
        // included) to the other host. A 3xx is reported below, as on the direct path.
        const init: RequestInit & { duplex?: 'half' } = {
          method: req.method,
          headers,
          signal: (controller as AbortController).signal,
          redirect: 'manual',
        };
        if (body !== undefined) init.body = body;
        if (req.upload) init.duplex = 'half';
        res = await this.#fetch(url, init);
        if ('wire' in reader) wire = new FetchResponse(res);
      }
      const status = (wire ?? (res as Response)).status;
      if (this.#logging) this.logger.debug(`← ${status} ${req.method} ${req.path}`, { ms: Math.round(performance.now() - started) });
      if (status >= 400 && !req.acceptStatus?.includes(status)) {
        throw await toApiError(wire ?? new FetchResponse(res as Response), req.method, url, this.baseUrl, req.path);
      }
      if (status >= 300 && status < 400) {
        // One policy on both paths: the IP never redirects an API call, so this is a gateway or a wrong baseUrl, and
        // following it could hand the credentials to another host.
        const response = wire ?? new FetchResponse(res as Response);
        const location = response.headers.get('location');
        response.cancel();
        throw ApiError.from({
          status,
          method: req.method,
          url,
          body: undefined,
          message:
            `${req.method} ${req.path} was redirected (${status})${location ? ` to ${redactUrl(cleanServerText(location, 300))}` : ''}; ` +
            'the SDK never follows a redirect (the integrasjonspunkt does not send one): set baseUrl to the address the IP answers on',
        });
      }
      const ctx: ReadContext = {
        method: req.method,
        url,
        remainingMs: Math.max(1, timeoutMs - (performance.now() - started)),
        timeout: () =>
          new TimeoutError(`${req.method} ${req.path} timed out after ${timeoutMs} ms`, { method: req.method, url, timeoutMs }),
        signal,
      };
      if ('wire' in reader) return await reader.wire(wire as WireResponse, ctx);
      // Custom readers (streamed downloads) time their own reads: a large body may take longer than one attempt.
      release();
      return await reader.read(res as Response, ctx);
    } catch (error) {
      throw this.#mapFailure(error, req, url, signal, timeoutMs, timedOut);
    } finally {
      release();
    }
  }

  async #authHeader(): Promise<[string, string] | undefined> {
    if (this.#dynamicAuth) return authHeader(this.#auth);
    if (this.#staticAuth === null) this.#staticAuth = await authHeader(this.#auth);
    return this.#staticAuth;
  }

  #mapFailure(
    error: unknown,
    req: HttpRequest,
    url: string,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    timedOut = false,
  ): unknown {
    if (signal?.aborted) return signal.reason;
    if (error instanceof EformidlingError) return error;
    if (timedOut) {
      return new TimeoutError(`${req.method} ${req.path} timed out after ${timeoutMs} ms`, {
        method: req.method,
        url,
        timeoutMs,
        cause: error,
      });
    }
    const cause = (error as { cause?: unknown })?.cause ?? error;
    const detail = describeNetworkError(cause);
    return new ConnectionError(`${req.method} ${req.path} failed: ${detail}`, { cause: error, method: req.method, url });
  }
}

/** The per-call options' problem, if any (a bad `timeoutMs` would time out at once, a bad `signal` fail late). */
function checkRequestOptions(options: RequestOptions): RequestValidationError | undefined {
  if (typeof options !== 'object' || options === null) return new RequestValidationError('options', 'must be an object');
  const { timeoutMs, signal } = options;
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > 2_147_483_647)) {
    return new RequestValidationError('options.timeoutMs', 'must be a number of milliseconds > 0');
  }
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.addEventListener !== 'function')) {
    return new RequestValidationError('options.signal', 'must be an AbortSignal');
  }
  return undefined;
}

/** Runs an option's check; a plain error from it becomes a {@link RequestValidationError} naming the option. */
function asOption<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof EformidlingError) throw error;
    const message = error instanceof Error ? error.message.replace(new RegExp(`^${field}[.:]?\\s*`), '') : String(error);
    throw new RequestValidationError(field, message);
  }
}

function normalizeBaseUrl(input: string | URL): string {
  if (typeof input !== 'string' && !(input instanceof URL)) throw new RequestValidationError('baseUrl', 'is required: a string or URL');
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new RequestValidationError('baseUrl', `'${redactUrl(String(input))}' is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RequestValidationError('baseUrl', 'must be http: or https:');
  if (url.username || url.password) throw new RequestValidationError('baseUrl', 'put credentials in auth, not in baseUrl');
  if (url.search || url.hash) throw new RequestValidationError('baseUrl', 'must not have a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function describeNetworkError(cause: unknown): string {
  if (cause && typeof cause === 'object') {
    const c = cause as { code?: string; message?: string; cause?: { code?: string; message?: string } };
    const code = c.code ?? c.cause?.code;
    const message = c.cause?.message ?? c.message;
    return [code, message].filter(Boolean).join(' ') || 'network error';
  }
  return String(cause);
}

/**
 * Reads a body as text, at most `limit` bytes (the rest is cancelled). With a context (a custom reader's), the read is
 * held to the attempt's remaining time and the caller's signal; the built-in readers are covered by the attempt.
 * @internal
 */
export async function readText(res: Response, ctx?: ReadContext, limit = Number.POSITIVE_INFINITY): Promise<string> {
  if (!res.body) return '';
  if (!ctx && limit === Number.POSITIVE_INFINITY) return res.text();
  const reader = res.body.getReader();
  let timedOut = false;
  const timer = ctx
    ? setTimeout(() => {
        timedOut = true;
        reader.cancel(ctx.timeout()).catch(() => {});
      }, ctx.remainingMs)
    : undefined;
  const onAbort = () => reader.cancel(ctx?.signal?.reason).catch(() => {});
  ctx?.signal?.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    if (size >= limit) await reader.cancel().catch(() => {});
  } catch (error) {
    if (timedOut && ctx) throw ctx.timeout();
    throw error;
  } finally {
    clearTimeout(timer);
    ctx?.signal?.removeEventListener('abort', onAbort);
  }
  if (timedOut && ctx) throw ctx.timeout();
  if (ctx?.signal?.aborted) throw ctx.signal.reason;
  return decoder.decode(Buffer.concat(chunks, size));
}

const decoder = new TextDecoder();

/** Largest body `discard()` reads (to keep the connection) rather than cancels, on the fetch path. */
const SMALL_BODY = 64 * 1024;

/** A `Response` from `fetch` seen as a {@link WireResponse}. */
class FetchResponse implements WireResponse {
  readonly #res: Response;
  constructor(res: Response) {
    this.#res = res;
  }
  get status(): number {
    return this.#res.status;
  }
  get headers(): Headers {
    return this.#res.headers;
  }
  text(): Promise<string> {
    return this.#res.text();
  }
  textUpTo(limit: number): Promise<string> {
    return readText(this.#res, undefined, limit);
  }
  async discard(): Promise<void> {
    // A small body is read so that the connection can serve the next request; anything else is cancelled.
    const length = this.#res.headers.get('content-length');
    if (this.#res.body && length !== null && Number(length) <= SMALL_BODY) await this.#res.arrayBuffer();
    else this.cancel();
  }
  cancel(): void {
    this.#res.body?.cancel().catch(() => {});
  }
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * True for the IP's error JSON (`IntegrasjonspunktErrorController`): it always carries `status` and at least one of
 * `error`, `path`, `exception`. A gateway's or another server's JSON lacks them.
 */
function isIpErrorBody(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === 'number' && (typeof v.error === 'string' || typeof v.path === 'string' || typeof v.exception === 'string');
}

async function toApiError(res: WireResponse, method: string, url: string, baseUrl: string, requestPath: string): Promise<ApiError> {
  let raw = '';
  try {
    raw = (await res.textUpTo(MAX_ERROR_BODY)).slice(0, MAX_ERROR_BODY);
  } catch {
    // The body broke off; the status still tells.
  }
  let body: z.output<typeof ApiErrorBodySchema> | undefined;
  let ipError = false;
  if (raw) {
    try {
      const json: unknown = JSON.parse(raw);
      ipError = isIpErrorBody(json);
      const parsed = ApiErrorBodySchema.safeParse(json);
      if (parsed.success) body = parsed.data;
    } catch {
      // Not JSON (e.g. a gateway's HTML page): keep the raw text.
    }
  }
  // Every 404 of the IP's API carries its error JSON (`MessageNotFoundException`, `NoResourceFoundException`, ...);
  // an HTML page, an empty body or another JSON means baseUrl points somewhere else.
  if (res.status === 404 && !ipError) {
    return new NotIntegrasjonspunktError({ status: 404, method, url, rawBody: raw, headers: res.headers, baseUrl, requestPath });
  }
  return ApiError.from({ status: res.status, method, url, body, rawBody: raw, headers: res.headers });
}

/** Reads and validates a JSON body. @internal */
export async function parseJson<S extends z.ZodType>(res: WireResponse, schema: S, ctx: ReadContext): Promise<z.output<S>> {
  const raw = await res.text();
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new ResponseValidationError({
      issues: [
        {
          path: '',
          message: !raw
            ? 'the body is empty'
            : /^\s*</.test(raw)
              ? 'the body is an HTML or XML page, not JSON: is baseUrl an integrasjonspunkt API?'
              : 'the body is not valid JSON',
        },
      ],
      rawBody: raw,
      status: res.status,
      method: ctx.method,
      url: ctx.url,
    });
  }
  if (fastCheckOf(schema)?.(data)) return data as z.output<S>;
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new ResponseValidationError({
      issues: toIssues(result.error),
      rawBody: raw,
      status: res.status,
      method: ctx.method,
      url: ctx.url,
    });
  }
  return result.data;
}

/** Turns zod issues into ours. @internal */
export function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}
