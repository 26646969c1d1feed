import type { IntegrasjonspunktClient } from '../client.js';
import type { RequestOptions } from '../transport/http.js';

export {
  createStatusFollower,
  type FollowerPollStats,
  type FollowerStart,
  StatusFollower,
  type StatusFollowerOptions,
  type StatusFollowerState,
} from './follower.js';

/** Options for `ip.track()`. @category Tracking */
export interface TrackOptions extends RequestOptions {
  strategy?: 'per-id' | 'search' | 'queue';
  pollIntervalMs?: number;
}

/** @category Tracking */
export interface StatusTracker {
  stop(): Promise<void>;
}

/** @internal Placeholder until the trackers land. */
export function createTracker(
  _client: IntegrasjonspunktClient,
  _messageIds: readonly string[] = [],
  _options: TrackOptions = {},
): StatusTracker {
  throw new Error('not implemented yet');
}
