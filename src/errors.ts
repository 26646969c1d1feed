/**
 * The SDK's error tree. Every failure the SDK reports is an {@link EformidlingError}, so one `catch` sees them all.
 *
 * ```
 * EformidlingError
 * ├─ ApiError                    the IP answered with an error status
 * │  ├─ BadRequestError 400      (the IP uses 400 for almost every conflict: branch on `exception`)
 * │  ├─ UnauthorizedError 401    ForbiddenError 403     NotFoundError 404
 * │  ├─ PayloadTooLargeError 413 UnsupportedMediaTypeError 415
 * │  ├─ RateLimitError 429       ServerError 5xx
 * │  └─ NotIntegrasjonspunktError a 404 without the IP's error JSON: baseUrl does not point at an IP
 * ├─ ConnectionError             no response (refused, reset, DNS, TLS)
 * │  └─ TimeoutError             no response within `timeoutMs`
 * ├─ ResponseValidationError     a 2xx whose body does not match the schema
 * └─ RequestValidationError      our own pre-flight check failed; nothing was sent
 * ```
 * @module
 */

import { cleanServerText, redactDeep, redactText, redactUrl } from './internal/redact.js';
import { parseRetryAfter } from './internal/retry-after.js';
import type { ApiErrorBody, ValidationErrorItem } from './models/error-body.js';

const BRAND = Symbol.for('eformidling.error');

/**
 * Root of every error thrown by the SDK: one `catch` (or {@link isEformidlingError}) sees them all. Messages and
 * `toJSON()` never carry credentials.
 *
 * @example
 * ```ts
 * try {
 *   await ip.send({ sbd, files });
 * } catch (error) {
 *   if (isEformidlingError(error)) logger.error('eFormidling failed', error.toJSON());
 *   else throw error; // a bug in your own code
 * }
 * ```
 * @category Errors
 */
export class EformidlingError extends Error {
  /** @internal */
  readonly [BRAND] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(redactText(message), options);
    this.name = new.target.name;
  }

  /** A JSON form without credentials, safe to log. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message };
  }
}

/** Options for constructing an {@link ApiError}. @category Errors */
export interface ApiErrorInit {
  status: number;
  method: string;
  url: string;
  body?: ApiErrorBody | undefined;
  rawBody?: string | undefined;
  /** Response headers (only `retry-after` is read). */
  headers?: { get(name: string): string | null } | undefined;
  /** A message that replaces the one built from the status and body. @internal */
  message?: string | undefined;
}

/**
 * The IP answered with an error status. The IP reports almost every rule as 400, so branch on {@link ApiError.exception}
 * (the short Java exception name, e.g. `MessageAlreadyExistsException`).
 *
 * @example
 * ```ts
 * try {
 *   await ip.outgoing.create(sbd);
 * } catch (error) {
 *   if (isApiError(error) && error.exception === 'MessageAlreadyExistsException') {
 *     // the messageId was used before
 *   }
 * }
 * ```
 * @category Errors
 */
export class ApiError extends EformidlingError {
  /** HTTP status code. */
  readonly status: number;
  /** Short Java exception name from the error body, e.g. `MessageNotLockedException`; `undefined` when absent. */
  readonly exception: string | undefined;
  /** Fully qualified Java exception name, e.g. `no.difi.meldingsutveksling.exceptions.MessageNotLockedException`. */
  readonly exceptionClass: string | undefined;
  /** The IP's own message text (`message` of the error body). */
  readonly ipMessage: string | undefined;
  /** Request path the IP reports (`path` of the error body). */
  readonly path: string | undefined;
  /** Bean-validation items (`errors` of the error body). */
  readonly errors: readonly ValidationErrorItem[];
  /** Extra detail (`description`), set by `ReceiverDoesNotAcceptProcessException`. */
  readonly description: string | undefined;
  /** HTTP method of the request. */
  readonly method: string;
  /** Request URL, with credentials removed. */
  readonly url: string;
  /** The parsed error body, when it was JSON. */
  readonly body: ApiErrorBody | undefined;
  /** `Retry-After` in milliseconds, when the IP (or a gateway) sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(init: ApiErrorInit) {
    // Server text may echo a credential (`Basic …`) or be a whole HTML page: it is redacted, cleaned and capped.
    const body = init.body === undefined ? undefined : redactDeep(init.body);
    const exceptionClass = body?.exception;
    const exception = exceptionClass?.split('.').pop();
    const text =
      body?.message !== undefined ? cleanServerText(body.message, 1000) : init.rawBody ? cleanServerText(init.rawBody) : undefined;
    const url = redactUrl(init.url);
    super(
      init.message ??
        `${init.method} ${pathOf(url)} failed with ${init.status}${exception ? ` ${exception}` : ''}${text ? `: ${text}` : ''}`,
    );
    this.status = init.status;
    this.exception = exception;
    this.exceptionClass = exceptionClass;
    this.ipMessage = body?.message;
    this.path = body?.path;
    this.errors = body?.errors ?? [];
    this.description = body?.description;
    this.method = init.method;
    this.url = url;
    this.body = body;
    this.retryAfterMs = parseRetryAfter(init.headers?.get('retry-after') ?? null);
  }

  /**
   * Creates the subclass that fits the status.
   * @internal
   */
  static from(init: ApiErrorInit): ApiError {
    const Class = classForStatus(init.status);
    return new Class(init);
  }

  override toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      exception: this.exception,
      method: this.method,
      url: this.url,
      path: this.path,
      errors: this.errors,
      description: this.description,
    };
  }
}

/**
 * 400: the IP's answer to almost every rule (duplicates, missing files, locks, validation); branch on
 * {@link ApiError.exception}.
 * @example
 * ```ts
 * try {
 *   await ip.incoming.delete(messageId);
 * } catch (error) {
 *   if (error instanceof BadRequestError && error.exception === 'MessageNotLockedException') {
 *     // the lock expired: peek again
 *   } else throw error;
 * }
 * ```
 * @category Errors
 */
export class BadRequestError extends ApiError {}
/** 401: missing or wrong credentials. @category Errors */
export class UnauthorizedError extends ApiError {}
/** 403: forbidden (usually a gateway in front of the IP). @category Errors */
export class ForbiddenError extends ApiError {}
/**
 * 404 from the IP itself (with its error JSON): unknown message, conversation, subscription or receiver. A 404
 * without that JSON is a {@link NotIntegrasjonspunktError} instead.
 * @example
 * ```ts
 * const conversation = await ip.conversations.getByMessageId(id).catch((error) => {
 *   if (error instanceof NotFoundError) return undefined; // the IP has no such message
 *   throw error;
 * });
 * ```
 * @category Errors
 */
export class NotFoundError extends ApiError {}
/** 413: the request body is larger than the IP accepts. @category Errors */
export class PayloadTooLargeError extends ApiError {}
/** 415: wrong `Content-Type`. @category Errors */
export class UnsupportedMediaTypeError extends ApiError {}
/** 429: too many requests (usually a gateway); see {@link ApiError.retryAfterMs}. @category Errors */
export class RateLimitError extends ApiError {}
/** 5xx: the IP (or a gateway) failed. @category Errors */
export class ServerError extends ApiError {}

/**
 * A 404 whose body is not the IP's error JSON (an HTML page, an empty body, another server's JSON): `baseUrl` does
 * not point at an integrasjonspunkt (a wrong port or host, a web server, a missing or extra gateway path prefix).
 * Raised on the first such answer, never retried. It is an {@link ApiError} (status 404) but not a
 * {@link NotFoundError}, so code that treats "not found" as "no such message or receiver" does not misread a wrong
 * URL.
 * @example
 * ```ts
 * try {
 *   await ip.capabilities.get('910075918');
 * } catch (error) {
 *   if (isNotIntegrasjonspunktError(error)) console.error(`check baseUrl: ${error.baseUrl}`);
 *   throw error;
 * }
 * ```
 * @category Errors
 */
export class NotIntegrasjonspunktError extends ApiError {
  /** The client's base URL (credentials removed). */
  readonly baseUrl: string;
  /** The request path below the base URL, e.g. `/api/capabilities/910075918`. */
  readonly requestPath: string;

  constructor(init: ApiErrorInit & { baseUrl: string; requestPath: string }) {
    const baseUrl = redactUrl(init.baseUrl);
    const seen = init.rawBody ? `it answered: ${cleanServerText(init.rawBody)}` : 'it answered with an empty body';
    super({
      ...init,
      body: undefined,
      message:
        `this is not an integrasjonspunkt API at ${baseUrl}: ${init.method} ${init.requestPath} answered ${init.status} ` +
        `without the integrasjonspunkt's error JSON (${seen}). Check baseUrl: host, port and any path prefix`,
    });
    this.baseUrl = baseUrl;
    this.requestPath = init.requestPath;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), baseUrl: this.baseUrl, requestPath: this.requestPath };
  }
}

function classForStatus(status: number): new (init: ApiErrorInit) => ApiError {
  switch (status) {
    case 400:
      return BadRequestError;
    case 401:
      return UnauthorizedError;
    case 403:
      return ForbiddenError;
    case 404:
      return NotFoundError;
    case 413:
      return PayloadTooLargeError;
    case 415:
      return UnsupportedMediaTypeError;
    case 429:
      return RateLimitError;
    default:
      return status >= 500 ? ServerError : ApiError;
  }
}

/**
 * No response came: the connection was refused or reset, the name did not resolve, or TLS failed. Safe requests
 * were already retried under the client's `retry` policy before this is thrown.
 * @example
 * ```ts
 * await ip.statuses.peek().catch((error) => {
 *   if (isConnectionError(error)) console.error(`the IP is unreachable: ${error.message}`);
 *   throw error;
 * });
 * ```
 * @category Errors
 */
export class ConnectionError extends EformidlingError {
  /** HTTP method of the request. */
  readonly method: string | undefined;
  /** Request URL, with credentials removed. */
  readonly url: string | undefined;

  constructor(message: string, options: { cause?: unknown; method?: string | undefined; url?: string | undefined } = {}) {
    super(message, { cause: options.cause });
    this.method = options.method;
    this.url = options.url === undefined ? undefined : redactUrl(options.url);
  }

  override toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, method: this.method, url: this.url };
  }
}

/**
 * No response within `timeoutMs` (per attempt).
 * @example
 * ```ts
 * const patient = ip.withOptions({ timeoutMs: 120_000 });
 * await patient.capabilities.get('910075918').catch((error) => {
 *   if (isTimeoutError(error)) console.error(`no answer within ${error.timeoutMs} ms`);
 *   throw error;
 * });
 * ```
 * @category Errors
 */
export class TimeoutError extends ConnectionError {
  /** The timeout that ran out, in milliseconds. */
  readonly timeoutMs: number | undefined;

  constructor(message: string, options: { cause?: unknown; method?: string; url?: string; timeoutMs?: number } = {}) {
    super(message, options);
    this.timeoutMs = options.timeoutMs;
  }
}

/** One problem found by a schema. @category Errors */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `standardBusinessDocumentHeader.documentIdentification.type`. */
  path: string;
  /** What is wrong. */
  message: string;
}

/**
 * The IP answered 2xx but the body does not match the schema. The raw body is kept for troubleshooting (credentials
 * redacted).
 * @example
 * ```ts
 * await ip.conversations.get(42).catch((error) => {
 *   if (isResponseValidationError(error)) console.error(error.field, error.issues, error.rawBody.slice(0, 500));
 *   throw error;
 * });
 * ```
 * @category Errors
 */
export class ResponseValidationError extends EformidlingError {
  readonly issues: readonly ValidationIssue[];
  /** The body as received (at most 64 KiB). */
  readonly rawBody: string;
  readonly status: number;
  readonly method: string;
  readonly url: string;

  constructor(init: { issues: ValidationIssue[]; rawBody: string; status: number; method: string; url: string }) {
    const first = init.issues[0];
    const url = redactUrl(init.url);
    super(
      `${init.method} ${pathOf(url)} answered ${init.status} with a body that does not match the expected shape` +
        (first ? `: ${first.path || '(root)'}: ${first.message}` : ''),
    );
    this.issues = init.issues;
    this.rawBody = redactText(init.rawBody.slice(0, 65_536));
    this.status = init.status;
    this.method = init.method;
    this.url = url;
  }

  /** The first offending field's path. */
  get field(): string | undefined {
    return this.issues[0]?.path;
  }

  override toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, status: this.status, issues: this.issues, url: this.url };
  }
}

/**
 * Our own check of a request or an option failed before anything was sent. {@link RequestValidationError.field}
 * names the field (a dotted path such as `files[2].filename` or `options.securityLevel`).
 * @example
 * ```ts
 * try {
 *   await ip.capabilities.get('91007591'); // 8 digits
 * } catch (error) {
 *   if (isRequestValidationError(error)) console.error(`${error.field}: fix the input`, error.issues);
 *   else throw error;
 * }
 * ```
 * @category Errors
 */
export class RequestValidationError extends EformidlingError {
  /** Dotted path of the offending field or option, e.g. `files[2].filename`. */
  readonly field: string;
  readonly issues: readonly ValidationIssue[];

  constructor(field: string, message: string, issues?: ValidationIssue[]) {
    super(`${field}: ${message}`);
    this.field = field;
    this.issues = issues ?? [{ path: field, message }];
  }

  override toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, field: this.field, issues: this.issues };
  }
}

function isBranded(value: unknown): value is EformidlingError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

function guard<T extends EformidlingError>(Class: abstract new (...args: never[]) => T, names: readonly string[]) {
  return (value: unknown): value is T => value instanceof Class || (isBranded(value) && hasName(value, names));
}

function hasName(value: Error, names: readonly string[]): boolean {
  // Walk the prototype chain's constructor names so subclasses from another copy of the package match too.
  let proto: object | null = Object.getPrototypeOf(value);
  while (proto && proto !== Error.prototype) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name && names.includes(name)) return true;
    proto = Object.getPrototypeOf(proto);
  }
  return names.includes(value.name);
}

/** True for any SDK error, also from another copy of the package. @category Errors */
export const isEformidlingError = (value: unknown): value is EformidlingError => value instanceof EformidlingError || isBranded(value);
/** True when the IP answered with an error status. @category Errors */
export const isApiError = guard(ApiError, ['ApiError']);
/** True when no response came (including timeouts). @category Errors */
export const isConnectionError = guard(ConnectionError, ['ConnectionError']);
/** True when the attempt timed out. @category Errors */
export const isTimeoutError = guard(TimeoutError, ['TimeoutError']);
/** True when a 2xx body failed its schema. @category Errors */
export const isResponseValidationError = guard(ResponseValidationError, ['ResponseValidationError']);
/** True for a 404 with the IP's error JSON: no such message, conversation or receiver (not a wrong URL). @category Errors */
export const isNotFoundError = guard(NotFoundError, ['NotFoundError']);
/** True when `baseUrl` does not point at an integrasjonspunkt (a 404 without its error JSON). @category Errors */
export const isNotIntegrasjonspunktError = guard(NotIntegrasjonspunktError, ['NotIntegrasjonspunktError']);
/** True when our own pre-flight validation failed. @category Errors */
export const isRequestValidationError = guard(RequestValidationError, ['RequestValidationError']);

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}
