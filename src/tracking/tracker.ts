import { setMaxListeners } from 'node:events';
import { EventEmitter } from 'eventemitter3';
import type { IntegrasjonspunktClient } from '../client.js';
import { isApiError, RequestValidationError } from '../errors.js';
import type { MessageStatus } from '../models/status.js';
import type { WebhookEvent } from '../models/subscription.js';
import type { RequestOptions } from '../transport/http.js';
import { classifyStatus, type DeliveryState, nextState, type StatusKind } from './classify.js';
import { DeliveryFailedError, DeliveryTimeoutError, TrackerStoppedError } from './errors.js';
import { isPermanent, StatusFollower } from './follower.js';
import { messageIdArg, nonNegativeMs, positiveMs, untilStatus, wholeNumber } from './options.js';
import { drainQueue } from './queue.js';
import { MemoryTrackerStore, type StoredMessage, type TrackerSnapshot, type TrackerStore } from './store.js';
import { after } from './timers.js';

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
   * (event `warning` and the client's logger) if it has statuses the queue never delivered. @defaultValue 10
   */
  queueCheckAfter?: number | undefined;
}

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

/** Options for {@link StatusTracker.waitFor}. @category Tracking */
export interface WaitForOptions {
  /** The status that counts as success. @defaultValue `'LEVERT'` */
  until?: 'LEVERT' | 'LEST' | undefined;
  /** Give up after this long with a {@link DeliveryTimeoutError} (any length; `Infinity` for none). No limit by default. */
  timeoutMs?: number | undefined;
  /** Stops waiting (not tracking); rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

interface Waiter {
  until: 'LEVERT' | 'LEST';
  resolve(history: MessageStatus[]): void;
  reject(error: unknown): void;
}

interface Tracked extends StoredMessage {
  seen: Set<number>;
  waiters: Waiter[];
}

/**
 * Follows the statuses of outgoing (or incoming) messages until they are delivered, read or failed. Create one
 * with `ip.track(messageIds, options)`.
 *
 * @remarks
 * Polling is adaptive: after a cycle without news the interval grows by `backoffFactor` up to `maxPollIntervalMs`,
 * and it returns to `pollIntervalMs` as soon as something changes. Two cycles never start less than
 * `pollIntervalMs` apart, whatever the options (a grace period ends without a request; a failed cycle waits at least
 * the IP's `Retry-After`); the exceptions are {@link notify} (e.g. from {@link createWebhookHandler}), which polls at
 * once (webhooks are a supplement, the IP does not retry them, so the tracker keeps polling), and a `queue` cycle
 * that stopped at its bound with statuses left. Nothing is requested while nothing is pending.
 *
 * With a {@link TrackerStore}, the cursor, the pending set and each message's seen status ids are saved after
 * every cycle that changed something and on {@link stop}, so a restart neither misses nor repeats a status (a
 * crash between reporting and saving repeats that cycle's statuses: at least once). The `queue` strategy saves
 * before the first DELETE of a cycle, marking the snapshot so that a tracker loading it reads its pending messages
 * once by id: a crash in the middle of a queue cycle too can only repeat statuses, never lose one. A failed save is
 * retried with the next one.
 *
 * @example
 * ```ts
 * const tracker = ip.track([messageId], { strategy: 'search', pollIntervalMs: 5_000 });
 * tracker.on('status', (u) => console.log(u.messageId, u.status.status));
 * tracker.on('failed', (u, error) => console.error(error.message));
 * const history = await tracker.waitFor(messageId, { until: 'LEVERT', timeoutMs: 3_600_000 });
 * await tracker.stop();
 * ```
 * @category Tracking
 */
export class StatusTracker extends EventEmitter<StatusTrackerEvents> {
  /** The strategy in use. */
  readonly strategy: TrackStrategy;
  /** Resolves when the tracker has stopped; rejects with the error that stopped it. */
  readonly done: Promise<void>;

  readonly #client: IntegrasjonspunktClient;
  readonly #options: TrackOptions;
  readonly #store: TrackerStore;
  readonly #records = new Map<string, Tracked>();
  readonly #baseInterval: number;
  readonly #maxInterval: number;
  readonly #factor: number;
  readonly #graceMs: number;
  readonly #until: 'LEVERT' | 'LEST';
  readonly #concurrency: number;
  readonly #maxErrors: number;
  readonly #queueCheckAfter: number;
  readonly #queueLimit: { statuses: number; ms: number };
  readonly #controller = new AbortController();
  readonly #iterators = new Set<{ push(u: StatusUpdate): void; end(error?: unknown): void }>();
  #follower: StatusFollower | undefined;
  #interval: number;
  #wake: (() => void) | undefined;
  #cancelGrace: (() => void) | undefined;
  #woken = false;
  #stopped = false;
  #failure: unknown;
  #dirty = false;
  #loaded = false;
  #saving: Promise<void> = Promise.resolve();
  #emptyQueueCycles = 0;
  /** True while the queue strategy may delete entries it has not saved yet (written into every snapshot). */
  #queueDeleting = false;
  #queueCheckIndex = 0;
  #queueWarned = false;
  #lastCycleRequests = 0;
  #cycles = 0;
  #resolveDone!: () => void;
  #rejectDone!: (error: unknown) => void;

  /** @internal Use `ip.track()`. */
  constructor(client: IntegrasjonspunktClient, messageIds: readonly string[] = [], options: TrackOptions = {}) {
    super();
    this.#client = client;
    this.#options = options;
    // Every request in flight listens to this signal (`concurrency` of them at once): not a leak.
    setMaxListeners(0, this.#controller.signal);
    this.strategy = options.strategy ?? 'search';
    if (!['per-id', 'search', 'queue'].includes(this.strategy)) {
      throw new RequestValidationError('strategy', `must be 'per-id', 'search' or 'queue', not '${String(this.strategy)}'`);
    }
    this.#baseInterval = positiveMs(options.pollIntervalMs ?? 5000, 'pollIntervalMs');
    this.#maxInterval = Math.max(this.#baseInterval, positiveMs(options.maxPollIntervalMs ?? 60_000, 'maxPollIntervalMs'));
    this.#factor = options.backoffFactor ?? 1.5;
    if (typeof this.#factor !== 'number' || !(this.#factor >= 1) || !Number.isFinite(this.#factor)) {
      throw new RequestValidationError('backoffFactor', `must be a number >= 1, not ${String(this.#factor)}`);
    }
    this.#graceMs = nonNegativeMs(options.graceMs ?? 0, 'graceMs');
    this.#until = untilStatus(options.until ?? 'LEVERT', 'until');
    this.#concurrency = wholeNumber(options.concurrency ?? 8, 'concurrency', 1);
    this.#maxErrors = wholeNumber(options.maxConsecutiveErrors ?? 5, 'maxConsecutiveErrors', 1);
    this.#queueCheckAfter = wholeNumber(options.queueCheckAfter ?? 10, 'queueCheckAfter', 1);
    this.#queueLimit = {
      statuses: wholeNumber(options.queueBatchSize ?? 200, 'queueBatchSize', 1),
      ms: positiveMs(options.queueCycleMs ?? 10_000, 'queueCycleMs'),
    };
    if (!Array.isArray(messageIds)) throw new RequestValidationError('messageIds', 'must be an array of message ids');
    for (const [i, id] of messageIds.entries()) messageIdArg(id, `messageIds[${i}]`);
    this.#interval = this.#baseInterval;
    this.#store = options.store ?? new MemoryTrackerStore();
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    this.done.catch(() => {}); // observed through waitFor/for await as well; never an unhandled rejection
    const backfillInitial = options.backfill ?? !(this.strategy === 'search' && options.since !== undefined);
    for (const id of messageIds) this.#addRecord(id, backfillInitial);
    if (this.strategy === 'search') {
      this.#follower = new StatusFollower(client, {
        start: options.since ?? 'now',
        pageSize: options.pageSize,
        safetyMarginMs: options.safetyMarginMs,
      });
    }
    const signal = options.signal;
    if (signal?.aborted) {
      queueMicrotask(() => this.#finish(signal.reason, true));
    } else {
      signal?.addEventListener('abort', () => this.#finish(signal.reason, true), { once: true });
      void this.#run();
    }
  }

  /** Message ids still being polled. */
  get pending(): string[] {
    return [...this.#records].filter(([, r]) => !r.settled).map(([id]) => id);
  }

  /** Requests made by the last cycle, and cycles run so far. */
  get stats(): { lastCycleRequests: number; cycles: number; pollIntervalMs: number } {
    return { lastCycleRequests: this.#lastCycleRequests, cycles: this.#cycles, pollIntervalMs: this.#interval };
  }

  /** The current state of a message, or `undefined` when it is not tracked. */
  get(messageId: string): { state: DeliveryState; settled: boolean; history: readonly MessageStatus[] } | undefined {
    const r = this.#records.get(messageId);
    return r && { state: r.state, settled: r.settled, history: [...r.history] };
  }

  /**
   * Starts tracking a message (no-op when it is already tracked). With `search` and `queue`, its earlier history is
   * read once by id.
   */
  add(messageId: string): this {
    messageIdArg(messageId, 'messageId');
    if (!this.#records.has(messageId)) {
      this.#addRecord(messageId, this.#options.backfill ?? true);
      this.notify();
    }
    return this;
  }

  /** Stops tracking a message; its pending `waitFor` calls reject with {@link TrackerStoppedError}. */
  remove(messageId: string): boolean {
    const r = this.#records.get(messageId);
    if (!r) return false;
    this.#records.delete(messageId);
    this.#dirty = true;
    for (const w of r.waiters.splice(0)) w.reject(new TrackerStoppedError(`message ${messageId} is no longer tracked`));
    return true;
  }

  /**
   * Polls at once (and resets the back-off). Pass a webhook event to ignore events for messages this tracker does
   * not follow; without an argument it always polls.
   * @returns true when a cycle was triggered.
   */
  notify(event?: WebhookEvent | { messageId?: string | undefined }): boolean {
    if (this.#stopped) return false;
    if (event !== undefined) {
      if ('event' in event && event.event === 'ping') return false;
      const id = 'messageId' in event ? event.messageId : undefined;
      if (id !== undefined && !(this.#records.has(id) && !this.#records.get(id)?.settled)) return false;
    }
    this.#interval = this.#baseInterval;
    this.#woken = true;
    this.#wake?.();
    return true;
  }

  /**
   * Waits until a message is delivered (or read), tracking it if it is not tracked yet.
   * @param messageId - the message to wait for.
   * @param options - `until` (`'LEVERT'` or `'LEST'`), `timeoutMs`, `signal`.
   * @returns the status history, ascending by id.
   * @throws {@link DeliveryFailedError} on `FEIL` / `LEVETID_UTLOPT`; {@link DeliveryTimeoutError} after `timeoutMs`;
   * {@link TrackerStoppedError} when the tracker stops; the error that stopped the tracker.
   */
  waitFor(messageId: string, options: WaitForOptions = {}): Promise<MessageStatus[]> {
    let until: 'LEVERT' | 'LEST';
    try {
      messageIdArg(messageId, 'messageId');
      until = untilStatus(options.until ?? 'LEVERT', 'until');
      if (options.timeoutMs !== undefined) positiveMs(options.timeoutMs, 'timeoutMs', true);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#stopped) return Promise.reject(this.#failure ?? new TrackerStoppedError('the tracker is stopped'));
    this.add(messageId);
    const record = this.#records.get(messageId) as Tracked;
    return new Promise<MessageStatus[]>((resolve, reject) => {
      let cancelTimer: (() => void) | undefined;
      const signal = options.signal;
      const cleanup = () => {
        cancelTimer?.();
        signal?.removeEventListener('abort', onAbort);
        const i = record.waiters.indexOf(waiter);
        if (i >= 0) record.waiters.splice(i, 1);
      };
      const waiter: Waiter = {
        until,
        resolve: (h) => {
          cleanup();
          resolve(h);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
      const onAbort = () => waiter.reject(signal?.reason);
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs !== undefined) {
        const timeoutMs = options.timeoutMs;
        cancelTimer = after(timeoutMs, () => waiter.reject(new DeliveryTimeoutError(messageId, timeoutMs, [...record.history])));
      }
      record.waiters.push(waiter);
      if (until === 'LEST' && record.until === 'LEVERT') {
        record.until = 'LEST';
        if (record.settled && record.state === 'delivered') {
          record.settled = false;
          this.notify();
        }
      }
      this.#settleWaiters(messageId, record);
      this.#scheduleGrace();
    });
  }

  /**
   * Stops polling (aborting a request in flight), saves the state, and rejects pending `waitFor` calls with
   * {@link TrackerStoppedError}. Nothing on the IP is touched.
   */
  async stop(): Promise<void> {
    this.#finish(undefined, false);
    await this.done.catch(() => {});
  }

  /** Iterates over status updates as they are found; ends on {@link stop}, throws the error that stopped the tracker. */
  async *[Symbol.asyncIterator](): AsyncGenerator<StatusUpdate, void, undefined> {
    const buffer: StatusUpdate[] = [];
    let ended = false;
    let error: unknown;
    let notify: (() => void) | undefined;
    const it = {
      push: (u: StatusUpdate) => {
        buffer.push(u);
        notify?.();
      },
      end: (e?: unknown) => {
        ended = true;
        error = e;
        notify?.();
      },
    };
    if (this.#stopped) it.end(this.#failure);
    else this.#iterators.add(it);
    try {
      while (true) {
        const next = buffer.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (ended) {
          if (error !== undefined) throw error;
          return;
        }
        await new Promise<void>((resolve) => {
          notify = resolve;
        });
        notify = undefined;
      }
    } finally {
      this.#iterators.delete(it);
    }
  }

  // ---- the loop ---------------------------------------------------------------------------------------------

  async #run(): Promise<void> {
    try {
      await this.#load();
    } catch (error) {
      this.emit('error', error);
      this.#finish(error, true);
      return;
    }
    let failures = 0;
    while (!this.#stopped) {
      if (this.pending.length === 0) {
        await this.#sleep(Number.POSITIVE_INFINITY);
        continue;
      }
      let changed = false;
      let behind = false;
      let retryAfter = 0;
      try {
        ({ changed, behind } = await this.#cycle());
        failures = 0;
      } catch (error) {
        if (this.#stopped) break;
        failures += 1;
        this.emit('error', error);
        if (isPermanent(error) || failures >= this.#maxErrors) {
          this.#finish(error, true);
          break;
        }
        if (isApiError(error)) retryAfter = error.retryAfterMs ?? 0;
      }
      this.#checkGrace();
      try {
        await this.#save();
      } catch (error) {
        this.emit('error', error);
      }
      if (this.#stopped) break;
      this.#scheduleGrace();
      this.#interval = changed ? this.#baseInterval : Math.min(this.#maxInterval, this.#interval * this.#factor);
      // Never sooner than the interval (a grace period ends without a request, see #scheduleGrace); only a queue
      // cycle cut at its bound goes on at once, as each of its requests returned a status.
      const wait = behind ? 0 : Math.max(this.#interval, Math.min(retryAfter, this.#maxInterval));
      this.emit('cycle', { requests: this.#lastCycleRequests, changed, nextPollMs: wait });
      await this.#sleep(wait);
    }
  }

  async #cycle(): Promise<{ changed: boolean; behind: boolean }> {
    const options = { signal: this.#controller.signal, timeoutMs: this.#options.timeoutMs };
    const counter = { requests: 0 };
    let changed = false;
    let behind = false;
    try {
      if (this.strategy === 'per-id') {
        await this.#eachPending(this.pending, async (id) => {
          if (await this.#readMessage(id, options, counter)) changed = true;
        });
      } else if (this.strategy === 'search') {
        const follower = this.#follower as StatusFollower;
        try {
          for (const s of await follower.poll(options)) if (this.#process(s)) changed = true;
        } finally {
          counter.requests += follower.stats.requests;
        }
        this.#dirty = true; // the cursor moved
        if (await this.#backfill(options, counter)) changed = true;
      } else {
        if (await this.#backfill(options, counter)) changed = true;
        const drained = await this.#drainQueue(options, counter);
        if (drained.changed) changed = true;
        behind = drained.behind;
      }
    } finally {
      this.#lastCycleRequests = counter.requests;
      this.#cycles += 1;
    }
    return { changed, behind };
  }

  async #drainQueue(options: RequestOptions, counter: { requests: number }): Promise<{ changed: boolean; behind: boolean }> {
    const host = {
      statuses: this.#client.statuses,
      process: (status: MessageStatus) => this.#process(status),
      beforeDelete: async () => {
        if (this.#queueDeleting) return;
        this.#queueDeleting = true;
        this.#dirty = true;
        await this.#save();
      },
      stopped: () => this.#stopped,
      warn: (message: string) => this.#warn(message),
    };
    let result: Awaited<ReturnType<typeof drainQueue>>;
    try {
      result = await drainQueue(host, options, counter, this.#queueLimit);
    } finally {
      if (this.#queueDeleting) {
        // Every status deleted so far is in memory: the save after this cycle (or any later one) covers them.
        this.#queueDeleting = false;
        this.#dirty = true;
      }
    }
    const { read, changed: drained, behind } = result;
    let changed = drained;
    if (read > 0 || this.pending.length === 0) {
      this.#emptyQueueCycles = 0;
      return { changed, behind };
    }
    this.#emptyQueueCycles += 1;
    if (this.#emptyQueueCycles >= this.#queueCheckAfter) {
      this.#emptyQueueCycles = 0;
      const pending = this.pending;
      const id = pending[this.#queueCheckIndex++ % pending.length] as string;
      if (await this.#readMessage(id, options, counter)) {
        changed = true;
        if (!this.#queueWarned) {
          this.#queueWarned = true;
          const message =
            `status queue stayed empty for ${this.#queueCheckAfter} cycles while message ${id} got new statuses: ` +
            'is difi.move.feature.statusQueueIncludes set for its service, and is this the only consumer of the queue?';
          this.#warn(message);
        }
      }
    }
    return { changed, behind };
  }

  #warn(message: string): void {
    this.#client.transport.logger.warn(message);
    this.emit('warning', message);
  }

  async #backfill(options: RequestOptions, counter: { requests: number }): Promise<boolean> {
    const todo = [...this.#records].filter(([, r]) => !r.backfilled && !r.settled).map(([id]) => id);
    let changed = false;
    await this.#eachPending(todo, async (id) => {
      if (await this.#readMessage(id, options, counter)) changed = true;
      const r = this.#records.get(id);
      if (r) {
        r.backfilled = true;
        this.#dirty = true;
      }
    });
    return changed;
  }

  async #readMessage(id: string, options: RequestOptions, counter: { requests: number }): Promise<boolean> {
    let changed = false;
    for await (const page of this.#client.statuses.forMessage(id, { ...options, pageSize: 50 }).byPage()) {
      counter.requests += 1;
      for (const s of page.content) if (this.#process({ ...s, messageId: s.messageId ?? id })) changed = true;
    }
    return changed;
  }

  async #eachPending(ids: readonly string[], fn: (id: string) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < ids.length && !this.#stopped) await fn(ids[next++] as string);
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, ids.length) }, worker));
  }

  // ---- status handling --------------------------------------------------------------------------------------

  /** Applies one status; true when it was new for a tracked message. */
  #process(status: MessageStatus): boolean {
    const id = status.messageId;
    if (id === undefined) return false;
    const r = this.#records.get(id);
    if (!r || r.seen.has(status.id)) return false;
    r.seen.add(status.id);
    r.history.push(status);
    r.history.sort((a, b) => a.id - b.id);
    this.#dirty = true;
    const kind = classifyStatus(status.status);
    const before = r.state;
    r.state = nextState(before, kind);
    const update: StatusUpdate = { messageId: id, status, kind, state: r.state, history: [...r.history] };
    this.emit('status', update);
    for (const it of this.#iterators) it.push(update);
    if (r.state !== before) {
      if (before === 'pending' && (r.state === 'delivered' || r.state === 'read')) {
        r.deliveredAt = Date.now();
        this.emit('delivered', update);
      }
      if (r.state === 'read') this.emit('read', update);
      if (r.state === 'failed') {
        const error = new DeliveryFailedError(id, status, update.history);
        this.emit('failed', update, error);
      }
    }
    this.#settle(id, r);
    return true;
  }

  /** Marks a record settled when nothing more is expected, and settles its waiters. */
  #settle(id: string, r: Tracked): void {
    const graceOver = r.deliveredAt !== undefined && Date.now() - r.deliveredAt >= this.#graceMs;
    const settled = r.state === 'failed' || r.state === 'read' || (r.state === 'delivered' && r.until === 'LEVERT' && graceOver);
    if (settled && !r.settled) {
      r.settled = true;
      this.#dirty = true;
    }
    this.#settleWaiters(id, r);
  }

  #settleWaiters(id: string, r: Tracked): void {
    if (r.waiters.length === 0) return;
    const history = [...r.history];
    if (r.state === 'failed') {
      const failing = [...history].reverse().find((s) => classifyStatus(s.status) === 'failed') as MessageStatus;
      const error = new DeliveryFailedError(id, failing, history);
      for (const w of [...r.waiters]) w.reject(error);
      return;
    }
    const graceOver = r.deliveredAt !== undefined && Date.now() - r.deliveredAt >= this.#graceMs;
    for (const w of [...r.waiters]) {
      if (r.state === 'read' || (w.until === 'LEVERT' && r.state === 'delivered' && graceOver)) w.resolve(history);
    }
  }

  #checkGrace(): void {
    for (const [id, r] of this.#records) if (r.state === 'delivered') this.#settle(id, r);
  }

  /**
   * Arms one timer for the earliest grace period still running that someone waits for (a message watched until
   * `LEVERT`, or a `waitFor(..., { until: 'LEVERT' })`). It settles locally, without a request: the poll keeps its
   * interval.
   */
  #scheduleGrace(): void {
    this.#cancelGrace?.();
    this.#cancelGrace = undefined;
    if (this.#stopped) return;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const r of this.#records.values()) {
      if (r.state !== 'delivered' || r.deliveredAt === undefined) continue;
      const end = r.deliveredAt + this.#graceMs;
      const waited = (r.until === 'LEVERT' && !r.settled) || r.waiters.some((w) => w.until === 'LEVERT');
      if (waited && end > now) next = Math.min(next, end - now);
    }
    this.#cancelGrace = after(next, () => {
      this.#cancelGrace = undefined;
      this.#checkGrace();
      this.#save().catch((error: unknown) => this.emit('error', error));
      this.#scheduleGrace();
    });
  }

  #addRecord(id: string, backfill: boolean): void {
    this.#records.set(id, {
      history: [],
      state: 'pending',
      until: this.#until,
      settled: false,
      backfilled: this.strategy === 'per-id' || !backfill,
      seen: new Set(),
      waiters: [],
    });
    this.#dirty = true;
  }

  // ---- lifecycle, persistence -------------------------------------------------------------------------------

  #sleep(ms: number): Promise<void> {
    if (this.#woken || this.#stopped) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const cancel = after(ms, () => done());
      const done = () => {
        cancel();
        this.#wake = undefined;
        this.#woken = false;
        resolve();
      };
      this.#wake = done;
    });
  }

  async #load(): Promise<void> {
    const snapshot = await this.#store.load();
    this.#loaded = true;
    if (!snapshot) return;
    for (const [id, stored] of Object.entries(snapshot.messages)) {
      const current = this.#records.get(id);
      this.#records.set(id, {
        ...stored,
        history: [...stored.history],
        seen: new Set(stored.history.map((s) => s.id)),
        waiters: current?.waiters ?? [],
      });
    }
    if (snapshot.queueDeleting === true) {
      // The last run may have deleted queue entries it had not saved: read every pending message by id once (the
      // status rows stay on the IP; only their queue entries are gone), repeating rather than losing a status.
      for (const r of this.#records.values()) if (!r.settled) r.backfilled = false;
      this.#dirty = true;
    }
    if (snapshot.cursor && this.strategy === 'search') {
      this.#follower = new StatusFollower(this.#client, {
        state: snapshot.cursor,
        pageSize: this.#options.pageSize,
        safetyMarginMs: this.#options.safetyMarginMs,
      });
    }
    for (const [id, r] of this.#records) this.#settleWaiters(id, r);
  }

  /** Saves when something changed; saves never overlap, and nothing is written before the old state was loaded. */
  #save(): Promise<void> {
    const run = this.#saving.then(() => this.#write());
    this.#saving = run.catch(() => {});
    return run;
  }

  async #write(): Promise<void> {
    if (!this.#dirty || !this.#loaded) return;
    this.#dirty = false;
    const messages: Record<string, StoredMessage> = {};
    for (const [id, r] of this.#records) {
      messages[id] = {
        history: r.history,
        state: r.state,
        deliveredAt: r.deliveredAt,
        until: r.until,
        settled: r.settled,
        backfilled: r.backfilled,
      };
    }
    const snapshot: TrackerSnapshot = {
      version: 1,
      cursor: this.#follower?.state,
      ...(this.#queueDeleting ? { queueDeleting: true } : {}),
      messages,
    };
    try {
      await this.#store.save(snapshot);
    } catch (error) {
      this.#dirty = true; // saved again by the next cycle (and before the next queue DELETE)
      throw error;
    }
  }

  #finish(error: unknown, failed: boolean): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#failure = failed ? error : undefined;
    this.#controller.abort(error ?? new TrackerStoppedError('the tracker was stopped'));
    this.#cancelGrace?.();
    this.#wake?.();
    const reason = failed ? error : new TrackerStoppedError('the tracker was stopped');
    for (const r of this.#records.values()) for (const w of r.waiters.splice(0)) w.reject(reason);
    for (const it of this.#iterators) it.end(failed ? error : undefined);
    this.#iterators.clear();
    // Save what we have, then settle `done`.
    void this.#save()
      .catch((e) => this.emit('error', e))
      .finally(() => (failed ? this.#rejectDone(error) : this.#resolveDone()));
  }
}

/** @internal Used by `ip.track()`. */
export function createTracker(client: IntegrasjonspunktClient, messageIds?: readonly string[], options?: TrackOptions): StatusTracker {
  return new StatusTracker(client, messageIds, options);
}
