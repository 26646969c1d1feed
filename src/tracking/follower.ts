import { isApiError, RequestValidationError } from '../errors.js';
import type { MessageStatus } from '../models/status.js';
import type { ContinuablePage } from '../pagination.js';
import type { StatusesResource } from '../resources/statuses.js';
import type { RequestOptions } from '../transport/http.js';
import { nonNegativeMs, wholeNumber } from './options.js';

/** The upper end of the date window: the IP applies a range only when both ends are given. */
const FAR_FUTURE = '9999-12-31T23:59:59Z';

/**
 * Where a {@link StatusFollower} starts when it has no saved position.
 * - `'now'`: only statuses registered after the first {@link StatusFollower.poll} (the default).
 * - `'beginning'`: every status the IP still has, oldest first.
 * - a `Date` or ISO-8601 string: statuses whose `lastUpdate` is at or after that time.
 * @category Tracking
 */
export type FollowerStart = 'now' | 'beginning' | Date | string;

/**
 * The persistable position of a {@link StatusFollower}: plain JSON, safe to `JSON.stringify` and hand back as
 * {@link StatusFollowerOptions.state} after a restart.
 * @category Tracking
 */
export interface StatusFollowerState {
  /** Format version. */
  version: 1;
  /** Lower bound of the window in epoch ms (the start time, or 0). */
  since: number;
  /** Newest `lastUpdate` seen, in epoch ms; `null` before the first status. */
  newest: number | null;
  /** Status ids already reported whose `lastUpdate` is still inside the window, as `[id, lastUpdateMs]`. */
  seen: [number, number][];
  /** False until the first poll has fixed the start position (for `start: 'now'`). */
  initialized: boolean;
}

/**
 * Options for {@link StatusFollower}.
 * @category Tracking
 */
export interface StatusFollowerOptions {
  /** Where to start when no `state` is given. @defaultValue `'now'` */
  start?: FollowerStart | undefined;
  /** A position saved from {@link StatusFollower.state}; wins over `start`. */
  state?: StatusFollowerState | undefined;
  /** Statuses per page (1-2000, the IP caps at 2000). @defaultValue 1000 */
  pageSize?: number | undefined;
  /**
   * How far before the newest seen `lastUpdate` each poll looks again, in ms, to catch statuses that were stored
   * with an earlier time but became visible later (a slow transaction, a DPI receipt carrying the transport's
   * timestamp). A wider margin costs memory (the ids inside it are remembered), not requests.
   * @defaultValue 300 000 (5 minutes)
   */
  safetyMarginMs?: number | undefined;
}

/** What one {@link StatusFollower.poll} did. @category Tracking */
export interface FollowerPollStats {
  /** HTTP requests made by this poll. */
  requests: number;
  /** New statuses found. */
  found: number;
}

/**
 * Follows every status on an IP (both directions, all messages) with `GET /api/statuses`, yielding each status
 * once and in id order, with a position you can persist. The building block behind the `search` strategy of
 * {@link StatusTracker}, and reusable on its own (the RabbitMQ connector follows all statuses with it).
 *
 * @remarks
 * The IP's status search has no "id greater than" filter: only an exact `id`, an inclusive `fromDateTime`/`toDateTime`
 * range on `lastUpdate`, sorting and paging (`MessageStatusController`, `MessageStatusQueryInput`). The cursor is
 * therefore a time window plus the ids already seen inside it:
 *
 * - The window is `[max(since, newest - safetyMarginMs), 9999-12-31]`, where `newest` is the newest `lastUpdate`
 *   seen; every status inside the window that is not in the remembered `seen` set is new. Ids leave `seen` when
 *   they fall out of the window, so memory is bounded by the statuses of the last `safetyMarginMs`.
 * - Each poll first asks for one status (`size=1`, `sort=id,desc`) to learn the window's `totalElements` and its
 *   highest id. When the total equals the number of remembered ids and the highest id is known, nothing is new:
 *   one small request per quiet poll, however many messages are pending.
 * - Otherwise it reads pages (`sort=id,desc`, `pageSize`) from the top until it has found
 *   `totalElements - seen` new statuses. New statuses have the highest ids (the id is a database sequence), so a
 *   burst of N new statuses costs `ceil(N / pageSize) + 1` requests. A status inserted while paging pushes the
 *   others down (never up), so nothing is skipped; it is seen twice at most and reported once. A status that commits
 *   late with a lower id sits deeper and is found because the count is not yet complete.
 * - When the total is smaller than the remembered set, statuses were deleted (`DELETE /api/conversations/...`
 *   cascades): the poll reads the whole window and rebuilds `seen` from what is there.
 *
 * Limits: a status whose `lastUpdate` is older than `newest - safetyMarginMs` when it first becomes visible is
 * missed (widen the margin if your transports stamp old times), and a poll in which exactly as many statuses are
 * deleted as new ones arrive, none of them with the highest id, can miss those until the next change. The IP
 * clock, not yours, defines the window, so clock skew between you and the IP does not matter.
 *
 * Statuses are returned in ascending id order within one poll; a late commit can appear in a later poll with a
 * lower id than statuses already returned. Delivery is at least once across restarts: save {@link state} after
 * you have handled what {@link poll} returned.
 *
 * @example
 * ```ts
 * import { IntegrasjonspunktClient, StatusFollower } from 'eformidling';
 *
 * const ip = new IntegrasjonspunktClient({ baseUrl: 'https://localhost:9093' });
 * const follower = new StatusFollower(ip, { state: await loadJson('cursor.json'), start: 'now' });
 * for (;;) {
 *   for (const status of await follower.poll()) await publish(status);
 *   await saveJson('cursor.json', follower.state);
 *   await sleep(5_000);
 * }
 * ```
 * @category Tracking
 */
export class StatusFollower {
  readonly #statuses: StatusesResource;
  readonly #pageSize: number;
  readonly #marginMs: number;
  #since: number;
  #newest: number | null;
  #seen: Map<number, number>;
  #initialized: boolean;
  #lastPoll: FollowerPollStats = { requests: 0, found: 0 };
  #totalRequests = 0;

  /**
   * @param client - anything with the `statuses` resource, usually an {@link IntegrasjonspunktClient}.
   * @param options - start position, saved state, page size and safety margin.
   */
  constructor(client: { readonly statuses: StatusesResource }, options: StatusFollowerOptions = {}) {
    this.#statuses = client.statuses;
    this.#pageSize = wholeNumber(options.pageSize ?? 1000, 'pageSize', 1, 2000);
    this.#marginMs = nonNegativeMs(options.safetyMarginMs ?? 300_000, 'safetyMarginMs');
    const state = options.state;
    if (state !== undefined) {
      if (state?.version !== 1 || !Array.isArray(state.seen)) {
        throw new RequestValidationError('state', 'is not a StatusFollower state (version 1)');
      }
      this.#since = state.since;
      this.#newest = state.newest;
      this.#seen = new Map(state.seen);
      this.#initialized = state.initialized;
      return;
    }
    const start = options.start ?? 'now';
    this.#newest = null;
    this.#seen = new Map();
    if (start === 'now') {
      this.#since = 0;
      this.#initialized = false;
    } else {
      this.#since = start === 'beginning' ? 0 : toMs(start, 'start', true);
      this.#initialized = true;
    }
  }

  /** The current position, to persist and pass back as {@link StatusFollowerOptions.state}. */
  get state(): StatusFollowerState {
    return {
      version: 1,
      since: this.#since,
      newest: this.#newest,
      seen: [...this.#seen],
      initialized: this.#initialized,
    };
  }

  /** Requests and findings of the last {@link poll}, plus the running request total. */
  get stats(): FollowerPollStats & { totalRequests: number } {
    return { ...this.#lastPoll, totalRequests: this.#totalRequests };
  }

  /**
   * Reads the statuses that are new since the last poll (or since the start) and advances the position.
   * With `start: 'now'` the first poll only fixes the position and returns nothing.
   * @param options - `signal` and `timeoutMs` for the requests.
   * @returns new statuses, ascending by id.
   * @throws the transport's errors ({@link ApiError}, {@link ConnectionError}); the position is then unchanged.
   */
  async poll(options: RequestOptions = {}): Promise<MessageStatus[]> {
    const stats: FollowerPollStats = { requests: 0, found: 0 };
    try {
      if (!this.#initialized) {
        await this.#initialize(options, stats);
        return [];
      }
      const found = await this.#read(options, stats);
      stats.found = found.length;
      return found;
    } finally {
      this.#lastPoll = stats;
      this.#totalRequests += stats.requests;
    }
  }

  #window(): { fromDateTime: string; toDateTime: string } {
    const from = this.#newest === null ? this.#since : Math.max(this.#since, this.#newest - this.#marginMs);
    return { fromDateTime: new Date(from).toISOString(), toDateTime: FAR_FUTURE };
  }

  async #initialize(options: RequestOptions, stats: FollowerPollStats): Promise<void> {
    // The newest status on the IP fixes the window; everything inside it already exists and is marked as seen.
    const top = await this.#page({ sort: 'id,desc', pageSize: 1 }, 0, options, stats);
    const newest = top.content[0];
    if (newest !== undefined) {
      this.#newest = toMs(newest.lastUpdate, 'lastUpdate');
      this.#advance(await this.#scan(options, stats, Number.POSITIVE_INFINITY));
    }
    this.#initialized = true;
  }

  async #read(options: RequestOptions, stats: FollowerPollStats): Promise<MessageStatus[]> {
    const probe = await this.#page({ ...this.#window(), sort: 'id,desc', pageSize: 1 }, 0, options, stats);
    const total = probe.totalElements;
    const top = probe.content[0];
    if (top === undefined) {
      // The window is empty: whatever we remembered was deleted.
      this.#seen.clear();
      return [];
    }
    let fresh: MessageStatus[];
    if (total === undefined || total < this.#seen.size) {
      // Deletions (or an IP that does not count): read everything and rebuild the seen set from what exists.
      const all = await this.#scan(options, stats, Number.POSITIVE_INFINITY, true);
      const present = new Set(all.map((s) => s.id));
      for (const id of [...this.#seen.keys()]) if (!present.has(id)) this.#seen.delete(id);
      fresh = all.filter((s) => !this.#seen.has(s.id));
    } else if (total === this.#seen.size && this.#seen.has(top.id)) {
      return [];
    } else {
      fresh = await this.#scan(options, stats, Math.max(1, total - this.#seen.size));
    }
    fresh.sort((a, b) => a.id - b.id);
    this.#advance(fresh);
    return fresh;
  }

  /** Reads the window from the highest id down until `wanted` unseen statuses were found or the last page. */
  async #scan(options: RequestOptions, stats: FollowerPollStats, wanted: number, includeSeen = false): Promise<MessageStatus[]> {
    const found = new Map<number, MessageStatus>();
    const window = this.#window();
    for (let page = 0; ; page += 1) {
      const result = await this.#page({ ...window, sort: 'id,desc', pageSize: this.#pageSize }, page, options, stats);
      for (const s of result.content) if (includeSeen || !this.#seen.has(s.id)) found.set(s.id, s);
      if (result.last || result.content.length === 0 || found.size >= wanted) break;
    }
    return [...found.values()];
  }

  /** Records new statuses, moves the window and forgets ids that fell out of it. */
  #advance(fresh: readonly MessageStatus[]): void {
    for (const s of fresh) {
      const at = toMs(s.lastUpdate, 'lastUpdate');
      this.#seen.set(s.id, at);
      if (this.#newest === null || at > this.#newest) this.#newest = at;
    }
    if (this.#newest === null) return;
    const from = Math.max(this.#since, this.#newest - this.#marginMs);
    for (const [id, at] of this.#seen) if (at < from) this.#seen.delete(id);
  }

  async #page(
    query: { fromDateTime?: string; toDateTime?: string; sort: string; pageSize: number },
    page: number,
    options: RequestOptions,
    stats: FollowerPollStats,
  ) {
    const { pageSize, ...filter } = query;
    const pages = this.#statuses.list({ ...filter, pageSize }, options).byPage({
      pageSize,
      continuationToken: page === 0 ? undefined : String(page),
    });
    stats.requests += 1;
    try {
      // byPage always yields its first page (or throws).
      return (await pages.next()).value as ContinuablePage<MessageStatus>;
    } finally {
      await pages.return?.(undefined);
    }
  }
}

/**
 * Creates a {@link StatusFollower}: a cursor over every status on the IP.
 * @param client - an {@link IntegrasjonspunktClient} (or anything with its `statuses` resource).
 * @param options - start position, saved state, page size, safety margin.
 * @example
 * ```ts
 * const follower = createStatusFollower(ip, { start: 'beginning', pageSize: 2000 });
 * const batch = await follower.poll();
 * ```
 * @category Tracking
 */
export function createStatusFollower(client: { readonly statuses: StatusesResource }, options?: StatusFollowerOptions): StatusFollower {
  return new StatusFollower(client, options);
}

/** Epoch ms of a date-time; `option` marks a caller's argument (a {@link RequestValidationError}). */
function toMs(value: string | Date, field: string, option = false): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    const message = `is not a valid date-time: ${String(value)}`;
    throw option ? new RequestValidationError(field, message) : new RangeError(`${field} ${message}`);
  }
  return ms;
}

/** True for an ApiError the IP will answer the same way again (not worth polling on). @internal */
export function isPermanent(error: unknown): boolean {
  return isApiError(error) && error.status >= 400 && error.status < 500 && ![408, 429].includes(error.status);
}
