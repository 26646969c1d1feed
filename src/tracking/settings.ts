import { RequestValidationError } from '../errors.js';
import { positive } from '../internal/positive.js';
import type { Logger } from '../transport/logger.js';
import { messageIdArg, nonNegativeMs, untilStatus, wholeNumber } from './options.js';
import type { QueueLimit } from './strategies/queue-drain.js';
import type { TrackOptions, TrackStrategy } from './track-options.js';

/** A tracker's options, checked and with their defaults applied. @internal */
export interface TrackerSettings {
  strategy: TrackStrategy;
  baseInterval: number;
  maxInterval: number;
  factor: number;
  graceMs: number;
  until: 'LEVERT' | 'LEST';
  concurrency: number;
  maxErrors: number;
  queueCheckAfter: number;
  queueLimit: QueueLimit;
  logger: Logger;
}

const noop = () => {};
/** The logger of a tracker given none: it drops everything. */
const silent: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/**
 * Checks a tracker's options and initial ids and applies the defaults.
 * @throws {@link RequestValidationError} naming the first option that is not valid.
 * @internal
 */
export function resolveSettings(options: TrackOptions, messageIds: readonly string[]): TrackerSettings {
  const strategy = options.strategy ?? 'search';
  if (!['per-id', 'search', 'queue'].includes(strategy)) {
    throw new RequestValidationError('strategy', `must be 'per-id', 'search' or 'queue', not '${String(strategy)}'`);
  }
  const baseInterval = positive(options.pollIntervalMs ?? 5000, 'pollIntervalMs', { unit: 'ms', finite: true });
  const maxInterval = Math.max(
    baseInterval,
    positive(options.maxPollIntervalMs ?? 60_000, 'maxPollIntervalMs', { unit: 'ms', finite: true }),
  );
  const factor = options.backoffFactor ?? 1.5;
  if (typeof factor !== 'number' || !(factor >= 1) || !Number.isFinite(factor)) {
    throw new RequestValidationError('backoffFactor', `must be a number >= 1, not ${String(factor)}`);
  }
  const settings: TrackerSettings = {
    strategy,
    baseInterval,
    maxInterval,
    factor,
    graceMs: nonNegativeMs(options.graceMs ?? 0, 'graceMs'),
    until: untilStatus(options.until ?? 'LEVERT', 'until'),
    concurrency: wholeNumber(options.concurrency ?? 8, 'concurrency', 1),
    maxErrors: wholeNumber(options.maxConsecutiveErrors ?? 5, 'maxConsecutiveErrors', 1),
    queueCheckAfter: wholeNumber(options.queueCheckAfter ?? 10, 'queueCheckAfter', 1),
    queueLimit: {
      statuses: wholeNumber(options.queueBatchSize ?? 200, 'queueBatchSize', 1),
      ms: positive(options.queueCycleMs ?? 10_000, 'queueCycleMs', { unit: 'ms', finite: true }),
    },
    logger: options.logger ?? silent,
  };
  if (!Array.isArray(messageIds)) throw new RequestValidationError('messageIds', 'must be an array of message ids');
  for (const [i, id] of messageIds.entries()) messageIdArg(id, `messageIds[${i}]`);
  return settings;
}

/**
 * The adaptive interval after a cycle: back to `baseInterval` when the cycle found something, else grown by `factor`
 * up to `maxInterval`.
 * @internal
 */
export function nextInterval(settings: TrackerSettings, interval: number, changed: boolean): number {
  return changed ? settings.baseInterval : Math.min(settings.maxInterval, interval * settings.factor);
}

/**
 * The wait before the next cycle: never sooner than the interval (a grace period ends without a request), at least a
 * `Retry-After` the IP sent (up to `maxInterval`); only a queue cycle cut at its bound goes on at once, as each of its
 * requests returned a status.
 * @internal
 */
export function waitBeforeNextCycle(settings: TrackerSettings, interval: number, retryAfter: number, behind: boolean): number {
  return behind ? 0 : Math.max(interval, Math.min(retryAfter, settings.maxInterval));
}
