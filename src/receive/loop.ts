import { EventEmitter } from 'eventemitter3';
import { isApiError, isRequestValidationError } from '../errors.js';
import { WakeableSleep } from '../internal/sleep.js';
import type { StandardBusinessDocument } from '../models/sbd.js';
import { type IncomingFilter, normalizeIncomingFilter } from '../resources/incoming.js';
import type { ReceiveContext } from './context.js';
import { emptyReport, type ReceiveEvents, type ReceiveReport, recordFailure } from './events.js';
import type { MessageHandler, ReceiveOptions, ResolvedReceiveOptions } from './options.js';
import { resolveReceiveOptions } from './options.js';
import { MessageProcessor } from './processor.js';
import { queueEmpty } from './telemetry.js';

/**
 * The receive loop: peek (lock) → pop (download, spooled) → `await handler(message)` → delete, deleting only after
 * the handler resolved. Created by `ip.receive()`.
 *
 * @example
 * ```ts
 * const loop = ip.receive(async (message) => {
 *   await message.asic?.saveTo(`./inbox/${message.messageId}`);
 * }, { filter: { serviceIdentifier: 'DPO' }, concurrency: 4, store: new JsonFileProcessedStore('./received.json') });
 * loop.on('failed', ({ messageId, error }) => log.warn({ messageId, error }));
 * process.once('SIGTERM', () => loop.stop());
 * const report = await loop.done;
 * ```
 * @category Receiving
 */
export class ReceiveLoop extends EventEmitter<ReceiveEvents> {
  /** Resolves with the report when the loop ends (stop, abort, idle, maxMessages); rejects on a fatal error (401, 403, a bad filter). */
  readonly done: Promise<ReceiveReport>;
  readonly #ctx: ReceiveContext;
  readonly #settings: ResolvedReceiveOptions;
  readonly #options: ReceiveOptions;
  readonly #processor: MessageProcessor;
  readonly #abort = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #sleeper = new WakeableSleep();
  /** Messages whose handler has not settled yet (the concurrency slots). */
  #busy = 0;
  /** Messages taken from the queue. */
  #taken = 0;
  #slotFreed: (() => void) | undefined;
  readonly #report: ReceiveReport = emptyReport();
  #stopping = false;
  #fatalError: unknown;
  #resolve!: (report: ReceiveReport) => void;
  #reject!: (error: unknown) => void;

  /** @internal */
  constructor(ctx: ReceiveContext, handler: MessageHandler, options: ReceiveOptions = {}) {
    super();
    this.#settings = resolveReceiveOptions(handler, options);
    this.#ctx = ctx;
    this.#options = options;
    this.#processor = new MessageProcessor({
      ctx,
      handler,
      settings: this.#settings,
      report: this.#report,
      signal: this.#abort.signal,
      emit: (event, ...args) => (this.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args),
    });
    this.done = new Promise<ReceiveReport>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const signal = options.signal;
    if (signal?.aborted) this.#onAbort();
    else signal?.addEventListener('abort', () => this.#onAbort(), { once: true });
    // Start after the caller had the chance to add listeners.
    queueMicrotask(() => void this.#run());
  }

  /** A snapshot of the counters and recent failures. */
  get report(): ReceiveReport {
    return { ...this.#report, failures: [...this.#report.failures] };
  }

  /** Messages taken from the queue and not finished yet (handling, or being deleted). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** True until the loop has been told to stop (or failed). */
  get running(): boolean {
    return !this.#stopping;
  }

  /** Polls now instead of waiting out the back-off (e.g. when a webhook says a message arrived). */
  wake(): void {
    this.#sleeper.wake();
  }

  /**
   * Stops polling, lets in-flight handlers finish (and their messages be deleted), and resolves with the report.
   * Safe to call more than once.
   */
  stop(): Promise<ReceiveReport> {
    this.#beginStop('stop');
    return this.done.catch(() => this.report);
  }

  #beginStop(reason: NonNullable<ReceiveReport['stoppedBy']>): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#report.stoppedBy = reason;
    this.#sleeper.wake();
    this.#notifySlot();
  }

  #onAbort(): void {
    this.#beginStop('abort');
    this.#abort.abort(this.#options.signal?.reason);
  }

  async #run(): Promise<void> {
    let filter: Record<string, string | undefined>;
    try {
      filter = normalizeIncomingFilter(this.#options.filter);
    } catch (error) {
      this.#fatal(error);
      return this.#finish();
    }
    const { concurrency, pollIntervalMs, maxPollIntervalMs } = this.#settings;
    let delay = pollIntervalMs;
    let empty = 0;
    while (!this.#stopping) {
      // A slot frees when a handler settles; its delete may still be running (at most `concurrency` of those), so
      // the next peek overlaps the previous acknowledgement instead of waiting for it.
      if (this.#busy >= concurrency || this.#inFlight.size >= 2 * concurrency) {
        await new Promise<void>((resolve) => {
          this.#slotFreed = resolve;
        });
        continue;
      }
      const peekedAt = Date.now();
      let sbd: StandardBusinessDocument | null;
      try {
        this.#report.polls++;
        this.#sleeper.reset();
        sbd = await this.#ctx.incoming.peek(filter as IncomingFilter, { signal: this.#abort.signal, timeoutMs: this.#options.timeoutMs });
      } catch (error) {
        if (this.#abort.signal.aborted) break;
        if (isFatal(error)) {
          this.#fatal(error);
          break;
        }
        recordFailure(this.#report, undefined, 'peek', error);
        this.emit('error', error);
        await this.#pause(delay);
        delay = Math.min(delay * 2, maxPollIntervalMs);
        continue;
      }
      if (!sbd) {
        queueEmpty(filter.serviceIdentifier);
        empty++;
        this.#report.emptyPolls++;
        this.emit('idle', { consecutiveEmptyPolls: empty, nextPollInMs: delay });
        if (this.#options.stopWhenIdle) {
          this.#beginStop('idle');
          break;
        }
        await this.#pause(delay);
        delay = Math.min(delay * 2, maxPollIntervalMs);
        continue;
      }
      empty = 0;
      delay = pollIntervalMs;
      this.#take(sbd, peekedAt, filter.serviceIdentifier);
      if (this.#options.maxMessages !== undefined && this.#taken >= this.#options.maxMessages) this.#beginStop('maxMessages');
    }
    await this.#finish();
  }

  /** Starts handling a peeked message in its own slot. */
  #take(sbd: StandardBusinessDocument, peekedAt: number, filterService: string | undefined): void {
    this.#busy++;
    this.#taken++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#busy--;
      this.#notifySlot();
    };
    const task: Promise<void> = this.#processor
      .process(sbd, peekedAt, filterService, release)
      .catch((error: unknown) => {
        // process() reports its own failures; this guards against a bug or a throwing listener.
        this.emit('error', error);
      })
      .finally(() => {
        this.#inFlight.delete(task);
        release();
        this.#notifySlot();
      });
    this.#inFlight.add(task);
  }

  async #finish(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    const fatal = this.#fatalError;
    if (fatal !== undefined) this.#reject(fatal);
    else this.#resolve(this.report);
  }

  #fatal(error: unknown): void {
    this.#fatalError = error;
    recordFailure(this.#report, undefined, 'peek', error);
    this.#beginStop('fatal');
    this.#report.stoppedBy = 'fatal';
    this.emit('error', error);
  }

  #notifySlot(): void {
    const resolve = this.#slotFreed;
    this.#slotFreed = undefined;
    resolve?.();
  }

  /** Waits out the poll back-off, or less when woken (`wake()`, `stop()`). */
  #pause(ms: number): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    return this.#sleeper.sleep(ms);
  }
}

function isFatal(error: unknown): boolean {
  if (isRequestValidationError(error) || error instanceof TypeError) return true;
  // 401/403: credentials; 404/405: wrong base URL; 400: a query the IP refuses. None cures itself.
  return isApiError(error) && [400, 401, 403, 404, 405].includes(error.status);
}
