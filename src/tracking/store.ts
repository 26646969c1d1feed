import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import type { MessageStatus } from '../models/status.js';
import type { DeliveryState } from './classify.js';
import type { StatusFollowerState } from './follower.js';

/**
 * One tracked message as a {@link TrackerStore} keeps it.
 * @category Tracking
 */
export interface StoredMessage {
  /** Statuses seen so far, ascending by id (their ids are the deduplication keys). */
  history: MessageStatus[];
  /** Where the message stands. */
  state: DeliveryState;
  /** When the tracker first saw it delivered (epoch ms), for the grace period. */
  deliveredAt?: number | undefined;
  /** The status the message is watched until. */
  until: 'LEVERT' | 'LEST';
  /** True once it needs no more polling. */
  settled: boolean;
  /** True once its earlier history was read (search and queue strategies). */
  backfilled: boolean;
}

/**
 * Everything a {@link StatusTracker} needs to resume after a restart without missing or repeating a status.
 * @category Tracking
 */
export interface TrackerSnapshot {
  version: 1;
  /** The `search` strategy's cursor. */
  cursor?: StatusFollowerState | undefined;
  /** Tracked messages by messageId. */
  messages: Record<string, StoredMessage>;
}

/**
 * Where a tracker keeps its cursor and pending set. Implement it over your database to share nothing but a row;
 * `save` is never called twice at the same time by one tracker.
 * @category Tracking
 */
export interface TrackerStore {
  /** The last saved snapshot, or `undefined` when there is none. */
  load(): Promise<TrackerSnapshot | undefined>;
  /** Replaces the saved snapshot. */
  save(snapshot: TrackerSnapshot): Promise<void>;
}

/**
 * Keeps the snapshot in memory (the default): survives stopping and re-creating a tracker in one process.
 * @category Tracking
 */
export class MemoryTrackerStore implements TrackerStore {
  #json: string | undefined;

  async load(): Promise<TrackerSnapshot | undefined> {
    return this.#json === undefined ? undefined : (JSON.parse(this.#json) as TrackerSnapshot);
  }

  async save(snapshot: TrackerSnapshot): Promise<void> {
    this.#json = JSON.stringify(snapshot);
  }
}

/**
 * Keeps the snapshot in a JSON file. Writes are atomic (a temporary file in the same directory, flushed, then
 * renamed over the old one), so a crash leaves either the old or the new snapshot, never half a file.
 * @example
 * ```ts
 * const tracker = ip.track(ids, { strategy: 'search', store: new JsonFileTrackerStore('./tracker.json') });
 * ```
 * @category Tracking
 */
export class JsonFileTrackerStore implements TrackerStore {
  /** The file's path. */
  readonly path: string;

  /** @param path - the JSON file; its directory must exist. */
  constructor(path: string) {
    if (typeof path !== 'string' || path === '') throw new TypeError('path is required');
    this.path = path;
  }

  async load(): Promise<TrackerSnapshot | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const snapshot = JSON.parse(text) as TrackerSnapshot;
    if (snapshot?.version !== 1 || typeof snapshot.messages !== 'object') {
      throw new TypeError(`${this.path} is not a tracker snapshot`);
    }
    return snapshot;
  }

  async save(snapshot: TrackerSnapshot): Promise<void> {
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(JSON.stringify(snapshot));
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(tmp, { force: true });
      throw error;
    }
    await handle.close();
    try {
      await rename(tmp, this.path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }
}
