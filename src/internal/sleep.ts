import { MAX_TIMER_MS } from './timer-ms.js';

/** Waits `ms`, rejecting with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `fn` once after `ms`, of any length (beyond the 24.8 days one `setTimeout` can wait, timers are chained;
 * a longer single delay would fire after 1 ms). `Infinity` never fires. Returns the function that cancels it.
 */
export function after(ms: number, fn: () => void): () => void {
  if (!(ms < Number.POSITIVE_INFINITY)) return () => {};
  let left = Math.max(0, ms);
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const step = Math.min(left, MAX_TIMER_MS);
    left -= step;
    timer = setTimeout(() => (left > 0 ? arm() : fn()), step);
  };
  arm();
  return () => clearTimeout(timer);
}

/**
 * A sleep that another part of the program can cut short: the wait between polls of a loop that `wake()` (a
 * webhook, `stop()`) ends at once. A `wake()` while nobody sleeps is remembered: the next {@link sleep} returns at
 * once (so a wake-up between two polls is never lost) until {@link reset} forgets it. Never rejects.
 */
export class WakeableSleep {
  #woken = false;
  #wakeUp: (() => void) | undefined;

  /** Waits `ms` (`Infinity`: until woken), or less when woken or when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#woken || signal?.aborted) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const cancel = after(ms, () => done());
      const done = () => {
        cancel();
        signal?.removeEventListener('abort', done);
        if (this.#wakeUp === done) this.#wakeUp = undefined;
        this.#woken = false;
        resolve();
      };
      this.#wakeUp = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Ends the current sleep, or the next one when nobody sleeps. */
  wake(): void {
    this.#woken = true;
    this.#wakeUp?.();
  }

  /** Ends the current sleep only; unlike {@link wake}, nothing is remembered for the next one. */
  interrupt(): void {
    this.#wakeUp?.();
  }

  /** Forgets a `wake()` that came while nobody slept (e.g. when the loop polls anyway). */
  reset(): void {
    this.#woken = false;
  }
}
