import { readFile } from 'node:fs/promises';
import { EformidlingError, RequestValidationError } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic-write.js';
import type { StatusFollowerState } from '../tracking/follower.js';

/**
 * What the bridge persists: where it is in the status history, and which incoming messages it has announced.
 * Plain JSON.
 * @category RabbitMQ
 */
export interface BridgeState {
  /** Format version. */
  version: 1;
  /** The status follower's position (advanced only after the broker confirmed the notifications). */
  statuses?: StatusFollowerState | undefined;
  /** Ids of incoming messages already announced that were still in the IP's queue at the last look. */
  incoming?: string[] | undefined;
}

/**
 * Where the bridge keeps its {@link BridgeState} between runs. `save` is called only after the broker confirmed
 * every notification up to that state, so a crash repeats notifications (at least once) but never skips one.
 * @category RabbitMQ
 */
export interface BridgeStateStore {
  /** The saved state, or `undefined` on the first run. */
  load(): Promise<BridgeState | undefined>;
  /** Replaces the saved state. */
  save(state: BridgeState): Promise<void>;
}

/**
 * A store in memory: a restarted process starts again from `startFrom`. For tests and short-lived bridges. The
 * bridge's default.
 * @category RabbitMQ
 */
export class MemoryBridgeStateStore implements BridgeStateStore {
  #current: BridgeState | undefined;

  /** @param initial - a state to start from (copied). */
  constructor(initial?: BridgeState) {
    this.#current = initial === undefined ? undefined : structuredClone(initial);
  }

  /** The state saved last (the store's own copy). */
  get current(): BridgeState | undefined {
    return this.#current;
  }

  async load(): Promise<BridgeState | undefined> {
    return this.#current === undefined ? undefined : structuredClone(this.#current);
  }

  async save(state: BridgeState): Promise<void> {
    this.#current = structuredClone(state);
  }
}

/**
 * A store in a JSON file (mode 0600), written atomically (a temporary file, `fsync`, then `rename`), so a crash
 * while saving leaves the previous state intact.
 * @example
 * ```ts
 * createNotificationBridge({ ip, amqpUrl, store: new JsonFileBridgeStateStore('/var/lib/eformidling-bridge/state.json') });
 * ```
 * @category RabbitMQ
 */
export class JsonFileBridgeStateStore implements BridgeStateStore {
  /** The state file; its directory is created when missing. */
  readonly file: string;

  /** @param file - the state file; its directory is created when missing. */
  constructor(file: string) {
    if (typeof file !== 'string' || file.trim() === '') throw new RequestValidationError('filePath', 'must be a file path');
    this.file = file;
  }

  async load(): Promise<BridgeState | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let state: BridgeState | undefined;
    try {
      state = JSON.parse(text) as BridgeState;
    } catch (error) {
      throw new EformidlingError(`${this.file}: not a bridge state file (not JSON)`, { cause: error });
    }
    if (state?.version !== 1) throw new EformidlingError(`${this.file}: not a bridge state file (version ${String(state?.version)})`);
    return state;
  }

  async save(state: BridgeState): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(state)}\n`, { createDir: true, mode: 0o600 });
  }
}

/**
 * A {@link MemoryBridgeStateStore}.
 * @deprecated Use `new MemoryBridgeStateStore(initial)` (stores are classes throughout the SDK).
 * @category RabbitMQ
 */
export function memoryStateStore(initial?: BridgeState): MemoryBridgeStateStore {
  return new MemoryBridgeStateStore(initial);
}

/**
 * A {@link JsonFileBridgeStateStore}.
 * @deprecated Use `new JsonFileBridgeStateStore(filePath)` (stores are classes throughout the SDK).
 * @category RabbitMQ
 */
export function fileStateStore(filePath: string): JsonFileBridgeStateStore {
  return new JsonFileBridgeStateStore(filePath);
}
