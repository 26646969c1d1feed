/** Largest delay `setTimeout` takes (a longer one fires at once): 2^31 - 1 ms, about 24.8 days. */
export const MAX_TIMER_MS = 2_147_483_647;

/** True for a number of milliseconds a timer can wait: > 0 and at most ~24.8 days. */
export function isTimerMs(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value <= MAX_TIMER_MS;
}
