import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WakeableSleep } from '../../src/internal/sleep.js';

describe('WakeableSleep', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits the full time when nobody wakes it', async () => {
    const sleeper = new WakeableSleep();
    let done = false;
    const slept = sleeper.sleep(1_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await slept;
    expect(done).toBe(true);
  });

  it('ends a sleep at once on wake(), also an endless one', async () => {
    const sleeper = new WakeableSleep();
    const slept = sleeper.sleep(Number.POSITIVE_INFINITY);
    sleeper.wake();
    await slept;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('remembers a wake() that came while nobody slept, once, unless reset', async () => {
    const sleeper = new WakeableSleep();
    sleeper.wake();
    await sleeper.sleep(60_000); // returns at once
    let second = false;
    void sleeper.sleep(60_000).then(() => {
      second = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(second).toBe(false);
    sleeper.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(second).toBe(true);
    sleeper.wake();
    sleeper.reset();
    let third = false;
    void sleeper.sleep(10).then(() => {
      third = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(third).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    expect(third).toBe(true);
  });

  it('resolves (never rejects) when the signal aborts', async () => {
    const sleeper = new WakeableSleep();
    const controller = new AbortController();
    const slept = sleeper.sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(slept).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits beyond the 24.8 days of one setTimeout', async () => {
    const sleeper = new WakeableSleep();
    let done = false;
    void sleeper.sleep(30 * 24 * 3_600_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(2 ** 31);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(30 * 24 * 3_600_000 - 2 ** 31);
    expect(done).toBe(true);
  });
});
