import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { RequestValidationError } from '../errors.js';
import { atomicTempPath, writeFileAtomic } from '../internal/atomic-write.js';
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
  /**
   * `queue` strategy: true when the tracker may have deleted entries from the IP's status queue after this snapshot
   * (a crash in the middle of a cycle). A tracker that loads it reads its pending messages once by id.
   */
  queueDeleting?: boolean | undefined;
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

/** Temporary files being written by this process (their paths), never removed by a cleanup. */
const writing = new Set<string>();

/** A temporary file older than this is not a write in progress, whoever wrote it. */
const STALE_TEMP_MS = 10 * 60_000;

/**
 * Keeps the snapshot in a JSON file. Writes are atomic (a temporary file `<path>.<pid>.<hex>.tmp` in the same
 * directory, flushed, then renamed over the old one), so a crash leaves either the old or the new snapshot, never
 * half a file. The file is created with mode `0600` (it lists message ids).
 *
 * A process killed during a write leaves its temporary file behind; {@link load} removes such leftovers of this
 * store's path (and no other file): those whose process is not running, those of this process that no write of it
 * is using (a restarted container often gets the same pid), and any older than 10 minutes (a write takes
 * milliseconds, so it is not in progress; this also covers a pid reused by an unrelated process). The temporary file
 * of a live writer in another process is left alone. One file per tracker: a store file shared between trackers or
 * hosts is not supported.
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
    if (typeof path !== 'string' || path === '') throw new RequestValidationError('path', 'must be a non-empty string');
    this.path = path;
  }

  /** The last saved snapshot (after removing temporary files that crashed writes left behind). */
  async load(): Promise<TrackerSnapshot | undefined> {
    await this.#removeStaleTemps();
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
    const tmp = atomicTempPath(this.path);
    writing.add(resolve(tmp));
    try {
      await writeFileAtomic(this.path, JSON.stringify(snapshot), { tempPath: tmp, mode: 0o600 });
    } finally {
      writing.delete(resolve(tmp));
    }
  }

  async #removeStaleTemps(): Promise<void> {
    const dir = dirname(this.path);
    const name = basename(this.path);
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      return; // the load that follows reports a missing or unreadable directory
    }
    const now = Date.now();
    await Promise.all(
      entries.map(async (entry) => {
        const pid = tempPid(name, entry);
        if (pid === undefined) return;
        const file = join(dir, entry);
        if (writing.has(resolve(file))) return;
        try {
          const stale = pid === process.pid || !isRunning(pid) || now - (await stat(file)).mtimeMs > STALE_TEMP_MS;
          if (stale) await rm(file, { force: true });
        } catch {
          // best effort: a file we cannot inspect or remove stays
        }
      }),
    );
  }
}

/** The writer's pid when `entry` is a temporary file of the store file `name`. */
function tempPid(name: string, entry: string): number | undefined {
  if (!entry.startsWith(`${name}.`)) return undefined;
  const match = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(entry.slice(name.length + 1));
  return match ? Number(match[1]) : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}
