import type { StatusFollowerState } from '../follower.js';
import { backfill, readMessage } from './by-id.js';
import { drainQueue, type QueueLimit } from './queue-drain.js';
import type { CycleContext, CycleResult, Strategy, TrackerCore } from './strategy.js';

/**
 * `queue`: the backfill of messages added since the last cycle, then the IP's status queue (`StatusQueue`) read with
 * {@link drainQueue}. After `checkAfter` empty cycles while messages are pending, one pending message (in turn) is
 * read by id: when it has statuses the queue never delivered, the queue is not filled for its service
 * (`difi.move.feature.statusQueueIncludes`) or has another consumer, and the tracker warns once.
 * @internal
 */
export class QueueStrategy implements Strategy {
  readonly cursor: StatusFollowerState | undefined = undefined;
  readonly #core: TrackerCore;
  readonly #limit: QueueLimit;
  readonly #checkAfter: number;
  #deleting = false;
  #emptyCycles = 0;
  #checkIndex = 0;
  #warned = false;

  constructor(core: TrackerCore, limit: QueueLimit, checkAfter: number) {
    this.#core = core;
    this.#limit = limit;
    this.#checkAfter = checkAfter;
  }

  get queueDeleting(): boolean {
    return this.#deleting;
  }

  async cycle(context: CycleContext): Promise<CycleResult> {
    let changed = false;
    if (await backfill(this.#core, context)) changed = true;
    const drained = await this.#drain(context);
    if (drained.changed) changed = true;
    return { changed, behind: drained.behind };
  }

  restore(): void {}

  async #drain(context: CycleContext): Promise<CycleResult> {
    const core = this.#core;
    const host = {
      statuses: core.statuses,
      process: (status: Parameters<TrackerCore['process']>[0]) => core.process(status),
      beforeDelete: async () => {
        if (this.#deleting) return;
        this.#deleting = true;
        core.markDirty();
        await core.save();
      },
      stopped: () => core.stopped(),
      warn: (message: string) => core.warn(message),
    };
    let result: Awaited<ReturnType<typeof drainQueue>>;
    try {
      result = await drainQueue(host, context.options, context.counter, this.#limit);
    } finally {
      if (this.#deleting) {
        // Every status deleted so far is in memory: the save after this cycle (or any later one) covers them.
        this.#deleting = false;
        core.markDirty();
      }
    }
    const { read, behind } = result;
    let changed = result.changed;
    if (read > 0 || core.pending().length === 0) {
      this.#emptyCycles = 0;
      return { changed, behind };
    }
    this.#emptyCycles += 1;
    if (this.#emptyCycles >= this.#checkAfter) {
      this.#emptyCycles = 0;
      const pending = core.pending();
      const id = pending[this.#checkIndex++ % pending.length] as string;
      if (await readMessage(core, id, context)) {
        changed = true;
        if (!this.#warned) {
          this.#warned = true;
          const message =
            `status queue stayed empty for ${this.#checkAfter} cycles while message ${id} got new statuses: ` +
            'is difi.move.feature.statusQueueIncludes set for its service, and is this the only consumer of the queue?';
          core.warn(message);
        }
      }
    }
    return { changed, behind };
  }
}
