import type { MessageStatus } from '../models/status.js';
import type { DeliveryState, StatusKind } from './classify.js';
import type { DeliveryFailedError } from './errors.js';

/**
 * A status seen for a tracked message.
 * @category Tracking
 */
export interface StatusUpdate {
  messageId: string;
  /** The new status. */
  status: MessageStatus;
  /** What this status means on its own. */
  kind: StatusKind;
  /** Where the message stands after it. */
  state: DeliveryState;
  /** Every status seen for the message, ascending by id. */
  history: readonly MessageStatus[];
}

/**
 * Events of a {@link StatusTracker}. `error` is informational (a failed cycle that will be retried, or the fatal one);
 * fatal failures also reject `waitFor`, `done` and `for await`.
 * @category Tracking
 */
export interface StatusTrackerEvents {
  /** Each new status once (deduplicated by status id), in the order found. */
  status: [update: StatusUpdate];
  /** The message reached `LEVERT` (or `LEST` without a `LEVERT` seen). Once per message. */
  delivered: [update: StatusUpdate];
  /** The message reached `LEST`. Once per message. */
  read: [update: StatusUpdate];
  /** `FEIL` or `LEVETID_UTLOPT`, also after `LEVERT`. Once per message. */
  failed: [update: StatusUpdate, error: DeliveryFailedError];
  /** A cycle failed. */
  error: [error: unknown];
  /** Something looks misconfigured (e.g. an empty status queue while messages progress). */
  warning: [message: string];
  /** A cycle ended: its request count, whether it found something, and the wait before the next one. */
  cycle: [info: CycleInfo];
}

/** What one polling cycle did (event `cycle`). @category Tracking */
export interface CycleInfo {
  /** HTTP requests made by the cycle. */
  requests: number;
  /** True when it found a new status. */
  changed: boolean;
  /**
   * The wait before the next cycle: the adaptive interval (at least `pollIntervalMs`, at least a `Retry-After` the IP
   * sent), or 0 after a `queue` cycle that stopped at its bound with statuses left.
   */
  nextPollMs: number;
}
