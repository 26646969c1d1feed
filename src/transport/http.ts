import ky, { type KyInstance } from 'ky';
import type { z } from 'zod';
import { ApiError, ConnectionError, ResponseValidationError, TimeoutError, type ValidationIssue } from '../errors.js';
import { redactUrl } from '../internal/redact.js';
import { ApiErrorBodySchema } from '../models/error-body.js';
import { type AuthOption, authHeader, validateAuth } from './auth.js';
import { type Logger, silentLogger } from './logger.js';
import { type ResolvedRetry, type RetryOptions, resolveRetry, withRetry } from './retry.js';
import { createTlsFetch, type FetchLike, type TlsOptions } from './tls.js';
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
  /** Upload settings: streams need `duplex: 'half'`, and `redirect: 'error'` stops fetch from buffering them. */
  upload?: boolean | undefined;
  /** Status codes treated as success besides 2xx (e.g. 404 for "delete returned false"). */
  acceptStatus?: readonly number[] | undefined;
}

/** What the response reader gets. @internal */
export interface ReadContext {
  method: string;
  url: string;
}

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
  readonly #ky: KyInstance;
  readonly #logging: boolean;
  readonly options: TransportOptions;

  constructor(options: TransportOptions) {
    this.options = options;
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.userAgent = buildUserAgent(options.userAgent);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    if (!(this.timeoutMs > 0)) throw new RangeError('timeoutMs must be > 0');
    this.retry = resolveRetry(options.retry);
    validateAuth(options.auth);
    this.#auth = options.auth;
    this.logger = options.logger ?? silentLogger;
    this.#logging = options.logger !== undefined;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    headers['user-agent'] = this.userAgent;
    this.#headers = headers;
    const fetch: FetchLike = options.tls
      ? createTlsFetch(options.tls)
      : (options.fetch ?? ((input, init) => globalThis.fetch(input, init)));
    if (options.tls && options.fetch) throw new TypeError('give either tls or fetch, not both');
    this.#ky = ky.create({ retry: 0, timeout: false, throwHttpErrors: false, fetch });
  }

  /** Builds the full URL of a path and query. */
  url(path: string, query?: Query): string {
    let url = this.baseUrl + path;
    if (query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const v of value) params.append(key, v);
        else params.append(key, String(value));
      }
      const qs = params.toString();
      if (qs) url += `?${qs}`;
    }
    return url;
  }

  /**
   * Sends a request (with retries where safe) and hands the successful response to `read`, whose result is
   * returned. The attempt's timeout covers `read`, except that a `read` returning the response itself (streaming)
   * ends the timeout when the headers have arrived.
   */
  async execute<T>(req: HttpRequest, read: (res: Response, ctx: ReadContext) => Promise<T>, options: RequestOptions = {}): Promise<T> {
    const signal = options.signal;
    signal?.throwIfAborted();
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
    const attempt = (n: number) => this.#attempt(req, url, read, options, n);
    if (!retry || this.retry.retries === 0) return attempt(1);
    return withRetry(attempt, this.retry, {
      signal,
      onRetry: (error, attemptNumber, delayMs) =>
        this.logger.warn(`${req.method} ${req.path} attempt ${attemptNumber} failed; retrying in ${delayMs} ms`, {
          error: error instanceof Error ? error.message : String(error),
        }),
    });
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
    return this.execute(req, (res, ctx) => parseJson(res, schema, ctx), options);
  }

  /** Like {@link json}, but a 204 gives `null`. */
  jsonOrNull<S extends z.ZodType>(req: HttpRequest, schema: S, options?: RequestOptions): Promise<z.output<S> | null> {
    return this.execute(req, (res, ctx) => (res.status === 204 ? discard(res).then(() => null) : parseJson(res, schema, ctx)), options);
  }

  /** A request whose body is ignored; resolves with the status. */
  empty(req: HttpRequest, options?: RequestOptions): Promise<number> {
    return this.execute(req, (res) => discard(res).then(() => res.status), options);
  }

  /** A request whose successful response is returned unread (for streaming downloads). */
  stream(req: HttpRequest, options?: RequestOptions): Promise<Response> {
    return this.execute(req, async (res) => res, options);
  }

  async #attempt<T>(
    req: HttpRequest,
    url: string,
    read: (res: Response, ctx: ReadContext) => Promise<T>,
    options: RequestOptions,
    attemptNumber: number,
  ): Promise<T> {
    const signal = options.signal;
    signal?.throwIfAborted();
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(
        new TimeoutError(`${req.method} ${req.path} timed out after ${timeoutMs} ms`, { method: req.method, url, timeoutMs }),
      );
    }, timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const started = this.#logging ? performance.now() : 0;
    let streaming = false;
    try {
      const headers: Record<string, string> = { ...this.#headers, ...lower(req.headers) };
      const auth = await authHeader(this.#auth);
      if (auth) headers[auth[0]] = auth[1];
      let body: BodyInit | undefined;
      if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        headers['content-type'] ??= 'application/json';
      } else if (req.body !== undefined) {
        body = typeof req.body === 'function' ? await req.body() : req.body;
      }
      if (this.#logging) this.logger.debug(`→ ${req.method} ${redactUrl(url)}`, { attempt: attemptNumber });
      const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, signal: controller.signal };
      if (body !== undefined) init.body = body;
      if (req.upload) {
        init.redirect = 'error';
        init.duplex = 'half';
      }
      let res: Response;
      try {
        res = await this.#ky(url, init as never);
      } catch (error) {
        throw this.#mapFailure(error, req, url, signal, timedOut, controller);
      }
      if (this.#logging) this.logger.debug(`← ${res.status} ${req.method} ${req.path}`, { ms: Math.round(performance.now() - started) });
      if (res.status >= 400 && !req.acceptStatus?.includes(res.status)) {
        throw await toApiError(res, req.method, url);
      }
      try {
        const value = await read(res, { method: req.method, url });
        streaming = (value as unknown) === res;
        return value;
      } catch (error) {
        throw this.#mapFailure(error, req, url, signal, timedOut, controller);
      }
    } finally {
      if (streaming) {
        // Keep forwarding the caller's abort to the body stream; only the timeout ends here.
        clearTimeout(timer);
      } else {
        cleanup();
      }
    }
  }

  #mapFailure(
    error: unknown,
    req: HttpRequest,
    url: string,
    signal: AbortSignal | undefined,
    timedOut: boolean,
    controller: AbortController,
  ): unknown {
    if (signal?.aborted) return signal.reason;
    if (timedOut) return controller.signal.reason;
    if (error instanceof ApiError || error instanceof ResponseValidationError) return error;
    if (error && typeof error === 'object' && 'name' in error && (error as Error).name === 'ResponseValidationError') return error;
    const cause = (error as { cause?: unknown })?.cause ?? error;
    const detail = describeNetworkError(cause);
    return new ConnectionError(`${req.method} ${req.path} failed: ${detail}`, { cause: error, method: req.method, url });
  }
}

function lower(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function normalizeBaseUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new TypeError(`baseUrl '${String(input)}' is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('baseUrl must be http: or https:');
  if (url.username || url.password) throw new TypeError('put credentials in auth, not in baseUrl');
  if (url.search || url.hash) throw new TypeError('baseUrl must not have a query or fragment');
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

async function discard(res: Response): Promise<void> {
  if (res.body) await res.body.cancel().catch(() => {});
}

const MAX_ERROR_BODY = 64 * 1024;

async function toApiError(res: Response, method: string, url: string): Promise<ApiError> {
  let raw = '';
  try {
    raw = (await res.text()).slice(0, MAX_ERROR_BODY);
  } catch {
    // The body broke off; the status still tells.
  }
  let body: z.output<typeof ApiErrorBodySchema> | undefined;
  if (raw) {
    try {
      const parsed = ApiErrorBodySchema.safeParse(JSON.parse(raw));
      if (parsed.success) body = parsed.data;
    } catch {
      // Not JSON (e.g. a gateway's HTML page): keep the raw text.
    }
  }
  return ApiError.from({ status: res.status, method, url, body, rawBody: raw, headers: res.headers });
}

/** Reads and validates a JSON body. @internal */
export async function parseJson<S extends z.ZodType>(res: Response, schema: S, ctx: ReadContext): Promise<z.output<S>> {
  const raw = await res.text();
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new ResponseValidationError({
      issues: [{ path: '', message: raw ? 'the body is not valid JSON' : 'the body is empty' }],
      rawBody: raw,
      status: res.status,
      method: ctx.method,
      url: ctx.url,
    });
  }
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
