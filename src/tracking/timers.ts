/** The longest delay `setTimeout` honours; a longer one fires after 1 ms (Node warns with `TimeoutOverflowWarning`). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Calls `fn` once after `ms`, of any length (beyond the 24.8 days one `setTimeout` can wait, timers are chained).
 * `Infinity` never fires. Returns the function that cancels it.
 * @internal
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
 * The tracker's wait between cycles: {@link wake} ends the current wait, or the next one at once when none is running
 * (so a {@link StatusTracker.notify} between two cycles is not lost).
 * @internal
 */
export class WakeableSleep {
  #wake: (() => void) | undefined;
  #woken = false;

  /** Waits `ms` (of any length; `Infinity` until woken); returns at once when woken since the last wait or `skip`. */
  sleep(ms: number, skip: boolean): Promise<void> {
    if (this.#woken || skip) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const cancel = after(ms, () => done());
      const done = () => {
        cancel();
        this.#wake = undefined;
        this.#woken = false;
        resolve();
      };
      this.#wake = done;
    });
  }

  /** Ends the current wait, or the next one. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Ends the current wait only (the caller makes sure no other follows, e.g. by stopping). */
  interrupt(): void {
    this.#wake?.();
  }
}
