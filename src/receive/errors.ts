import { EformidlingError } from '../errors.js';

/**
 * Delete was answered with `MessageNotLockedException`: the lock ran out before the message was acknowledged, so the
 * IP may already have handed it to another consumer (or will again). Not a crash: the processed-id store makes a
 * redelivery a plain delete.
 * @category Receiving
 */
export class LockExpiredError extends EformidlingError {
  /** The message whose lock expired. */
  readonly messageId: string;

  constructor(messageId: string, options: { cause?: unknown } = {}) {
    super(`lock expired, possibly redelivered: message ${messageId} was not locked any more when it was deleted`, options);
    this.messageId = messageId;
  }

  override toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, messageId: this.messageId };
  }
}

/** True for a {@link LockExpiredError}, also from another copy of the package. @category Receiving */
export function isLockExpiredError(value: unknown): value is LockExpiredError {
  return value instanceof LockExpiredError || (value instanceof Error && value.name === 'LockExpiredError');
}
