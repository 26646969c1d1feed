import { redactUrl } from '../internal/redact.js';
import { EformidlingError, guard } from './base.js';

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

/** True when no response came (including timeouts). @category Errors */
export const isConnectionError = guard(ConnectionError, ['ConnectionError']);
/** True when the attempt timed out. @category Errors */
export const isTimeoutError = guard(TimeoutError, ['TimeoutError']);
