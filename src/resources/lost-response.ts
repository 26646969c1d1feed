import { isAmbiguous, isTransient } from '../errors/classify.js';
import { isApiError } from '../errors.js';
import { asAttempt } from '../observability/spans.js';
import type { RetryRunner } from '../transport/retry.js';

/**
 * A POST that must not take effect twice (a create, a one-step send), retried without duplicates. The IP answers a
 * second create of the same messageId with `MessageAlreadyExistsException` (NextMoveMessageService), so the messageId
 * makes the POST safe to repeat as long as the SDK first asks the IP whether an attempt without an answer got
 * through. This is the SDK's one "lost response → ask the IP" logic, used by `outgoing.create()` and `ip.send()`'s
 * one-step strategy.
 * @internal
 */
export interface GuardedPost<T, F> {
  /** The POST itself: one request, not retried (`retry: false`). */
  post(): Promise<T>;
  /**
   * Asks the IP whether an earlier attempt took effect: what it found, or `null` when it did not. One or two requests,
   * none retried, so the guard's retry loop stays the only retry layer.
   */
  look(): Promise<F | null>;
  /** Which failures another attempt may cure. @defaultValue {@link isTransient} */
  shouldRetry?: ((error: unknown) => boolean) | undefined;
  /** Stops the retries; rejects with its reason. */
  signal?: AbortSignal | undefined;
}

/**
 * How a guarded POST ended: the IP's answer, what a look found after an attempt without one, or the failure it gave
 * up on. `unresolved` is true when an attempt got no clear answer and no look settled it since: the IP may or may not
 * have carried the POST out.
 * @internal
 */
export type GuardedResult<T, F> = { posted: T } | { found: F } | { failed: unknown; unresolved: boolean };

/**
 * Runs a {@link GuardedPost} under the client's retry policy (`retry`). Each attempt after one without a clear answer looks
 * first and returns what it found instead of posting again; a retry answered `MessageAlreadyExistsException` looks
 * at once (an earlier attempt got through after all, its answer was lost). Never rejects.
 * @internal
 */
export async function postGuarded<T, F>(retry: RetryRunner, guard: GuardedPost<T, F>): Promise<GuardedResult<T, F>> {
  // True while an earlier attempt may have taken effect.
  let unresolved = false;
  try {
    return await retry<GuardedResult<T, F>>(
      async (attempt) => {
        if (unresolved) {
          const found = await asAttempt(1, () => guard.look());
          if (found !== null) return { found };
          unresolved = false;
        }
        try {
          return { posted: await guard.post() };
        } catch (error) {
          if (attempt > 1 && isApiError(error) && error.exception === 'MessageAlreadyExistsException') {
            unresolved = true;
            const found = await asAttempt(1, () => guard.look());
            if (found !== null) return { found };
          }
          if (isAmbiguous(error)) unresolved = true;
          throw error;
        }
      },
      { signal: guard.signal, shouldRetry: guard.shouldRetry ?? isTransient },
    );
  } catch (error) {
    return { failed: error, unresolved };
  }
}
