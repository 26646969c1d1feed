import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../internal/atomic-write.js';

/**
 * What the receive loop remembers about one message id.
 * - `failed`: the handler (or the download) failed `attempts` times; the message is still on the IP.
 * - `handled`: the handler succeeded but the delete has not (yet) been confirmed; a redelivery is just deleted.
 * - `done`: deleted from the IP; a duplicate delivery of the same id is deleted without handling.
 * @category Receiving
 */
export interface ProcessedRecord {
  state: 'failed' | 'handled' | 'done';
  /** Failed attempts so far. */
  attempts: number;
  /** Time of the last change, in epoch milliseconds. */
  updatedAt: number;
  /** The last failure's message, if any. */
  lastError?: string | undefined;
}

/**
 * Where the loop records handled and failed message ids, so a redelivered message is not handled twice and poison
 * messages are recognised across restarts. Plug in your own (a database table) by implementing `get` and `set`.
 * @category Receiving
 */
export interface ProcessedStore {
  get(messageId: string): Promise<ProcessedRecord | undefined> | ProcessedRecord | undefined;
  set(messageId: string, record: ProcessedRecord): Promise<void> | void;
}

/** Retention for {@link MemoryProcessedStore} and {@link JsonFileProcessedStore}. @category Receiving */
export interface StoreRetentionOptions {
  /** Most records kept; the oldest go first. @defaultValue 10 000 */
  maxEntries?: number;
  /** How long `done` records are kept, in ms (they catch duplicate deliveries). @defaultValue 7 days */
  doneTtlMs?: number;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * The default store: in memory, bounded. Survives loop restarts within one process, not process restarts; use
 * {@link JsonFileProcessedStore} (or your own) for that.
 * @category Receiving
 */
export class MemoryProcessedStore implements ProcessedStore {
  readonly #records = new Map<string, ProcessedRecord>();
  readonly #maxEntries: number;
  readonly #doneTtlMs: number;

  constructor(options: StoreRetentionOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#doneTtlMs = options.doneTtlMs ?? 7 * DAY;
  }

  get(messageId: string): ProcessedRecord | undefined {
    const record = this.#records.get(messageId);
    if (record && isStale(record, this.#doneTtlMs)) {
      this.#records.delete(messageId);
      return undefined;
    }
    return record;
  }

  set(messageId: string, record: ProcessedRecord): void {
    this.#records.delete(messageId);
    this.#records.set(messageId, { ...record });
    prune(this.#records, this.#maxEntries, this.#doneTtlMs);
  }

  /** Number of records held. */
  get size(): number {
    return this.#records.size;
  }
}

/**
 * A store in one JSON file, written atomically (a temporary file, `fsync`, then `rename`) after every change, so a
 * crash leaves either the old or the new file, never a torn one. The file is created with mode `0600` (it lists
 * message ids). Changes are serialised; one process per file.
 * @example
 * ```ts
 * const loop = ip.receive(handler, { store: new JsonFileProcessedStore('./state/received.json') });
 * ```
 * @category Receiving
 */
export class JsonFileProcessedStore implements ProcessedStore {
  readonly file: string;
  readonly #maxEntries: number;
  readonly #doneTtlMs: number;
  #records: Map<string, ProcessedRecord> | undefined;
  #loading: Promise<Map<string, ProcessedRecord>> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(file: string, options: StoreRetentionOptions = {}) {
    this.file = file;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#doneTtlMs = options.doneTtlMs ?? 7 * DAY;
  }

  async get(messageId: string): Promise<ProcessedRecord | undefined> {
    const records = await this.#load();
    const record = records.get(messageId);
    return record && !isStale(record, this.#doneTtlMs) ? { ...record } : undefined;
  }

  async set(messageId: string, record: ProcessedRecord): Promise<void> {
    const records = await this.#load();
    records.delete(messageId);
    records.set(messageId, { ...record });
    prune(records, this.#maxEntries, this.#doneTtlMs);
    const snapshot = JSON.stringify({ version: 1, records: Object.fromEntries(records) });
    const write = this.#writing.then(() => this.#write(snapshot));
    this.#writing = write.catch(() => {});
    await write;
  }

  #load(): Promise<Map<string, ProcessedRecord>> {
    if (this.#records) return Promise.resolve(this.#records);
    this.#loading ??= (async () => {
      let text: string | undefined;
      try {
        text = await readFile(this.file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      const records = new Map<string, ProcessedRecord>();
      if (text !== undefined) {
        const data = JSON.parse(text) as { records?: Record<string, ProcessedRecord> };
        for (const [id, record] of Object.entries(data.records ?? {})) records.set(id, record);
      }
      this.#records = records;
      return records;
    })();
    return this.#loading;
  }

  #write(snapshot: string): Promise<void> {
    return writeFileAtomic(this.file, snapshot, { createDir: true, mode: 0o600 });
  }
}

function isStale(record: ProcessedRecord, doneTtlMs: number): boolean {
  return record.state === 'done' && Date.now() - record.updatedAt > doneTtlMs;
}

function prune(records: Map<string, ProcessedRecord>, maxEntries: number, doneTtlMs: number): void {
  for (const [id, record] of records) {
    if (records.size <= maxEntries && !isStale(record, doneTtlMs)) break;
    if (records.size > maxEntries || isStale(record, doneTtlMs)) records.delete(id);
  }
}
