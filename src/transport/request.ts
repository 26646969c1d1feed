import { EformidlingError, RequestValidationError, type TimeoutError } from '../errors.js';
import { redactUrl } from '../internal/redact.js';
import { isTimerMs } from '../internal/timer-ms.js';
import { isReplayableContent, type RequestBody } from '../uploads.js';
import type { AuthOption } from './auth.js';
import type { Logger } from './logger.js';
import type { RetryOptions } from './retry.js';
import type { FetchLike, TlsOptions } from './tls.js';
import type { UserAgentOption } from './user-agent.js';

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
export type BodySource = RequestBody | (() => RequestBody | Promise<RequestBody>);

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

/**
 * True when a body can be sent again as it is (bytes, text, a Blob, form fields) or is made fresh for each attempt
 * (a factory): the one check behind "may this request be retried?". @internal
 */
export function isReplayableBody(body: unknown): boolean {
  return body === undefined || typeof body === 'function' || body instanceof URLSearchParams || isReplayableContent(body);
}

/** The per-call options' problem, if any (a bad `timeoutMs` would time out at once, a bad `signal` fail late). @internal */
export function checkRequestOptions(options: RequestOptions): RequestValidationError | undefined {
  if (typeof options !== 'object' || options === null) return new RequestValidationError('options', 'must be an object');
  const { timeoutMs, signal } = options;
  if (timeoutMs !== undefined && !isTimerMs(timeoutMs)) {
    return new RequestValidationError('options.timeoutMs', 'must be a number of milliseconds > 0');
  }
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.addEventListener !== 'function')) {
    return new RequestValidationError('options.signal', 'must be an AbortSignal');
  }
  return undefined;
}

/** Runs an option's check; a plain error from it becomes a {@link RequestValidationError} naming the option. @internal */
export function asOption<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof EformidlingError) throw error;
    const message = error instanceof Error ? error.message.replace(new RegExp(`^${field}[.:]?\\s*`), '') : String(error);
    throw new RequestValidationError(field, message);
  }
}

/** The base URL without a trailing slash; credentials, a query or a fragment are refused. @internal */
export function normalizeBaseUrl(input: string | URL): string {
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

/** The full URL of a path and query below `baseUrl`. @internal */
export function buildUrl(baseUrl: string, path: string, query?: Query): string {
  let url = baseUrl + path;
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
