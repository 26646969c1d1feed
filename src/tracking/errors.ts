import { EformidlingError } from '../errors.js';
import type { MessageStatus } from '../models/status.js';

/**
 * A tracked message ended in `FEIL` or `LEVETID_UTLOPT`. Carries the failing status (with the IP's `description`
 * and `rawReceipt`) and the history seen so far.
 * @example
 * ```ts
 * try {
 *   await ip.waitForDelivery(messageId);
 * } catch (error) {
 *   if (error instanceof DeliveryFailedError) console.log(error.status.status, error.status.description);
 * }
 * ```
 * @category Tracking
 */
export class DeliveryFailedError extends EformidlingError {
  /** The message that failed. */
  readonly messageId: string;
  /** The failing status (`FEIL` or `LEVETID_UTLOPT`). */
  readonly status: MessageStatus;
  /** Every status seen for the message, ascending by id. */
  readonly history: readonly MessageStatus[];

  constructor(messageId: string, status: MessageStatus, history: readonly MessageStatus[]) {
    super(`message ${messageId} failed with status ${status.status}${status.description ? `: ${status.description}` : ''}`);
    this.messageId = messageId;
    this.status = status;
    this.history = history;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), messageId: this.messageId, status: this.status.status, statusId: this.status.id };
  }
}

/**
 * `waitFor` / `waitForDelivery` gave up after `timeoutMs` without the wanted status. The message may still arrive:
 * nothing was cancelled on the IP.
 * @category Tracking
 */
export class DeliveryTimeoutError extends EformidlingError {
  /** The message waited for. */
  readonly messageId: string;
  /** The statuses seen before giving up. */
  readonly history: readonly MessageStatus[];

  constructor(messageId: string, timeoutMs: number, history: readonly MessageStatus[]) {
    const last = history.at(-1);
    super(`message ${messageId}: no final status within ${timeoutMs} ms${last ? ` (last: ${last.status})` : ''}`);
    this.messageId = messageId;
    this.history = history;
  }
}

/**
 * The tracker was stopped (by `stop()` or its `signal`) while a `waitFor` was still waiting.
 * @category Tracking
 */
export class TrackerStoppedError extends EformidlingError {}
