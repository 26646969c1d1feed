import type { TrackerSettings } from '../settings.js';
import type { TrackOptions } from '../track-options.js';
import { PerIdStrategy } from './per-id.js';
import { QueueStrategy } from './queue.js';
import { SearchStrategy } from './search.js';
import type { Strategy, TrackerCore } from './strategy.js';

export type { CycleContext, CycleResult, Strategy, TrackerCore } from './strategy.js';

/** The strategy a tracker's options name. @internal */
export function createStrategy(core: TrackerCore, settings: TrackerSettings, options: TrackOptions): Strategy {
  switch (settings.strategy) {
    case 'per-id':
      return new PerIdStrategy(core);
    case 'search':
      return new SearchStrategy(core, {
        start: options.since ?? 'now',
        pageSize: options.pageSize,
        safetyMarginMs: options.safetyMarginMs,
      });
    case 'queue':
      return new QueueStrategy(core, settings.queueLimit, settings.queueCheckAfter);
  }
}
