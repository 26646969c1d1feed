import { isApiError } from '../errors.js';
import type { RequestOptions } from '../transport/http.js';
import type { ReceiveContext } from './context.js';

/** How a delete ended: `deleted`; `gone` (404, already deleted); `not-locked` (the lock expired first). @internal */
export type AcknowledgeResult = 'deleted' | 'gone' | 'not-locked';

/**
 * Deletes (acknowledges) a locked message with `incoming.delete`: `deleted`; `gone` when the IP answers 404
 * (`MessageNotFoundException`: already deleted, e.g. the first attempt got through but its response was lost);
 * `not-locked` for `MessageNotLockedException` (thrown by the IP's `NextMoveMessageInController` when the lock ran
 * out). Other failures reject.
 * @internal
 */
export async function acknowledge(
  incoming: ReceiveContext['incoming'],
  messageId: string,
  options: RequestOptions = {},
): Promise<AcknowledgeResult> {
  try {
    await incoming.delete(messageId, options);
    return 'deleted';
  } catch (error) {
    if (isApiError(error) && error.status === 404) return 'gone';
    if (isApiError(error) && error.status === 400 && error.exception === 'MessageNotLockedException') return 'not-locked';
    throw error;
  }
}
