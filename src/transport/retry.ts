import pRetry from 'p-retry';
import { isApiError, isConnectionError } from '../errors.js';
import { sleep } from '../internal/sleep.js';

/**
 * The retry policy: the only retry layer in the SDK (ky's own retry is off).
 * @category Client
 */
export interface RetryOptions {
  /** Retries after the first attempt. @defaultValue 3 */
  retries?: number;
  /** Delay before the first retry, in ms; doubles each time, with jitter. @defaultValue 250 */
  minDelayMs?: number;
  /** Largest delay between two attempts, in ms. @defaultValue 10 000 */
  maxDelayMs?: number;
  /** Largest `Retry-After` honoured, in ms; a longer one fails at once. @defaultValue 60 000 */
  maxRetryAfterMs?: number;
}

/** Statuses worth another attempt. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/** True for errors that another attempt may cure: no response, or 408/429/502/503/504. */
export function isTransient(error: unknown): boolean {
  if (isApiError(error)) return RETRY_STATUSES.has(error.status);
  return isConnectionError(error);
}

/** @internal */
export interface ResolvedRetry {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

/** @internal */
export function resolveRetry(option: RetryOptions | number | false | undefined): ResolvedRetry {
  const o = typeof option === 'number' ? { retries: option } : option === false ? { retries: 0 } : (option ?? {});
  const retries = o.retries ?? 3;
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError('retry.retries must be a whole number >= 0');
  return {
    retries,
    minDelayMs: o.minDelayMs ?? 250,
    maxDelayMs: o.maxDelayMs ?? 10_000,
    maxRetryAfterMs: o.maxRetryAfterMs ?? 60_000,
  };
}

/**
 * Runs `attempt` with retries on transient failures. `shouldRetry` narrows what is retried (e.g. a POST that is
 * not safe to repeat). Honours `Retry-After` up to the cap; an abort rejects with the signal's reason.
 * @internal
 */
export function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: ResolvedRetry,
  options: {
    signal?: AbortSignal | undefined;
    shouldRetry?: (error: unknown) => boolean;
    onRetry?: (error: unknown, attemptNumber: number, delayMs: number) => void;
  } = {},
): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isTransient;
  if (policy.retries === 0) {
    return attempt(1);
  }
  // The first attempt runs bare (the common case costs nothing extra); p-retry takes over after a failure.
  return attempt(1).catch(async (error: unknown) => {
    const retryAfter = isApiError(error) ? error.retryAfterMs : undefined;
    if (!shouldRetry(error) || (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs)) throw error;
    const delay = Math.min(policy.maxDelayMs, Math.max(retryAfter ?? 0, Math.round(policy.minDelayMs * (1 + Math.random()))));
    options.onRetry?.(error, 1, delay);
    await sleep(delay, options.signal);
    return retryRest(attempt, policy, options, shouldRetry);
  });
}

function retryRest<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: ResolvedRetry,
  options: { signal?: AbortSignal | undefined; onRetry?: (error: unknown, attemptNumber: number, delayMs: number) => void },
  shouldRetry: (error: unknown) => boolean,
): Promise<T> {
  return pRetry((n) => attempt(n + 1), {
    retries: policy.retries - 1,
    minTimeout: policy.minDelayMs * 2,
    maxTimeout: policy.maxDelayMs,
    factor: 2,
    randomize: true,
    ...(options.signal ? { signal: options.signal } : {}),
    shouldRetry: ({ error }) => {
      if (!shouldRetry(error)) return false;
      const retryAfter = isApiError(error) ? error.retryAfterMs : undefined;
      return retryAfter === undefined || retryAfter <= policy.maxRetryAfterMs;
    },
    onFailedAttempt: async ({ error, attemptNumber, retryDelay, retriesLeft }) => {
      if (retriesLeft === 0 || !shouldRetry(error)) return;
      const retryAfter = isApiError(error) ? error.retryAfterMs : undefined;
      options.onRetry?.(error, attemptNumber + 1, Math.max(retryDelay, retryAfter ?? 0));
      // p-retry waits retryDelay after this; wait the rest of a longer Retry-After here.
      if (retryAfter !== undefined && retryAfter > retryDelay && retryAfter <= policy.maxRetryAfterMs) {
        await sleep(retryAfter - retryDelay, options.signal);
      }
    },
  });
}
