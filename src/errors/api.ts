import { cleanServerText, redactDeep, redactUrl } from '../internal/redact.js';
import { parseRetryAfter } from '../internal/retry-after.js';
import type { ApiErrorBody, ValidationErrorItem } from '../models/error-body.js';
import { EformidlingError, guard, pathOf } from './base.js';

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

/** True when the IP answered with an error status. @category Errors */
export const isApiError = guard(ApiError, ['ApiError']);
/** True for a 404 with the IP's error JSON: no such message, conversation or receiver (not a wrong URL). @category Errors */
export const isNotFoundError = guard(NotFoundError, ['NotFoundError']);
/** True when `baseUrl` does not point at an integrasjonspunkt (a 404 without its error JSON). @category Errors */
export const isNotIntegrasjonspunktError = guard(NotIntegrasjonspunktError, ['NotIntegrasjonspunktError']);
