import { SendError, type SendStep } from './errors.js';
import type { SendContext, SendOptions } from './options.js';

/**
 * Deletes a half-built message (always 200 on the IP: NextMoveMessageService.deleteMessage); ignores the caller's
 * (maybe aborted) signal.
 */
async function cleanup(ip: Pick<SendContext, 'outgoing' | 'logger'>, messageId: string, options: SendOptions): Promise<boolean> {
  try {
    await ip.outgoing.delete(messageId, { timeoutMs: options.timeoutMs });
    return true;
  } catch (error) {
    ip.logger.warn(`could not delete half-built message ${messageId}`, { error });
    return false;
  }
}

/**
 * Ends a send that failed at `step`: deletes what it left on the IP when `clean` (unless `keepOnFailure`), then throws
 * a {@link SendError} saying what became of the message (a cancellation rejects with the signal's reason instead).
 * @internal
 */
export async function failSend(
  ip: Pick<SendContext, 'outgoing' | 'logger'>,
  init: { step: SendStep; messageId: string; cause: unknown; filename?: string; clean: boolean },
  options: SendOptions,
): Promise<never> {
  const { clean, ...rest } = init;
  const keep = clean && options.keepOnFailure === true;
  const cleanedUp = clean && !keep ? await cleanup(ip, init.messageId, options) : false;
  // A cancellation stays a cancellation (rejects with the signal's reason), after the cleanup.
  if (options.signal?.aborted && init.cause === options.signal.reason) throw init.cause;
  throw new SendError({ ...rest, cleanedUp, kept: keep, cleanupFailed: clean && !keep && !cleanedUp });
}
