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

import type { IntegrasjonspunktClient } from '../client.js';
import type { MessageStatus } from '../models/status.js';
import { createTracker, type TrackOptions } from './tracker.js';

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
 * Waits for one message with a short-lived tracker (strategy `per-id` unless given). Used by `ip.waitForDelivery()`.
 * @internal
 */
export async function waitForDelivery(
  client: IntegrasjonspunktClient,
  messageId: string,
  options: WaitForDeliveryOptions = {},
): Promise<MessageStatus[]> {
  const { until, timeoutMs, ...trackOptions } = options;
  const tracker = createTracker(client, [messageId], { strategy: 'per-id', ...trackOptions, until: until ?? 'LEVERT' });
  try {
    return await tracker.waitFor(messageId, { until, timeoutMs, signal: options.signal });
  } finally {
    await tracker.stop();
  }
}

/**
 * Options for `ip.waitForDelivery()`: the tracker's options plus what to wait for.
 * @category Tracking
 */
export interface WaitForDeliveryOptions extends Omit<TrackOptions, 'until' | 'timeoutMs'> {
  /** The status that counts as success. @defaultValue `'LEVERT'` */
  until?: 'LEVERT' | 'LEST' | undefined;
  /** Give up after this long with a {@link DeliveryTimeoutError} (the per-request timeout is the client's). */
  timeoutMs?: number | undefined;
}
