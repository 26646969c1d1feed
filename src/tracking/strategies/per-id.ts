import type { StatusFollowerState } from '../follower.js';
import { eachConcurrently, readMessage } from './by-id.js';
import type { CycleContext, CycleResult, Strategy, TrackerCore } from './strategy.js';

/**
 * `per-id`: `GET /api/statuses/{messageId}` for every pending message, every cycle (`concurrency` at a time).
 * @internal
 */
export class PerIdStrategy implements Strategy {
  readonly cursor: StatusFollowerState | undefined = undefined;
  readonly queueDeleting = false;
  readonly #core: TrackerCore;

  constructor(core: TrackerCore) {
    this.#core = core;
  }

  async cycle(context: CycleContext): Promise<CycleResult> {
    let changed = false;
    await eachConcurrently(this.#core, this.#core.pending(), async (id) => {
      if (await readMessage(this.#core, id, context)) changed = true;
    });
    return { changed, behind: false };
  }

  restore(): void {}
}
