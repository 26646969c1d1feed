import type { MessageStatus } from '../../models/status.js';
import type { StatusesResource } from '../../resources/statuses.js';
import type { RequestOptions } from '../../transport/http.js';
import type { StatusFollowerState } from '../follower.js';

/**
 * What a strategy may use of its tracker: the statuses resource and the tracker's records, never the tracker itself.
 * @internal
 */
export interface TrackerCore {
  readonly statuses: StatusesResource;
  /** `per-id` and backfill: requests in flight at once. */
  readonly concurrency: number;
  /** Message ids still being polled. */
  pending(): string[];
  /** Pending message ids whose earlier history has not been read by id yet. */
  unbackfilled(): string[];
  /** Records that a message's earlier history was read. */
  markBackfilled(id: string): void;
  /** Applies one status; true when it was new for a tracked message. */
  process(status: MessageStatus): boolean;
  /** True once the tracker is stopping. */
  stopped(): boolean;
  /** Something in the state to save changed (e.g. the cursor moved). */
  markDirty(): void;
  /** Saves the state now (saves never overlap). */
  save(): Promise<void>;
  /** Warns through the event `warning` and the tracker's logger. */
  warn(message: string): void;
}

/** One polling cycle: its request options and its request count. @internal */
export interface CycleContext {
  readonly options: RequestOptions;
  readonly counter: { requests: number };
}

/** What a cycle found. @internal */
export interface CycleResult {
  /** True when it found a new status. */
  changed: boolean;
  /** True when a `queue` cycle stopped at its bound with statuses left: the next one follows at once. */
  behind: boolean;
}

/** How a tracker learns about new statuses (see {@link TrackStrategy}). @internal */
export interface Strategy {
  cycle(context: CycleContext): Promise<CycleResult>;
  /** The `search` cursor to save, if any. */
  readonly cursor: StatusFollowerState | undefined;
  /** True while a `queue` cycle may delete entries it has not saved yet (written into every snapshot). */
  readonly queueDeleting: boolean;
  /** Continues from a saved `search` cursor (the other strategies have none). */
  restore(cursor: StatusFollowerState): void;
}
