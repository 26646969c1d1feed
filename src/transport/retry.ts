import pRetry from 'p-retry';
import { isTransient } from '../errors/classify.js';
import { isApiError, RequestValidationError } from '../errors.js';
import { sleep } from '../internal/sleep.js';
import { MAX_TIMER_MS } from '../internal/timer-ms.js';

/**
 * The retry policy: the only retry layer in the SDK (ky's own retry is off).
 * @category Client
 */
export interface RetryOptions {
  /** Retries after the first attempt. @defaultValue 3 */
  retries?: number;
  /** Delay before the first retry, in ms; doubles each time, with jitter. @defaultValue 250 */
  minDelayMs?: number;
  /** Largest backoff between two attempts, in ms (a `Retry-After` up to `maxRetryAfterMs` may ask for longer). @defaultValue 10 000 */
  maxDelayMs?: number;
  /** Largest `Retry-After` honoured (waited in full), in ms; an answer asking for longer fails at once. @defaultValue 60 000 */
  maxRetryAfterMs?: number;
}

export { isAmbiguous, isRefusal, isTransient, REFUSAL_STATUSES, RETRY_STATUSES } from '../errors/classify.js';

/** @internal */
export interface ResolvedRetry {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

/** @internal */
export function resolveRetry(option: RetryOptions | number | false | undefined): ResolvedRetry {
  if (typeof option === 'number') {
    if (!Number.isInteger(option) || option < 0) throw new RequestValidationError('retry', 'must be a whole number of retries >= 0');
    return { ...DEFAULTS, retries: option };
  }
  if (option === false) return { ...DEFAULTS, retries: 0 };
  if (option === undefined) return { ...DEFAULTS };
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw new RequestValidationError('retry', 'must be false, a number of retries or an object of retry options');
  }
  const retries = option.retries ?? DEFAULTS.retries;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0) {
    throw new RequestValidationError('retry.retries', 'must be a whole number >= 0');
  }
  return {
    retries,
    minDelayMs: delayOption(option.minDelayMs, 'minDelayMs'),
    maxDelayMs: delayOption(option.maxDelayMs, 'maxDelayMs'),
    maxRetryAfterMs: delayOption(option.maxRetryAfterMs, 'maxRetryAfterMs'),
  };
}

const DEFAULTS: ResolvedRetry = { retries: 3, minDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

function delayOption(value: number | undefined, key: 'minDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs'): number {
  if (value === undefined) return DEFAULTS[key];
  // setTimeout fires at once for delays beyond 2^31 - 1 ms (about 24.8 days): refuse them instead.
  if (typeof value !== 'number' || !(value >= 0) || value > MAX_TIMER_MS) {
    throw new RequestValidationError(`retry.${key}`, `must be a number of ms from 0 to ${MAX_TIMER_MS}`);
  }
  return value;
}

/** The `Retry-After` of an answer, in ms, when it sent one. */
function retryAfterOf(error: unknown): number | undefined {
  return isApiError(error) ? error.retryAfterMs : undefined;
}

/**
 * The wait before the next attempt: the backoff, or the answer's `Retry-After` when that is longer (it is honoured
 * in full up to `maxRetryAfterMs`; a longer one is not retried at all, see {@link retryable}).
 */
function delayAfter(error: unknown, backoffMs: number): number {
  const retryAfter = retryAfterOf(error);
  return retryAfter === undefined ? backoffMs : Math.max(backoffMs, Math.ceil(retryAfter));
}

/** Whether a failed attempt may be repeated: `shouldRetry` agrees and any `Retry-After` is within the cap. */
function retryable(error: unknown, policy: ResolvedRetry, shouldRetry: (error: unknown) => boolean): boolean {
  if (!shouldRetry(error)) return false;
  const retryAfter = retryAfterOf(error);
  return retryAfter === undefined || retryAfter <= policy.maxRetryAfterMs;
}

/** Options of a {@link RetryRunner}. @internal */
export interface RetryRunOptions {
  signal?: AbortSignal | undefined;
  /** Narrows what is retried (default {@link isTransient}). */
  shouldRetry?: ((error: unknown) => boolean) | undefined;
}

/**
 * Runs `fn` under the client's retry policy: what workflows get (from the client) instead of the transport.
 * @internal
 */
export type RetryRunner = <T>(fn: (attemptNumber: number) => Promise<T>, options?: RetryRunOptions) => Promise<T>;

/**
 * Runs `attempt` with retries on transient failures. `shouldRetry` narrows what is retried (e.g. a POST that is
 * not safe to repeat). Every retry waits at least as long as the answer's `Retry-After` asks, up to
 * `maxRetryAfterMs`; an answer asking for longer fails at once. An abort rejects with the signal's reason.
 * @internal
 */
export function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: ResolvedRetry,
  options: {
    signal?: AbortSignal | undefined;
    shouldRetry?: ((error: unknown) => boolean) | undefined;
    onRetry?: (error: unknown, attemptNumber: number, delayMs: number) => void;
  } = {},
): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isTransient;
  if (policy.retries === 0) {
    return attempt(1);
  }
  // The first attempt runs bare (the common case costs nothing extra); p-retry takes over after a failure.
  return attempt(1).catch(async (error: unknown) => {
    if (!retryable(error, policy, shouldRetry)) throw error;
    const backoff = Math.min(policy.maxDelayMs, Math.round(policy.minDelayMs * (1 + Math.random())));
    const delay = delayAfter(error, backoff);
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
    shouldRetry: ({ error }) => retryable(error, policy, shouldRetry),
    onFailedAttempt: async ({ error, attemptNumber, retryDelay, retriesLeft }) => {
      if (retriesLeft === 0 || !retryable(error, policy, shouldRetry)) return;
      const delay = delayAfter(error, retryDelay);
      options.onRetry?.(error, attemptNumber + 1, delay);
      // p-retry waits retryDelay after this; wait the rest of a longer Retry-After here.
      if (delay > retryDelay) await sleep(delay - retryDelay, options.signal);
    },
  });
}
