import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventEmitter } from 'eventemitter3';
import type { IntegrasjonspunktClient } from '../client.js';
import { EformidlingError, isApiError, isRequestValidationError, NotFoundError, RequestValidationError } from '../errors.js';
import { messageIdOf, type StandardBusinessDocument, typeOf } from '../models/sbd.js';
import { type IncomingFilter, normalizeIncomingFilter, type SpoolOptions } from '../resources/incoming.js';
import { LockExpiredError } from './errors.js';
import { inferServiceIdentifier, ReceivedAsic, type ReceivedMessage, toReceivedMessage } from './message.js';
import { MemoryProcessedStore, type ProcessedRecord, type ProcessedStore } from './store.js';

/**
 * Handles one received message. Resolve when the message is safely stored; the loop deletes it from the IP only
 * then. Throw (or reject) to leave it on the IP: it is redelivered when the lock expires.
 * @category Receiving
 */
export type MessageHandler = (message: ReceivedMessage) => Promise<void> | void;

/** Options for `ip.receive()`. @category Receiving */
export interface ReceiveOptions extends SpoolOptions {
  /** Which messages to take. Unknown keys make `loop.done` reject with a {@link RequestValidationError}; nothing is sent. */
  filter?: IncomingFilter;
  /**
   * Handlers running at the same time. The loop only peeks (locks) when a handler slot is free; a finished handler's
   * delete may still be on its way while the next message is peeked, so up to `2 × concurrency` messages can be
   * locked, half of them only awaiting their acknowledgement. @defaultValue 1
   */
  concurrency?: number;
  /** The IP's lock duration (`difi.move.nextmove.lockTimeoutMinutes`). @defaultValue 300 000 (5 minutes) */
  lockTimeoutMs?: number;
  /** A `warning` is emitted when a handler is still running this long before its lock runs out. @defaultValue min(60 s, lockTimeoutMs / 5) */
  lockWarningMs?: number;
  /** First wait after an empty queue (204); doubles on each further empty poll. @defaultValue 1 000 */
  pollIntervalMs?: number;
  /** Longest wait between polls of an empty queue. @defaultValue 30 000 */
  maxPollIntervalMs?: number;
  /** Processed-id store. @defaultValue a new {@link MemoryProcessedStore} */
  store?: ProcessedStore;
  /** Handler attempts before a message counts as poison. @defaultValue 5 */
  maxAttempts?: number;
  /**
   * What to do with a poison message: `leave` it on the IP (it is skipped, and stays until it expires), or
   * `deadLetter`: save its SBD and ASiC-E under `deadLetterDir/<messageId>/` and only then delete it from the IP.
   * @defaultValue 'leave'
   */
  onPoison?: 'leave' | 'deadLetter';
  /** Folder for dead letters; required with `onPoison: 'deadLetter'`. */
  deadLetterDir?: string;
  /** Look up the service identifier in the incoming conversation when the filter and type do not tell (one extra GET per message). @defaultValue false */
  resolveServiceIdentifier?: boolean;
  /** Stop (and resolve `done`) at the first empty poll: for scripts that drain the queue. @defaultValue false */
  stopWhenIdle?: boolean;
  /** Take at most this many messages from the queue (handled, failed, duplicates or poison), then stop once they are done. */
  maxMessages?: number;
  /** Aborting stops at once: in-flight requests are cancelled, nothing more is deleted; `done` resolves. */
  signal?: AbortSignal;
  /** Timeout per HTTP attempt (the client's by default). */
  timeoutMs?: number;
}

/** `processed`: a message was deleted from the IP. @category Receiving */
export interface ProcessedEvent {
  messageId: string;
  /** The handled message; `undefined` for a duplicate (handled before, only deleted now). */
  message: ReceivedMessage | undefined;
  /** The id was handled before (its earlier delete failed or it was delivered twice); the handler did not run. */
  duplicate: boolean;
  /** The message was poison and saved to the dead-letter folder before this delete. */
  deadLettered: boolean;
  /** Delete answered 404: the message was already gone (e.g. the first delete got through but its response was lost). */
  alreadyDeleted: boolean;
}

/** Where a message failed. @category Receiving */
export type ReceiveStage = 'peek' | 'store' | 'pop' | 'handler' | 'delete' | 'deadLetter';

/** `failed`: one message could not be handled, downloaded, deleted or dead-lettered. It stays on the IP. @category Receiving */
export interface FailedEvent {
  messageId: string;
  stage: ReceiveStage;
  error: unknown;
  /** Failed attempts so far (handler and download failures count). */
  attempts: number;
  /** True when this was the last attempt (`maxAttempts` reached). */
  poison: boolean;
  message: ReceivedMessage | undefined;
}

/** `idle`: a poll found the queue empty. @category Receiving */
export interface IdleEvent {
  /** Empty polls in a row (1 when the queue just ran dry). */
  consecutiveEmptyPolls: number;
  /** The wait before the next poll (unless `wake()` is called). */
  nextPollInMs: number;
}

/**
 * `warning`: something a operator should know, that the loop handles by itself.
 * - `lockDeadline`: a handler is still running close to its lock's deadline.
 * - `lockExpired`: delete answered `MessageNotLockedException` ("lock expired, possibly redelivered").
 * - `poison`: a message reached `maxAttempts` and is left on the IP (`onPoison: 'leave'`).
 * - `deleteSkipped`: the loop was aborted after a handler succeeded; the message is deleted on redelivery.
 * @category Receiving
 */
export interface ReceiveWarning {
  kind: 'lockDeadline' | 'lockExpired' | 'poison' | 'deleteSkipped';
  messageId: string;
  message: string;
  lockDeadline?: Date;
  error?: unknown;
}

/** `deadLettered`: a poison message was saved and deleted. @category Receiving */
export interface DeadLetterEvent {
  messageId: string;
  /** The folder holding `sbd.json`, `asic.zip` (if any) and `failure.json`. */
  dir: string;
}

/** Typed events of a {@link ReceiveLoop}. @category Receiving */
export interface ReceiveEvents {
  message: [message: ReceivedMessage];
  processed: [event: ProcessedEvent];
  failed: [event: FailedEvent];
  idle: [event: IdleEvent];
  warning: [warning: ReceiveWarning];
  deadLettered: [event: DeadLetterEvent];
  /** Errors not tied to one message (a failed poll) and the fatal error that stops the loop. */
  error: [error: unknown];
}

/** One entry of {@link ReceiveReport.failures}. @category Receiving */
export interface ReceiveFailure {
  messageId: string | undefined;
  stage: ReceiveStage;
  error: unknown;
  at: Date;
}

/** Counters and recent failures of a loop. @category Receiving */
export interface ReceiveReport {
  /** Polls sent (peek requests). */
  polls: number;
  /** Polls that found the queue empty. */
  emptyPolls: number;
  /** Handler runs that succeeded. */
  handled: number;
  /** Messages deleted from the IP (handled ones, duplicates and dead letters). */
  deleted: number;
  /** Redelivered ids whose handler had already succeeded: deleted without handling. */
  duplicates: number;
  /** Failures of handlers, downloads, deletes and dead-lettering. */
  failed: number;
  /** Deletes answered `MessageNotLockedException`. */
  lockExpired: number;
  /** Poison messages saved and deleted. */
  deadLettered: number;
  /** Poison messages left on the IP. */
  poisonLeft: number;
  /** The last 100 failures, oldest first. */
  failures: ReceiveFailure[];
  /** Why the loop ended; `undefined` while it runs. */
  stoppedBy: 'stop' | 'abort' | 'fatal' | 'idle' | 'maxMessages' | undefined;
}

const MAX_FAILURES_KEPT = 100;

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
  readonly #client: IntegrasjonspunktClient;
  readonly #handler: MessageHandler;
  readonly #options: ReceiveOptions;
  readonly #store: ProcessedStore;
  readonly #concurrency: number;
  readonly #lockTimeoutMs: number;
  readonly #lockWarningMs: number;
  readonly #pollIntervalMs: number;
  readonly #maxPollIntervalMs: number;
  readonly #maxAttempts: number;
  readonly #abort = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  /** Messages whose handler has not settled yet (the concurrency slots). */
  #busy = 0;
  /** Messages taken from the queue. */
  #taken = 0;
  #slotFreed: (() => void) | undefined;
  readonly #report: ReceiveReport = {
    polls: 0,
    emptyPolls: 0,
    handled: 0,
    deleted: 0,
    duplicates: 0,
    failed: 0,
    lockExpired: 0,
    deadLettered: 0,
    poisonLeft: 0,
    failures: [],
    stoppedBy: undefined,
  };
  #stopping = false;
  #wakeUp: (() => void) | undefined;
  #woken = false;
  #resolve!: (report: ReceiveReport) => void;
  #reject!: (error: unknown) => void;

  /** @internal */
  constructor(client: IntegrasjonspunktClient, handler: MessageHandler, options: ReceiveOptions = {}) {
    super();
    if (typeof handler !== 'function') throw new RequestValidationError('handler', 'must be a function');
    this.#client = client;
    this.#handler = handler;
    this.#options = options;
    this.#store = options.store ?? new MemoryProcessedStore();
    this.#concurrency = positiveInt(options.concurrency ?? 1, 'concurrency');
    this.#lockTimeoutMs = positive(options.lockTimeoutMs ?? 300_000, 'lockTimeoutMs');
    this.#lockWarningMs = positive(options.lockWarningMs ?? Math.min(60_000, this.#lockTimeoutMs / 5), 'lockWarningMs');
    this.#pollIntervalMs = positive(options.pollIntervalMs ?? 1_000, 'pollIntervalMs');
    this.#maxPollIntervalMs = Math.max(this.#pollIntervalMs, positive(options.maxPollIntervalMs ?? 30_000, 'maxPollIntervalMs'));
    this.#maxAttempts = positiveInt(options.maxAttempts ?? 5, 'maxAttempts');
    if (options.maxMessages !== undefined) positiveInt(options.maxMessages, 'maxMessages');
    if (options.onPoison === 'deadLetter' && !options.deadLetterDir)
      throw new RequestValidationError('deadLetterDir', "is needed with onPoison: 'deadLetter'");
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
    this.#woken = true;
    this.#wakeUp?.();
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
    this.#wakeUp?.();
    this.#notifySlot();
  }

  #onAbort(): void {
    this.#beginStop('abort');
    this.#abort.abort(this.#options.signal?.reason);
  }

  #requestOptions() {
    return { signal: this.#abort.signal, timeoutMs: this.#options.timeoutMs };
  }

  async #run(): Promise<void> {
    let filter: Record<string, string | undefined>;
    try {
      filter = normalizeIncomingFilter(this.#options.filter);
    } catch (error) {
      this.#fatal(error);
      return this.#finish();
    }
    let delay = this.#pollIntervalMs;
    let empty = 0;
    while (!this.#stopping) {
      // A slot frees when a handler settles; its delete may still be running (at most `concurrency` of those), so
      // the next peek overlaps the previous acknowledgement instead of waiting for it.
      if (this.#busy >= this.#concurrency || this.#inFlight.size >= 2 * this.#concurrency) {
        await new Promise<void>((resolve) => {
          this.#slotFreed = resolve;
        });
        continue;
      }
      const peekedAt = Date.now();
      let sbd: StandardBusinessDocument | null;
      try {
        this.#report.polls++;
        this.#woken = false;
        sbd = await this.#client.incoming.peek(filter as IncomingFilter, this.#requestOptions());
      } catch (error) {
        if (this.#abort.signal.aborted) break;
        if (isFatal(error)) {
          this.#fatal(error);
          break;
        }
        this.#fail(undefined, 'peek', error);
        this.emit('error', error);
        await this.#pause(delay);
        delay = Math.min(delay * 2, this.#maxPollIntervalMs);
        continue;
      }
      if (!sbd) {
        empty++;
        this.#report.emptyPolls++;
        this.emit('idle', { consecutiveEmptyPolls: empty, nextPollInMs: delay });
        if (this.#options.stopWhenIdle) {
          this.#beginStop('idle');
          break;
        }
        await this.#pause(delay);
        delay = Math.min(delay * 2, this.#maxPollIntervalMs);
        continue;
      }
      empty = 0;
      delay = this.#pollIntervalMs;
      this.#busy++;
      this.#taken++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.#busy--;
        this.#notifySlot();
      };
      const task: Promise<void> = this.#process(sbd, peekedAt, filter.serviceIdentifier, release)
        .catch((error: unknown) => {
          // #process reports its own failures; this guards against a bug or a throwing listener.
          this.emit('error', error);
        })
        .finally(() => {
          this.#inFlight.delete(task);
          release();
          this.#notifySlot();
        });
      this.#inFlight.add(task);
      if (this.#options.maxMessages !== undefined && this.#taken >= this.#options.maxMessages) this.#beginStop('maxMessages');
    }
    await this.#finish();
  }

  async #finish(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    const fatal = this.#fatalError;
    if (fatal !== undefined) this.#reject(fatal);
    else this.#resolve(this.report);
  }

  #fatalError: unknown;

  #fatal(error: unknown): void {
    this.#fatalError = error;
    this.#fail(undefined, 'peek', error);
    this.#beginStop('fatal');
    this.#report.stoppedBy = 'fatal';
    this.emit('error', error);
  }

  #notifySlot(): void {
    const resolve = this.#slotFreed;
    this.#slotFreed = undefined;
    resolve?.();
  }

  #pause(ms: number): Promise<void> {
    if (this.#woken || this.#stopping) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeUp = () => {
        this.#wakeUp = undefined;
        done();
      };
    });
  }

  #fail(messageId: string | undefined, stage: ReceiveStage, error: unknown): void {
    const failures = this.#report.failures;
    failures.push({ messageId, stage, error, at: new Date() });
    if (failures.length > MAX_FAILURES_KEPT) failures.shift();
  }

  async #process(sbd: StandardBusinessDocument, peekedAt: number, filterService: string | undefined, release: () => void): Promise<void> {
    const messageId = messageIdOf(sbd);
    if (!messageId) {
      this.#fail(undefined, 'peek', new EformidlingError('the IP returned an SBD without a messageId'));
      this.emit('error', new EformidlingError('the IP returned an SBD without a messageId; it is left locked'));
      return;
    }
    const lockDeadline = new Date(peekedAt + this.#lockTimeoutMs);
    let record: ProcessedRecord | undefined;
    try {
      record = await this.#store.get(messageId);
    } catch (error) {
      this.#report.failed++;
      this.#fail(messageId, 'store', error);
      this.emit('failed', { messageId, stage: 'store', error, attempts: 0, poison: false, message: undefined });
      return;
    }
    if (record?.state === 'handled' || record?.state === 'done') {
      this.#report.duplicates++;
      await this.#delete(messageId, undefined, record.attempts, 'duplicate');
      return;
    }
    const attempts = record?.attempts ?? 0;
    if (attempts >= this.#maxAttempts) {
      await this.#poison(sbd, messageId, attempts, undefined, record?.lastError);
      return;
    }
    const attempt = attempts + 1;
    let asic: ReceivedAsic | null = null;
    try {
      const spooled = await this.#client.incoming.fetchAsic(messageId, { ...this.#options, ...this.#requestOptions() });
      asic = spooled ? new ReceivedAsic(spooled, this.#options.asicLimits) : null;
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      this.#report.failed++;
      this.#fail(messageId, 'pop', error);
      // 404: the IP dropped the message (and marked it FEIL); nothing is left to retry.
      if (!(error instanceof NotFoundError))
        await this.#record(messageId, { state: 'failed', attempts: attempt, lastError: errorText(error) });
      this.emit('failed', { messageId, stage: 'pop', error, attempts: attempt, poison: false, message: undefined });
      return;
    }
    try {
      const message = toReceivedMessage(sbd, {
        asic,
        attempt,
        lockDeadline,
        signal: this.#abort.signal,
        serviceIdentifier: await this.#serviceIdentifier(messageId, typeOf(sbd), filterService),
      });
      const warnIn = lockDeadline.getTime() - this.#lockWarningMs - Date.now();
      const warnTimer = setTimeout(
        () => {
          this.emit('warning', {
            kind: 'lockDeadline',
            messageId,
            lockDeadline,
            message: `the handler for ${messageId} is still running; its lock runs out at ${lockDeadline.toISOString()}`,
          });
        },
        Math.max(0, warnIn),
      );
      warnTimer.unref?.();
      try {
        this.emit('message', message);
        await this.#handler(message);
      } catch (error) {
        clearTimeout(warnTimer);
        release();
        this.#report.failed++;
        this.#fail(messageId, 'handler', error);
        await this.#record(messageId, { state: 'failed', attempts: attempt, lastError: errorText(error) });
        const poison = attempt >= this.#maxAttempts;
        this.emit('failed', { messageId, stage: 'handler', error, attempts: attempt, poison, message });
        if (poison && !this.#abort.signal.aborted) await this.#poison(sbd, messageId, attempt, asic, errorText(error));
        return;
      }
      clearTimeout(warnTimer);
      release();
      this.#report.handled++;
      await this.#record(messageId, { state: 'handled', attempts });
      await this.#delete(messageId, message, attempts, 'handled');
    } finally {
      await asic?.dispose();
    }
  }

  async #serviceIdentifier(messageId: string, type: string, filterService: string | undefined): Promise<string | undefined> {
    const known = inferServiceIdentifier(type, filterService);
    if (known || !this.#options.resolveServiceIdentifier) return known;
    try {
      for await (const conversation of this.#client.conversations.list(
        { messageId, direction: 'INCOMING', pageSize: 1 },
        this.#requestOptions(),
      )) {
        return conversation.serviceIdentifier;
      }
    } catch {
      // Best effort: the handler still runs without it.
    }
    return undefined;
  }

  async #record(messageId: string, record: Omit<ProcessedRecord, 'updatedAt'>): Promise<void> {
    try {
      await this.#store.set(messageId, { ...record, updatedAt: Date.now() });
    } catch (error) {
      this.#fail(messageId, 'store', error);
      this.emit('error', error);
    }
  }

  async #delete(
    messageId: string,
    message: ReceivedMessage | undefined,
    attempts: number,
    kind: 'handled' | 'duplicate' | 'deadLetter',
  ): Promise<boolean> {
    if (this.#abort.signal.aborted) {
      this.emit('warning', {
        kind: 'deleteSkipped',
        messageId,
        message: `the loop was aborted before ${messageId} was deleted; it is deleted without handling when redelivered`,
      });
      return false;
    }
    let result: 'deleted' | 'gone' | 'not-locked';
    try {
      result = await this.#client.incoming.acknowledge(messageId, this.#requestOptions());
    } catch (error) {
      if (this.#abort.signal.aborted) return false;
      this.#report.failed++;
      this.#fail(messageId, 'delete', error);
      this.emit('failed', { messageId, stage: 'delete', error, attempts, poison: false, message });
      return false;
    }
    if (result === 'not-locked') {
      const error = new LockExpiredError(messageId);
      this.#report.lockExpired++;
      this.#fail(messageId, 'delete', error);
      this.emit('warning', { kind: 'lockExpired', messageId, message: error.message, error });
      return false;
    }
    await this.#record(messageId, { state: 'done', attempts });
    this.#report.deleted++;
    this.emit('processed', {
      messageId,
      message,
      duplicate: kind === 'duplicate',
      deadLettered: kind === 'deadLetter',
      alreadyDeleted: result === 'gone',
    });
    return true;
  }

  async #poison(
    sbd: StandardBusinessDocument,
    messageId: string,
    attempts: number,
    asic: ReceivedAsic | null | undefined,
    lastError: string | undefined,
  ): Promise<void> {
    if (this.#options.onPoison !== 'deadLetter') {
      this.#report.poisonLeft++;
      this.emit('warning', {
        kind: 'poison',
        messageId,
        message: `message ${messageId} failed ${attempts} times and is left on the IP (onPoison: 'leave')`,
      });
      return;
    }
    let own: ReceivedAsic | null = null;
    let dir: string;
    try {
      if (asic === undefined) {
        const spooled = await this.#client.incoming.fetchAsic(messageId, { ...this.#options, ...this.#requestOptions() });
        own = spooled ? new ReceivedAsic(spooled, this.#options.asicLimits) : null;
      }
      dir = await writeDeadLetter(this.#options.deadLetterDir as string, sbd, messageId, own ?? asic ?? null, { attempts, lastError });
    } catch (error) {
      this.#report.failed++;
      this.#fail(messageId, 'deadLetter', error);
      this.emit('failed', { messageId, stage: 'deadLetter', error, attempts, poison: true, message: undefined });
      return;
    } finally {
      await own?.dispose();
    }
    if (await this.#delete(messageId, undefined, attempts, 'deadLetter')) {
      this.#report.deadLettered++;
      this.emit('deadLettered', { messageId, dir });
    }
  }
}

/**
 * Saves a message's SBD (`sbd.json`), ASiC-E (`asic.zip`) and the failure (`failure.json`) under
 * `root/<messageId>/`, written to a temporary folder and renamed into place when complete.
 * @internal
 */
export async function writeDeadLetter(
  root: string,
  sbd: StandardBusinessDocument,
  messageId: string,
  asic: ReceivedAsic | null,
  failure: { attempts: number; lastError: string | undefined },
): Promise<string> {
  await mkdir(root, { recursive: true });
  const name = messageId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  const dir = join(root, name);
  const temp = join(root, `.${name}.${randomUUID()}.tmp`);
  await mkdir(temp);
  try {
    await writeFile(join(temp, 'sbd.json'), `${JSON.stringify(sbd, null, 2)}\n`);
    if (asic) await asic.saveContainerTo(join(temp, 'asic.zip'));
    await writeFile(
      join(temp, 'failure.json'),
      `${JSON.stringify({ messageId, type: typeOf(sbd), attempts: failure.attempts, lastError: failure.lastError, at: new Date().toISOString() }, null, 2)}\n`,
    );
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
    return dir;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

function isFatal(error: unknown): boolean {
  if (isRequestValidationError(error) || error instanceof TypeError) return true;
  // 401/403: credentials; 404/405: wrong base URL; 400: a query the IP refuses. None cures itself.
  return isApiError(error) && [400, 401, 403, 404, 405].includes(error.status);
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !(value > 0)) throw new RequestValidationError(name, 'must be a positive number');
  return value;
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RequestValidationError(name, 'must be a whole number >= 1');
  return value;
}

/** @internal */
export function createLoop(client: IntegrasjonspunktClient, handler: MessageHandler, options?: ReceiveOptions): ReceiveLoop {
  return new ReceiveLoop(client, handler, options);
}
