/**
 * The receive workflow's span and metrics: one `eformidling.receive.message` span per message taken from the queue
 * (starting at its peek), with the download (`GET …/pop/{messageId}`) and the delete as children, the handler's
 * start and end as events, and the handler running inside the span's context so the application's own spans are its
 * children. Metrics: `eformidling.messages.received` when a handled message is deleted, `eformidling.bytes.received`
 * per download, `eformidling.messages.failed` (stage `receive`), `eformidling.receive.lock_expiries`,
 * `eformidling.receive.dead_letters`, and the queue depth when an empty peek shows it is 0.
 * @internal
 * @module
 */

import { type StandardBusinessDocument, typeOf } from '../models/sbd.js';
import { EFORMIDLING, HTTP, messageAttributes } from '../observability/attributes.js';
import { count, gauge } from '../observability/metrics.js';
import { type OpenSpan, startSpan } from '../observability/spans.js';

/**
 * How a message's way through the loop ended: handled and deleted (`ok`), the handler or a step `failed` (the IP
 * redelivers it), set aside as a `dead-letter`, `lock-expired` before the delete, a `duplicate` of one handled
 * before (deleted without the handler), `left` on the IP as poison (`onPoison: 'leave'`), or `received` (handed over
 * by `receiveOne()`, which the caller acknowledges).
 * @internal
 */
export type ReceiveOutcome = 'ok' | 'failed' | 'dead-letter' | 'lock-expired' | 'duplicate' | 'left' | 'received';

/** One message's span and metrics. @internal */
export class ReceiveTelemetry {
  readonly #span: OpenSpan;
  readonly #lockDeadline: number;
  #outcome: ReceiveOutcome = 'failed';
  #error: unknown;
  #service: string | undefined;
  readonly #messageType: string;

  constructor(sbd: StandardBusinessDocument, peekedAt: number, lockDeadline: Date) {
    this.#lockDeadline = lockDeadline.getTime();
    this.#messageType = typeOf(sbd);
    this.#span = startSpan('eformidling.receive.message', {
      kind: 'consumer',
      startTime: peekedAt,
      attributes: () => messageAttributes(sbd),
    });
    if (this.#span.recording) this.#span.event('eformidling.peek', { 'eformidling.receive.lock_deadline': lockDeadline.toISOString() });
  }

  /** Runs `fn` with the message's span active (the requests and the handler's own spans become its children). */
  run<T>(fn: () => T): T {
    return this.#span.run(fn);
  }

  /** The ASiC-E arrived (`null`: a receipt without one); the service, when known. */
  downloaded(size: number | undefined, service: string | undefined): void {
    this.#service = service;
    if (size !== undefined) count('eformidling.bytes.received', this.#dimensions(), size);
    this.#span.set({ [EFORMIDLING.service]: service, [EFORMIDLING.asicBytes]: size });
  }

  handlerStarted(attempt: number): void {
    this.#span.set({ [EFORMIDLING.attempt]: attempt });
    this.#span.event('eformidling.handler.start', { [EFORMIDLING.attempt]: attempt });
  }

  /** The handler resolved: the lock time left for the delete. */
  handlerDone(): void {
    const left = this.#lockDeadline - Date.now();
    this.#span.set({ [EFORMIDLING.lockRemainingMs]: left });
    this.#span.event('eformidling.handler.end', { [EFORMIDLING.outcome]: 'ok', [EFORMIDLING.lockRemainingMs]: left });
  }

  /** A step failed; the message stays on the IP (or is dead-lettered next). */
  failed(step: 'store' | 'pop' | 'handler' | 'delete' | 'deadLetter', error: unknown): void {
    this.#outcome = 'failed';
    this.#error = error;
    if (step === 'handler') this.#span.event('eformidling.handler.end', { [EFORMIDLING.outcome]: 'failed' });
    count('eformidling.messages.failed', {
      ...this.#dimensions(),
      [EFORMIDLING.stage]: 'receive',
      [EFORMIDLING.step]: step,
      [HTTP.errorType]: error instanceof Error ? error.name : 'Error',
    });
  }

  lockExpired(error: unknown): void {
    this.#outcome = 'lock-expired';
    this.#error = error;
    count('eformidling.receive.lock_expiries', this.#dimensions());
  }

  /** The message is off the IP: handled, a duplicate, or a dead letter. */
  deleted(kind: 'handled' | 'duplicate' | 'deadLetter'): void {
    this.#error = undefined;
    if (kind === 'handled') {
      this.#outcome = 'ok';
      count('eformidling.messages.received', this.#dimensions());
    } else if (kind === 'duplicate') {
      this.#outcome = 'duplicate';
    } else {
      this.#outcome = 'dead-letter';
      count('eformidling.receive.dead_letters', this.#dimensions());
    }
  }

  /** `receiveOne()`'s `ack()`, after the span ended: metrics only (its DELETE still runs in the span's context). */
  acked(result: 'deleted' | 'gone' | 'not-locked'): void {
    if (result === 'not-locked') count('eformidling.receive.lock_expiries', this.#dimensions());
    else count('eformidling.messages.received', this.#dimensions());
  }

  outcome(outcome: ReceiveOutcome): void {
    this.#outcome = outcome;
  }

  /** Ends the span with its outcome; a failure or an expired lock marks it failed. */
  end(): void {
    this.#span.set({ [EFORMIDLING.outcome]: this.#outcome });
    this.#span.end(this.#outcome === 'failed' || this.#outcome === 'lock-expired' ? this.#error : undefined);
  }

  #dimensions() {
    return { [EFORMIDLING.service]: this.#service, [EFORMIDLING.messageType]: this.#messageType };
  }
}

/** An empty peek: nothing waits at the IP for this filter. @internal */
export function queueEmpty(service: string | undefined): void {
  gauge('eformidling.receive.queue_depth', 0, { [EFORMIDLING.service]: service });
}
