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
