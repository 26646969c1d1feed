import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { z } from 'zod';
import { RequestValidationError, TimeoutError } from '../errors.js';
import { redactUrl } from '../internal/redact.js';
import { isTimerMs } from '../internal/timer-ms.js';
import type { IdentifierOptions } from '../models/identifiers.js';
import { HTTP } from '../observability/attributes.js';
import { count, metricsEnabled, record } from '../observability/metrics.js';
import { formatRequestLine } from '../observability/request-line.js';
import { routeTemplate } from '../observability/routes.js';
import {
  asAttempt,
  injectTraceContext,
  NOOP_OPEN,
  type OpenSpan,
  outerResendCount,
  startSpan,
  tracingEnabled,
} from '../observability/spans.js';
import type { RequestBody } from '../uploads.js';
import { AttemptSignal } from './attempt-signal.js';
import { type AuthOption, authHeader, validateAuth } from './auth.js';
import { mapFailure, redirectError } from './failure.js';
import { type Logger, silentLogger } from './logger.js';
import {
  asOption,
  buildUrl,
  checkRequestOptions,
  type HttpRequest,
  isReplayableBody,
  normalizeBaseUrl,
  type Query,
  type ReadContext,
  type RequestOptions,
  type TransportOptions,
} from './request.js';
import { cancel, discard, parseJsonText, toApiError } from './response.js';
import { type ResolvedRetry, type RetryRunner, resolveRetry, withRetry } from './retry.js';
import { createTlsFetch, type FetchLike, type TlsOptions } from './tls.js';
import { buildUserAgent } from './user-agent.js';

export type { BodySource, HttpRequest, Query, ReadContext, RequestOptions, TransportOptions } from './request.js';
export { type ReadLimits, readBytes, readText, toIssues } from './response.js';

/**
 * How an attempt's response is read: `json` and `empty` read the whole (small) body while the attempt's timer runs;
 * `custom` gets the response once the headers have arrived and times its own reads (a streamed download).
 */
type Reader<T> =
  | { kind: 'json'; schema: z.ZodType; nullOn204: boolean }
  | { kind: 'empty' }
  | { kind: 'custom'; read: (res: Response, ctx: ReadContext) => Promise<T> };

const EMPTY: Reader<number> = { kind: 'empty' };

/**
 * The transport: the only module that talks HTTP. Every request goes through one engine, `fetch` (the global one, the
 * one given in the `fetch` option, or undici's `fetch` over an `Agent` with the `tls` settings), so interceptors that
 * replace `globalThis.fetch` (msw) or the global dispatcher (undici's `MockAgent`) see every request. One retry layer
 * (p-retry), one timeout per attempt, one error mapping, the User-Agent and the auth header.
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
  readonly #logging: boolean;
  #staticAuth: [string, string] | undefined | null = null;
  readonly #dynamicAuth: boolean;
  readonly #host: string;
  /** How identifiers given to the resources are checked (`strictIdentifiers`, warnings to the logger). */
  readonly identifiers: IdentifierOptions;

  // The options (with the credentials in `auth`, `headers` and `tls`) are not kept: only private fields hold what the
  // requests need, so `util.inspect()` and `JSON.stringify()` of a client never show a secret.
  constructor(options: TransportOptions) {
    this.baseUrl = asOption('baseUrl', () => normalizeBaseUrl(options.baseUrl));
    this.#host = new URL(this.baseUrl).hostname;
    this.userAgent = asOption('userAgent', () => buildUserAgent(options.userAgent));
    this.timeoutMs = options.timeoutMs ?? 30_000;
    if (!isTimerMs(this.timeoutMs)) {
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
    // `globalThis.fetch` is looked up on each request, so an interceptor installed after the client was made is used.
    this.#fetch = options.tls
      ? asOption('tls', () => createTlsFetch(options.tls as TlsOptions))
      : (options.fetch ?? ((input, init) => globalThis.fetch(input, init)));
  }

  /** Builds the full URL of a path and query. */
  url(path: string, query?: Query): string {
    return buildUrl(this.baseUrl, path, query);
  }

  /**
   * Sends a request (with retries where safe) and hands the successful `Response` to `read`, whose result is
   * returned. The attempt's timeout ends when the headers have arrived: a custom reader times its
   * own reads (a streamed download may take longer than one attempt; see {@link ReadContext}).
   */
  execute<T>(req: HttpRequest, read: (res: Response, ctx: ReadContext) => Promise<T>, options: RequestOptions = {}): Promise<T> {
    return this.#run(req, options, { kind: 'custom', read });
  }

  /** Runs `fn` under the client's retry policy (for composite operations such as a create that checks itself). */
  readonly withRetry: RetryRunner = (fn, options = {}) => withRetry((n) => asAttempt(n, () => fn(n)), this.retry, options);

  /** GET/POST/... returning parsed JSON. */
  json<S extends z.ZodType>(req: HttpRequest, schema: S, options?: RequestOptions): Promise<z.output<S>> {
    return this.#run(req, options, { kind: 'json', schema, nullOn204: false });
  }

  /** Like {@link json}, but a 204 gives `null`. */
  jsonOrNull<S extends z.ZodType>(req: HttpRequest, schema: S, options?: RequestOptions): Promise<z.output<S> | null> {
    return this.#run(req, options, { kind: 'json', schema, nullOn204: true });
  }

  /** A request whose body is ignored; resolves with the status. */
  empty(req: HttpRequest, options?: RequestOptions): Promise<number> {
    return this.#run(req, options, EMPTY);
  }

  /** A request whose successful response is returned unread (for streaming downloads). */
  stream(req: HttpRequest, options?: RequestOptions): Promise<Response> {
    return this.execute(req, async (res) => res, options);
  }

  #run<T>(req: HttpRequest, options: RequestOptions = {}, reader: Reader<T>): Promise<T> {
    // Not async: one promise less per request (an aborted signal rejects in the attempt, before any I/O).
    const invalid = checkRequestOptions(options);
    if (invalid) return Promise.reject(invalid);
    const retry = req.retry ?? (req.method !== 'POST' && isReplayableBody(req.body));
    const url = this.url(req.path, req.query);
    const attempt = (n: number) => this.#attempt(req, url, options, n, reader);
    if (!retry || this.retry.retries === 0) return attempt(1);
    return withRetry(attempt, this.retry, {
      signal: options.signal,
      onRetry: (error, attemptNumber, delayMs) => {
        this.logger.warn(`${req.method} ${req.path} attempt ${attemptNumber} failed; retrying in ${delayMs} ms`, {
          error: error instanceof Error ? error.message : String(error),
        });
      },
    });
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
    let body: RequestBody | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    } else if (req.body !== undefined) {
      body = typeof req.body === 'function' ? await req.body() : req.body;
    }
    if (this.#logging) this.logger.debug(`→ ${req.method} ${redactUrl(url)}`, { attempt: attemptNumber });
    // One CLIENT span per attempt (OpenTelemetry's HTTP client conventions: a resend is a span of its own, with
    // `http.request.resend_count`); a workflow's span, when there is one, is the parent of all of them.
    // Nobody listening (no provider registered), no span is started, no metric recorded and no route looked up.
    const tracing = tracingEnabled();
    const metering = metricsEnabled();
    const route = tracing || metering ? routeTemplate(req.method, req.path) : undefined;
    // Resends by this layer plus those of a composite operation retried above it (a resource's `withRetry`).
    const resends = attemptNumber - 1 + outerResendCount();
    if (resends > 0 && metering) count('eformidling.http.retries', { [HTTP.method]: req.method, [HTTP.urlTemplate]: route });
    const span = tracing
      ? startSpan(route ? `${req.method} ${route}` : req.method, {
          kind: 'client',
          attributes: () => this.#spanAttributes(req, url, route, resends),
        })
      : NOOP_OPEN;
    if (span.recording) span.run(() => injectTraceContext(headers));
    let status: number | undefined;
    const attempt = new AttemptSignal(timeoutMs, signal);
    try {
      // An abort during the awaits above (auth, a body factory) came before the listener.
      signal?.throwIfAborted();
      // Redirects are never followed: fetch would carry every header but Authorization (an API-key header included)
      // to the other host. Without a body a 3xx comes back ('manual') and is reported below with its Location. With a
      // body, 'error': in any other mode fetch clones the request, and the clone's tee holds the whole body in memory
      // (a 1 GiB upload grew RSS by 1 GiB); a 3xx then fails inside fetch and is reported by mapFailure.
      const init: RequestInit & { duplex?: 'half' } = {
        method: req.method,
        headers,
        signal: attempt.signal,
        redirect: body === undefined ? 'manual' : 'error',
      };
      if (body !== undefined) init.body = body;
      if (req.upload) init.duplex = 'half';
      const res = await this.#fetch(url, init);
      status = res.status;
      if (span.recording) {
        const retryAfter = res.headers.get('retry-after');
        span.set({ [HTTP.statusCode]: status, [HTTP.retryAfter]: retryAfter === null ? undefined : [retryAfter] });
      }
      if (this.#logging) {
        const line = formatRequestLine({
          method: req.method,
          target: req.path,
          status,
          durationMs: performance.now() - started,
          resendCount: attemptNumber - 1,
        });
        this.logger.debug(line, { attempt: attemptNumber });
      }
      if (status >= 400 && !req.acceptStatus?.includes(status)) {
        throw await toApiError(res, req.method, url, this.baseUrl, req.path);
      }
      if (status >= 300 && status < 400) {
        // The IP never redirects an API call, so this is a gateway or a wrong baseUrl, and following it could hand the
        // credentials to another host.
        cancel(res);
        throw redirectError(req, url, status, res.headers.get('location'));
      }
      let result: T;
      if (reader.kind === 'json') {
        result = (
          reader.nullOn204 && status === 204
            ? await discard(res).then(() => null)
            : parseJsonText(await res.text(), reader.schema, status, req.method, url)
        ) as T;
      } else if (reader.kind === 'empty') {
        await discard(res);
        result = status as T;
      } else {
        // Custom readers (streamed downloads) time their own reads: a large body may take longer than one attempt.
        attempt.release();
        const ctx: ReadContext = {
          method: req.method,
          url,
          remainingMs: Math.max(1, timeoutMs - (performance.now() - started)),
          timeout: () =>
            new TimeoutError(`${req.method} ${req.path} timed out after ${timeoutMs} ms`, { method: req.method, url, timeoutMs }),
          signal,
        };
        result = await reader.read(res, ctx);
      }
      this.#endAttempt(span, req, route, status, started, metering);
      return result;
    } catch (error) {
      const mapped = mapFailure(error, req, url, signal, timeoutMs, attempt.timedOut);
      this.#endAttempt(span, req, route, status, started, metering, mapped);
      if (this.#logging && status === undefined) {
        const name = mapped instanceof Error ? mapped.name : 'Error';
        this.logger.debug(
          formatRequestLine({
            method: req.method,
            target: req.path,
            error: name,
            durationMs: performance.now() - started,
            resendCount: attemptNumber - 1,
          }),
          {
            attempt: attemptNumber,
          },
        );
      }
      throw mapped;
    } finally {
      attempt.release();
    }
  }

  #spanAttributes(req: HttpRequest, url: string, route: string | undefined, resends: number) {
    const { hostname, port, protocol } = new URL(url);
    return {
      [HTTP.method]: req.method,
      [HTTP.urlFull]: redactUrl(url),
      [HTTP.urlTemplate]: route,
      [HTTP.serverAddress]: hostname,
      [HTTP.serverPort]: port ? Number(port) : protocol === 'https:' ? 443 : 80,
      [HTTP.resendCount]: resends > 0 ? resends : undefined,
    };
  }

  /** Ends an attempt's span and records its duration (in seconds, as OpenTelemetry's `http.client.request.duration`). */
  #endAttempt(
    span: OpenSpan,
    req: HttpRequest,
    route: string | undefined,
    status: number | undefined,
    started: number,
    metering: boolean,
    error?: unknown,
  ) {
    if (span === NOOP_OPEN && !metering) return;
    const errorType =
      error === undefined
        ? undefined
        : status !== undefined && status >= 400
          ? String(status)
          : error instanceof Error
            ? error.name
            : 'Error';
    if (metering) {
      record('http.client.request.duration', (performance.now() - started) / 1000, {
        [HTTP.method]: req.method,
        [HTTP.urlTemplate]: route,
        [HTTP.statusCode]: status,
        [HTTP.errorType]: errorType,
        [HTTP.serverAddress]: this.#host,
      });
    }
    span.end(error, errorType);
  }

  async #authHeader(): Promise<[string, string] | undefined> {
    if (this.#dynamicAuth) return authHeader(this.#auth);
    if (this.#staticAuth === null) this.#staticAuth = await authHeader(this.#auth);
    return this.#staticAuth;
  }
}
