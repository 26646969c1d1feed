/**
 * The tracker's span and metrics: one `eformidling.tracker.cycle` span per polling cycle (its status requests are
 * children), with an `eformidling.status` event per new status found; a quiet cycle costs one span and no
 * attribute work beyond the strategy and the tracked count. Metrics: `eformidling.tracker.lag` (the status's time at
 * the IP to the tracker reporting it) and `eformidling.messages.failed` (stage `status`) once per message that
 * reaches `FEIL` or `LEVETID_UTLOPT`.
 * @internal
 * @module
 */
import { EFORMIDLING } from '../observability/attributes.js';
import { count, record } from '../observability/metrics.js';
import { type OpenSpan, startSpan } from '../observability/spans.js';
import type { DeliveryState } from './classify.js';
import type { StatusUpdate } from './events.js';
import type { CycleContext, CycleResult, Strategy } from './strategies/strategy.js';

/** One tracker's cycle spans and status metrics. @internal */
export class TrackerTelemetry {
  #strategy = '';
  #span: OpenSpan | undefined;
  #changes = 0;

  /** Runs one cycle of `strategy` (named `name`) inside its span; `tracked` is asked only when the span is recorded. */
  async cycle(strategy: Strategy, context: CycleContext, name: string, tracked: () => number): Promise<CycleResult> {
    this.#strategy = name;
    const span = startSpan('eformidling.tracker.cycle', {
      attributes: () => ({ [EFORMIDLING.trackStrategy]: name, [EFORMIDLING.trackedCount]: tracked() }),
    });
    this.#span = span;
    this.#changes = 0;
    try {
      const result = await span.run(() => strategy.cycle(context));
      span.set({ [EFORMIDLING.changes]: this.#changes });
      span.end();
      return result;
    } catch (error) {
      span.set({ [EFORMIDLING.changes]: this.#changes });
      span.end(error);
      throw error;
    } finally {
      this.#span = undefined;
    }
  }

  /** A new status for a tracked message; `before` is where the message stood before it. */
  status(update: StatusUpdate, before: DeliveryState): void {
    this.#changes++;
    const { status } = update;
    this.#span?.event('eformidling.status', {
      [EFORMIDLING.messageId]: update.messageId,
      [EFORMIDLING.conversationId]: status.conversationId,
      [EFORMIDLING.status]: status.status,
      'eformidling.status.last_update': status.lastUpdate,
    });
    const at = Date.parse(status.lastUpdate);
    const dimensions = { [EFORMIDLING.trackStrategy]: this.#strategy, [EFORMIDLING.status]: status.status };
    // Clocks differ between hosts: a status "from the future" counts as no lag.
    if (Number.isFinite(at)) record('eformidling.tracker.lag', Math.max(0, Date.now() - at) / 1000, dimensions);
    if (update.state === 'failed' && before !== 'failed')
      count('eformidling.messages.failed', { ...dimensions, [EFORMIDLING.stage]: 'status' });
  }
}
