/**
 * Knowing when a message is delivered: status trackers (per id, search cursor, status queue), the reusable
 * {@link StatusFollower} cursor, stores for restarts, and the webhook handler.
 * @module
 */
export type { Notifiable, WebhookHandler, WebhookHandlerOptions } from '../webhooks/handler.js';
export { createWebhookHandler } from '../webhooks/handler.js';
export { classifyStatus, type DeliveryState, isKnownStatus, type StatusKind } from './classify.js';
export { DeliveryFailedError, DeliveryTimeoutError, TrackerStoppedError } from './errors.js';
export {
  createStatusFollower,
  type FollowerPollStats,
  type FollowerStart,
  StatusFollower,
  type StatusFollowerOptions,
  type StatusFollowerState,
} from './follower.js';
export {
  JsonFileTrackerStore,
  MemoryTrackerStore,
  type StoredMessage,
  type TrackerSnapshot,
  type TrackerStore,
} from './store.js';

import { NotFoundError } from '../errors.js';
import { positive } from '../internal/positive.js';
import type { MessageStatus } from '../models/status.js';
import type { ConversationsResource } from '../resources/conversations.js';
import { createTracker, type TrackerClient, type TrackOptions } from './tracker.js';

export {
  type CycleInfo,
  createTracker,
  StatusTracker,
  type StatusTrackerEvents,
  type StatusUpdate,
  type TrackOptions,
  type TrackStrategy,
  type WaitForOptions,
} from './tracker.js';

/**
 * How long `ip.waitForDelivery()` waits by default: one hour. The call is meant for a process that sends and then
 * waits a while; a DPO, DPV or DPF message normally gets `LEVERT` within minutes of the receiver taking it, and the IP
 * ends a message nobody takes with `LEVETID_UTLOPT` when it expires (24 hours by default), which rejects at once. A
 * longer watch belongs in `ip.track()` with a store, so it survives restarts.
 */
const DEFAULT_WAIT_FOR_DELIVERY_MS = 3_600_000;

/**
 * Waits for one message with a short-lived tracker (strategy `per-id` unless given). Used by `ip.waitForDelivery()`.
 *
 * When the first poll finds no status for the id, the IP is asked for its conversation
 * (`GET /api/conversations/messageId/{messageId}`): a 404 there (the IP's `MessageNotFoundException`) rejects at once
 * with that {@link NotFoundError}, as an id the IP does not know would otherwise be waited for until the timeout.
 * The lookup covers outgoing messages only, which is what this waits for (an incoming message has statuses, so it is
 * never looked up).
 * @internal
 */
export async function waitForDelivery(
  client: WaitForDeliveryClient,
  messageId: string,
  options: WaitForDeliveryOptions = {},
): Promise<MessageStatus[]> {
  const { until, timeoutMs = DEFAULT_WAIT_FOR_DELIVERY_MS, ...trackOptions } = options;
  positive(timeoutMs, 'timeoutMs', { unit: 'ms' });
  const tracker = createTracker(client, [messageId], { strategy: 'per-id', ...trackOptions, until: until ?? 'LEVERT' });
  const lookup = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, lookup.signal]) : lookup.signal;
  const unknown = new Promise<never>((_, reject) => {
    tracker.once('cycle', () => {
      if (tracker.get(messageId)?.history.length !== 0) return;
      client.conversations.getByMessageId(messageId, { signal }).then(
        () => {},
        (error: unknown) => {
          if (error instanceof NotFoundError) reject(error);
        },
      );
    });
  });
  unknown.catch(() => {});
  try {
    return await Promise.race([tracker.waitFor(messageId, { until, timeoutMs, signal: options.signal }), unknown]);
  } finally {
    lookup.abort();
    await tracker.stop();
  }
}

/**
 * What `waitForDelivery` needs of the client: the statuses resource, and the conversations resource to tell an unknown
 * message id.
 */
interface WaitForDeliveryClient extends TrackerClient {
  readonly conversations: Pick<ConversationsResource, 'getByMessageId'>;
}

/**
 * Options for `ip.waitForDelivery()`: the tracker's options plus what to wait for.
 * @category Tracking
 */
export interface WaitForDeliveryOptions extends Omit<TrackOptions, 'until' | 'timeoutMs'> {
  /**
   * The status that counts as success. `LEVERT` comes only once the receiver has taken the message (for DPO, when
   * the receiving fagsystem deletes it from its IP's incoming queue), not when the receiver's IP has it (`MOTTATT`).
   * @defaultValue `'LEVERT'`
   */
  until?: 'LEVERT' | 'LEST' | undefined;
  /**
   * Give up after this long with a {@link DeliveryTimeoutError} (the per-request timeout is the client's);
   * `Infinity` waits without a limit. @defaultValue 3 600 000 (one hour: long enough for a receiver that
   * polls its IP every few minutes; a longer watch belongs in `ip.track()` with a store)
   */
  timeoutMs?: number | undefined;
}
