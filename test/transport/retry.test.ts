import { ApiError, ConnectionError, isRequestValidationError, RequestValidationError } from 'eformidling';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RetryOptions, resolveRetry, withRetry } from '../../src/transport/retry.js';

const busy = (retryAfter?: string) =>
  ApiError.from({
    status: 429,
    method: 'GET',
    url: 'http://ip.test/api/statuses',
    headers: new Headers(retryAfter === undefined ? {} : { 'retry-after': retryAfter }),
  });

describe('Retry-After is honoured in full, up to maxRetryAfterMs, on every retry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits the whole Retry-After before each retry, also when it is longer than maxDelayMs', async () => {
    const policy = resolveRetry({ retries: 3, minDelayMs: 1, maxDelayMs: 10, maxRetryAfterMs: 60_000 });
    let calls = 0;
    const delays: number[] = [];
    const result = withRetry(
      async () => {
        calls += 1;
        if (calls <= 2) throw busy('30');
        return 'done';
      },
      policy,
      { onRetry: (_error, _attempt, delayMs) => delays.push(delayMs) },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    // The server asked for 30 s: asking again after maxDelayMs (10 ms) would be too soon.
    await vi.advanceTimersByTimeAsync(29_999);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    // The second retry (p-retry's part) waits the full 30 s as well.
    await vi.advanceTimersByTimeAsync(29_990);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toBe(3);
    await expect(result).resolves.toBe('done');
    expect(delays).toEqual([30_000, 30_000]);
  });

  it('uses the backoff when the answer has no Retry-After, and fails at once when Retry-After exceeds the cap', async () => {
    const policy = resolveRetry({ retries: 3, minDelayMs: 5, maxDelayMs: 10, maxRetryAfterMs: 1000 });
    let calls = 0;
    const plain = withRetry(async () => {
      calls += 1;
      if (calls === 1) throw busy();
      return 'ok';
    }, policy);
    await vi.advanceTimersByTimeAsync(10);
    await expect(plain).resolves.toBe('ok');
    expect(calls).toBe(2);

    calls = 0;
    const tooLong = withRetry(async () => {
      calls += 1;
      throw busy('2');
    }, policy);
    const settled = expect(tooLong).rejects.toMatchObject({ status: 429, retryAfterMs: 2000 });
    await vi.advanceTimersByTimeAsync(0);
    await settled;
    expect(calls).toBe(1);
  });

  it('an abort during a Retry-After wait rejects with the reason', async () => {
    const policy = resolveRetry({ retries: 2, minDelayMs: 1, maxDelayMs: 2 });
    const controller = new AbortController();
    const reason = new Error('stop');
    const result = withRetry(
      async () => {
        throw busy('10');
      },
      policy,
      { signal: controller.signal },
    );
    const settled = expect(result).rejects.toBe(reason);
    await vi.advanceTimersByTimeAsync(5000);
    controller.abort(reason);
    await settled;
  });

  it('never retries what shouldRetry refuses', async () => {
    const policy = resolveRetry({ retries: 3, minDelayMs: 1, maxDelayMs: 2 });
    let calls = 0;
    const error = new ConnectionError('reset', { method: 'POST', url: 'http://ip.test/' });
    const result = withRetry(
      async () => {
        calls += 1;
        throw error;
      },
      policy,
      { shouldRetry: () => false },
    );
    await expect(result).rejects.toBe(error);
    expect(calls).toBe(1);
  });
});

describe('retry options are checked', () => {
  it.each<[RetryOptions | number | false | undefined, string]>([
    [-1, 'retry'],
    [1.5, 'retry'],
    [Number.NaN, 'retry'],
    [{ retries: -1 }, 'retry.retries'],
    [{ retries: 2.5 }, 'retry.retries'],
    [{ retries: '3' as never }, 'retry.retries'],
    [{ minDelayMs: -1 }, 'retry.minDelayMs'],
    [{ minDelayMs: Number.NaN }, 'retry.minDelayMs'],
    [{ maxDelayMs: Number.POSITIVE_INFINITY }, 'retry.maxDelayMs'],
    [{ maxDelayMs: '10' as never }, 'retry.maxDelayMs'],
    [{ maxRetryAfterMs: -5 }, 'retry.maxRetryAfterMs'],
    [{ maxRetryAfterMs: 2 ** 31 }, 'retry.maxRetryAfterMs'],
    ['often' as never, 'retry'],
    [null as never, 'retry'],
    [true as never, 'retry'],
  ])('%j → RequestValidationError naming %s', (option, field) => {
    let error: unknown;
    try {
      resolveRetry(option);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RequestValidationError);
    expect(isRequestValidationError(error)).toBe(true);
    expect(error).toMatchObject({ field });
  });

  it('accepts the documented forms', () => {
    expect(resolveRetry(undefined)).toEqual({ retries: 3, minDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 });
    expect(resolveRetry(false).retries).toBe(0);
    expect(resolveRetry(5).retries).toBe(5);
    expect(resolveRetry({ retries: 0, minDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 })).toEqual({
      retries: 0,
      minDelayMs: 0,
      maxDelayMs: 0,
      maxRetryAfterMs: 0,
    });
  });
});
