import { StatusFollower, type StatusFollowerOptions, type StatusFollowerState } from '../follower.js';
import { backfill } from './by-id.js';
import type { CycleContext, CycleResult, Strategy, TrackerCore } from './strategy.js';

/**
 * `search`: `GET /api/statuses` with a {@link StatusFollower} cursor, then the backfill of messages added since the
 * last cycle.
 * @internal
 */
export class SearchStrategy implements Strategy {
  readonly queueDeleting = false;
  readonly #core: TrackerCore;
  readonly #options: Pick<StatusFollowerOptions, 'pageSize' | 'safetyMarginMs'>;
  #follower: StatusFollower;

  constructor(core: TrackerCore, options: Pick<StatusFollowerOptions, 'start' | 'pageSize' | 'safetyMarginMs'>) {
    this.#core = core;
    this.#options = { pageSize: options.pageSize, safetyMarginMs: options.safetyMarginMs };
    this.#follower = new StatusFollower(core, options);
  }

  get cursor(): StatusFollowerState {
    return this.#follower.state;
  }

  async cycle(context: CycleContext): Promise<CycleResult> {
    let changed = false;
    try {
      for (const s of await this.#follower.poll(context.options)) if (this.#core.process(s)) changed = true;
    } finally {
      context.counter.requests += this.#follower.stats.requests;
    }
    this.#core.markDirty(); // the cursor moved
    if (await backfill(this.#core, context)) changed = true;
    return { changed, behind: false };
  }

  restore(cursor: StatusFollowerState): void {
    this.#follower = new StatusFollower(this.#core, { state: cursor, ...this.#options });
  }
}
