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
 * A store in memory: a restarted process starts again from `startFrom`. For tests and short-lived bridges.
 * @param initial - a state to start from.
 * @category RabbitMQ
 */
export function memoryStateStore(initial?: BridgeState): BridgeStateStore & { readonly current: BridgeState | undefined } {
  let current = initial === undefined ? undefined : structuredClone(initial);
  return {
    get current() {
      return current;
    },
    async load() {
      return current === undefined ? undefined : structuredClone(current);
    },
    async save(state) {
      current = structuredClone(state);
    },
  };
}

/**
 * A store in a JSON file (mode 0600), written atomically (to a temporary name, synced, then renamed), so a crash while saving leaves
 * the previous state intact.
 * @param filePath - the state file; its directory is created when missing.
 * @example
 * ```ts
 * createNotificationBridge({ ip, amqpUrl, store: fileStateStore('/var/lib/eformidling-bridge/state.json') });
 * ```
 * @category RabbitMQ
 */
export function fileStateStore(filePath: string): BridgeStateStore {
  if (typeof filePath !== 'string' || filePath.trim() === '') throw new RequestValidationError('filePath', 'must be a file path');
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(filePath, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      let state: BridgeState | undefined;
      try {
        state = JSON.parse(text) as BridgeState;
      } catch (error) {
        throw new EformidlingError(`${filePath}: not a bridge state file (not JSON)`, { cause: error });
      }
      if (state?.version !== 1) throw new EformidlingError(`${filePath}: not a bridge state file (version ${String(state?.version)})`);
      return state;
    },
    async save(state) {
      await writeFileAtomic(filePath, `${JSON.stringify(state)}\n`, { createDir: true, mode: 0o600 });
    },
  };
}
