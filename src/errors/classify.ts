import { isApiError } from './api.js';
import { isConnectionError } from './connection.js';
import { isRequestValidationError } from './validation.js';

/**
 * What a failure says about the request: may another attempt cure it, did the server refuse it unprocessed, or may
 * it have taken effect. The retry policy (transport/retry.ts) and the send workflow decide by these.
 * @module
 */

/** Statuses worth another attempt. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/** True for errors that another attempt may cure: no response, or 408/429/502/503/504. */
export function isTransient(error: unknown): boolean {
  if (isApiError(error)) return RETRY_STATUSES.has(error.status);
  return isConnectionError(error);
}

/**
 * Statuses that say the server did not process the request: 408 (it did not get the whole request), 429 (too many
 * requests) and 503 (unavailable). Repeating a request that was refused is safe even when it is not idempotent.
 * @internal
 */
export const REFUSAL_STATUSES: ReadonlySet<number> = new Set([408, 429, 503]);

/** True when the IP (or a gateway in front of it) refused the request without processing it. @internal */
export function isRefusal(error: unknown): boolean {
  return isApiError(error) && REFUSAL_STATUSES.has(error.status);
}

/**
 * True when a request may or may not have taken effect: no answer (reset, timeout, a body that broke off or did not
 * parse) or a gateway's 502/504, which can come after the IP processed the request.
 * @internal
 */
export function isAmbiguous(error: unknown): boolean {
  if (isApiError(error)) return error.status === 502 || error.status === 504;
  return !isRequestValidationError(error);
}
