import type { StatusesResource } from '../resources/statuses.js';
import type { RequestOptions } from '../transport/http.js';
import type { Logger } from '../transport/logger.js';
import type { TrackerStore } from './store.js';

/**
 * How a tracker learns about new statuses.
 * - `per-id`: `GET /api/statuses/{messageId}` for every pending message, every cycle. Simple; costs one request
 *   per pending message per cycle.
 * - `search`: `GET /api/statuses` with a {@link StatusFollower} cursor: one small request per quiet cycle and
 *   `ceil(N / pageSize) + 1` for N new statuses, however many messages are pending. Reads every status on the IP.
 * - `queue`: `GET /api/statuses/peek` + `DELETE /api/statuses/{id}` until 204 or the cycle's bound
 *   (`queueBatchSize`, `queueCycleMs`). The state is saved before a cycle's first DELETE, so a crash can only repeat
 *   statuses (a restart reads the pending messages by id once when the crash came mid-cycle). Only works when the
 *   IP fills the queue (`difi.move.feature.statusQueueIncludes`, empty by default), and only when this tracker is
 *   the queue's only consumer: it deletes every entry it reads, tracked or not.
 *
 * Requests per quiet cycle (nothing new): `per-id` one per pending message (one per 50 statuses of its history);
 * `search` 1; `queue` 1, plus one by-id read every `queueCheckAfter` quiet cycles. No requests while nothing is
 * pending.
 * @category Tracking
 */
export type TrackStrategy = 'per-id' | 'search' | 'queue';

/**
 * Options for `ip.track()`.
 * @category Tracking
 */
export interface TrackOptions extends RequestOptions {
  /** @defaultValue `'search'` */
  strategy?: TrackStrategy | undefined;
  /**
   * Time between cycles while statuses keep changing, in ms: the shortest wait between two cycles (only
   * {@link StatusTracker.notify} and a `queue` cycle that stopped at its bound start one sooner).
   * @defaultValue 5 000
   */
  pollIntervalMs?: number | undefined;
  /**
   * The interval grows by `backoffFactor` after each cycle without news, up to this. Any finite length
   * works, also beyond the 24.8 days of one `setTimeout`. @defaultValue 60 000
   */
  maxPollIntervalMs?: number | undefined;
  /** Growth of the interval per quiet cycle. @defaultValue 1.5 */
  backoffFactor?: number | undefined;
  /**
   * A message stops being polled once it reaches this (or fails): `'LEVERT'` (what the IP's guide calls success) or
   * `'LEST'`. `waitFor(id, { until: 'LEST' })` extends the watch for that message. @defaultValue `'LEVERT'`
   */
  until?: 'LEVERT' | 'LEST' | undefined;
  /**
   * After `LEVERT`, keep watching this long (ms) for a late `FEIL` (print mail can be returned after delivery);
   * `waitFor(..., { until: 'LEVERT' })` then resolves only when the grace period has passed. The end of a grace period
   * settles the message without a request; polling keeps its own interval. @defaultValue 0
   */
  graceMs?: number | undefined;
  /** Where the cursor and pending set are kept between runs. @defaultValue a {@link MemoryTrackerStore} */
  store?: TrackerStore | undefined;
  /**
   * `search` only: read statuses from this time on instead of reading each message's earlier history once with
   * `GET /api/statuses/{messageId}`. Give the time you sent the oldest tracked message to save N requests at start.
   */
  since?: Date | string | undefined;
  /**
   * `search` and `queue`: read each added message's earlier history once per id, so statuses from before the tracker
   * started are not missed. @defaultValue true (for `search`, false for the initial ids when `since` is given)
   */
  backfill?: boolean | undefined;
  /** `search`: statuses per page (1-2000). @defaultValue 1000 */
  pageSize?: number | undefined;
  /** `search`: see {@link StatusFollowerOptions.safetyMarginMs}. @defaultValue 300 000 */
  safetyMarginMs?: number | undefined;
  /** `per-id` and backfill: requests in flight at once (a whole number >= 1). @defaultValue 8 */
  concurrency?: number | undefined;
  /**
   * Cycles that may fail in a row (after the transport's retries) before the tracker gives up (a whole number >= 1).
   * A failed cycle backs off like a quiet one, and waits at least the `Retry-After` of a 429 or 503 (up to
   * `maxPollIntervalMs`). @defaultValue 5
   */
  maxConsecutiveErrors?: number | undefined;
  /**
   * `queue`: statuses read per cycle at most. At the bound the cycle saves, emits `cycle` and the next one follows at
   * once, so a tracker that is behind still saves and reports progress. @defaultValue 200
   */
  queueBatchSize?: number | undefined;
  /** `queue`: time per cycle at most, in ms (checked after each status; see `queueBatchSize`). @defaultValue 10 000 */
  queueCycleMs?: number | undefined;
  /**
   * `queue`: after this many empty cycles while messages are pending, check one pending message by id and warn
   * (event `warning` and `logger`) if it has statuses the queue never delivered. @defaultValue 10
   */
  queueCheckAfter?: number | undefined;
  /**
   * Where the tracker's warnings go (besides the event `warning`). `ip.track()` and `ip.waitForDelivery()` pass the
   * client's `logger`; a tracker given none logs nothing. @defaultValue a logger that drops everything
   */
  logger?: Logger | undefined;
}

/** Options for {@link StatusTracker.waitFor}. @category Tracking */
export interface WaitForOptions {
  /** The status that counts as success. @defaultValue `'LEVERT'` */
  until?: 'LEVERT' | 'LEST' | undefined;
  /** Give up after this long with a {@link DeliveryTimeoutError} (any length; `Infinity` for none). No limit by default. */
  timeoutMs?: number | undefined;
  /** Stops waiting (not tracking); rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/**
 * What a tracker needs of the client: the statuses resource (anything with it, usually an
 * `IntegrasjonspunktClient`).
 * @internal
 */
export interface TrackerClient {
  readonly statuses: StatusesResource;
}
