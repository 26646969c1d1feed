import { setMaxListeners } from 'node:events';
import { EventEmitter } from 'eventemitter3';
import { isApiError } from '../errors.js';
import { after, WakeableSleep } from '../internal/sleep.js';
import type { MessageStatus } from '../models/status.js';
import type { WebhookEvent } from '../models/subscription.js';
import type { StatusesResource } from '../resources/statuses.js';
import type { DeliveryState } from './classify.js';
import { DeliveryFailedError, TrackerStoppedError } from './errors.js';
import type { StatusTrackerEvents, StatusUpdate } from './events.js';
import { isPermanent } from './follower.js';
import { messageIdArg, positiveMs, untilStatus } from './options.js';
import { applyStatus, newRecord, nextGraceEnd, settle, settleWaiters, type Tracked, unbackfilled, waitOn } from './records.js';
import { nextInterval, resolveSettings, type TrackerSettings, waitBeforeNextCycle } from './settings.js';
import { restoreRecords, toSnapshot } from './snapshot.js';
import { MemoryTrackerStore, type TrackerStore } from './store.js';
import { createStrategy, type Strategy, type TrackerCore } from './strategies/index.js';
import { TrackerTelemetry } from './telemetry.js';
import type { TrackerClient, TrackOptions, TrackStrategy, WaitForOptions } from './track-options.js';
import { type UpdateSink, updateStream } from './update-stream.js';

export type { CycleInfo, StatusTrackerEvents, StatusUpdate } from './events.js';
export type { TrackerClient, TrackOptions, TrackStrategy, WaitForOptions } from './track-options.js';

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

  readonly #options: TrackOptions;
  readonly #settings: TrackerSettings;
  readonly #store: TrackerStore;
  readonly #strategy: Strategy;
  readonly #records = new Map<string, Tracked>();
  readonly #controller = new AbortController();
  readonly #iterators = new Set<UpdateSink>();
  readonly #sleep = new WakeableSleep();
  readonly #telemetry = new TrackerTelemetry();
  #interval: number;
  #cancelGrace: (() => void) | undefined;
  #stopped = false;
  #failure: unknown;
  #dirty = false;
  #loaded = false;
  #saving: Promise<void> = Promise.resolve();
  #lastCycleRequests = 0;
  #cycles = 0;
  #resolveDone!: () => void;
  #rejectDone!: (error: unknown) => void;

  /** @internal Use `ip.track()`. */
  constructor(client: TrackerClient, messageIds: readonly string[] = [], options: TrackOptions = {}) {
    super();
    this.#options = options;
    // Every request in flight listens to this signal (`concurrency` of them at once): not a leak.
    setMaxListeners(0, this.#controller.signal);
    this.#settings = resolveSettings(options, messageIds);
    this.strategy = this.#settings.strategy;
    this.#interval = this.#settings.baseInterval;
    this.#store = options.store ?? new MemoryTrackerStore();
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    this.done.catch(() => {}); // observed through waitFor/for await as well; never an unhandled rejection
    const backfillInitial = options.backfill ?? !(this.strategy === 'search' && options.since !== undefined);
    for (const id of messageIds) this.#addRecord(id, backfillInitial);
    this.#strategy = createStrategy(this.#core(client.statuses), this.#settings, options);
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
    this.#interval = this.#settings.baseInterval;
    this.#sleep.wake();
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
    return waitOn(record, messageId, until, options, () => {
      if (until === 'LEST' && record.until === 'LEVERT') {
        record.until = 'LEST';
        if (record.settled && record.state === 'delivered') {
          record.settled = false;
          this.notify();
        }
      }
      settleWaiters(messageId, record, this.#settings.graceMs);
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
    yield* updateStream(this.#iterators, this.#stopped ? { error: this.#failure } : undefined);
  }

  // ---- the loop ---------------------------------------------------------------------------------------------

  /** What the strategy may use of this tracker. */
  #core(statuses: StatusesResource): TrackerCore {
    return {
      statuses,
      concurrency: this.#settings.concurrency,
      pending: () => this.pending,
      unbackfilled: () => unbackfilled(this.#records),
      markBackfilled: (id) => {
        const r = this.#records.get(id);
        if (r) {
          r.backfilled = true;
          this.#dirty = true;
        }
      },
      process: (status) => this.#process(status),
      stopped: () => this.#stopped,
      markDirty: () => {
        this.#dirty = true;
      },
      save: () => this.#save(),
      warn: (message) => {
        this.#settings.logger.warn(message);
        this.emit('warning', message);
      },
    };
  }

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
        await (this.#stopped ? this.#sleep.reset() : this.#sleep.sleep(Number.POSITIVE_INFINITY));
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
        if (isPermanent(error) || failures >= this.#settings.maxErrors) {
          this.#finish(error, true);
          break;
        }
        if (isApiError(error)) retryAfter = error.retryAfterMs ?? 0;
      }
      this.#checkGrace();
      await this.#save().catch((error: unknown) => this.emit('error', error));
      if (this.#stopped) break;
      this.#scheduleGrace();
      this.#interval = nextInterval(this.#settings, this.#interval, changed);
      const wait = waitBeforeNextCycle(this.#settings, this.#interval, retryAfter, behind);
      this.emit('cycle', { requests: this.#lastCycleRequests, changed, nextPollMs: wait });
      await (this.#stopped ? this.#sleep.reset() : this.#sleep.sleep(wait));
    }
  }

  async #cycle(): Promise<{ changed: boolean; behind: boolean }> {
    const options = { signal: this.#controller.signal, timeoutMs: this.#options.timeoutMs };
    const counter = { requests: 0 };
    try {
      return await this.#telemetry.cycle(this.#strategy, { options, counter }, this.strategy, () => this.pending.length);
    } finally {
      this.#lastCycleRequests = counter.requests;
      this.#cycles += 1;
    }
  }

  // ---- status handling --------------------------------------------------------------------------------------

  /** Applies one status; true when it was new for a tracked message. */
  #process(status: MessageStatus): boolean {
    const id = status.messageId;
    if (id === undefined) return false;
    const r = this.#records.get(id);
    if (!r) return false;
    const applied = applyStatus(id, r, status);
    if (!applied) return false;
    this.#dirty = true;
    const { update, before } = applied;
    this.#telemetry.status(update, before);
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
    if (settle(id, r, this.#settings.graceMs)) this.#dirty = true;
    return true;
  }

  #checkGrace(): void {
    for (const [id, r] of this.#records) {
      if (r.state === 'delivered' && settle(id, r, this.#settings.graceMs)) this.#dirty = true;
    }
  }

  /**
   * Arms one timer for the earliest grace period still running that someone waits for. It settles locally, without
   * a request: the poll keeps its interval.
   */
  #scheduleGrace(): void {
    this.#cancelGrace?.();
    this.#cancelGrace = undefined;
    if (this.#stopped) return;
    this.#cancelGrace = after(nextGraceEnd(this.#records.values(), this.#settings.graceMs), () => {
      this.#cancelGrace = undefined;
      this.#checkGrace();
      this.#save().catch((error: unknown) => this.emit('error', error));
      this.#scheduleGrace();
    });
  }

  #addRecord(id: string, backfill: boolean): void {
    this.#records.set(id, newRecord(this.#settings.until, this.strategy === 'per-id' || !backfill));
    this.#dirty = true;
  }

  // ---- lifecycle, persistence -------------------------------------------------------------------------------

  async #load(): Promise<void> {
    const snapshot = await this.#store.load();
    this.#loaded = true;
    if (!snapshot) return;
    if (restoreRecords(this.#records, snapshot)) this.#dirty = true;
    if (snapshot.cursor && this.strategy === 'search') this.#strategy.restore(snapshot.cursor);
    for (const [id, r] of this.#records) settleWaiters(id, r, this.#settings.graceMs);
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
    try {
      await this.#store.save(toSnapshot(this.#records, this.#strategy.cursor, this.#strategy.queueDeleting));
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
    this.#sleep.interrupt();
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
export function createTracker(client: TrackerClient, messageIds?: readonly string[], options?: TrackOptions): StatusTracker {
  return new StatusTracker(client, messageIds, options);
}
