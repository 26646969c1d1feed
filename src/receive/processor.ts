import { EformidlingError, NotFoundError } from '../errors.js';
import { messageIdOf, type StandardBusinessDocument, typeOf } from '../models/sbd.js';
import type { RequestOptions } from '../transport/http.js';
import { type AcknowledgeResult, acknowledge } from './acknowledge.js';
import type { ReceiveContext } from './context.js';
import { writeDeadLetter } from './dead-letter.js';
import { downloadAsic } from './download.js';
import { LockExpiredError } from './errors.js';
import { errorText, type ReceiveEvents, type ReceiveReport, type ReceiveStage, recordFailure } from './events.js';
import { inferServiceIdentifier, ReceivedAsic, type ReceivedMessage, toReceivedMessage } from './message.js';
import type { MessageHandler, ResolvedReceiveOptions } from './options.js';
import type { ProcessedRecord } from './store.js';
import { ReceiveTelemetry } from './telemetry.js';

/** What a {@link MessageProcessor} uses of its loop. @internal */
export interface ProcessorHost {
  readonly ctx: ReceiveContext;
  readonly handler: MessageHandler;
  readonly settings: ResolvedReceiveOptions;
  readonly report: ReceiveReport;
  /** Aborted when the loop is aborted. */
  readonly signal: AbortSignal;
  emit<E extends keyof ReceiveEvents>(event: E, ...args: ReceiveEvents[E]): unknown;
}

/**
 * One message's way through the loop after peek: the processed-id store → pop (download) → the handler → delete,
 * or the poison path (leave it, or save it as a dead letter and then delete it). Reports every outcome through the
 * loop's report and events; never rejects for a message's own failure.
 * @internal
 */
export class MessageProcessor {
  readonly #host: ProcessorHost;

  constructor(host: ProcessorHost) {
    this.#host = host;
  }

  #requestOptions(): RequestOptions {
    return { signal: this.#host.signal, timeoutMs: this.#host.settings.options.timeoutMs };
  }

  #recordFailure(messageId: string | undefined, stage: ReceiveStage, error: unknown): void {
    recordFailure(this.#host.report, messageId, stage, error);
  }

  /**
   * Handles one peeked message. `release` frees its concurrency slot (called as soon as the handler settled, so the
   * next peek can overlap this message's delete).
   */
  async process(sbd: StandardBusinessDocument, peekedAt: number, filterService: string | undefined, release: () => void): Promise<void> {
    const messageId = messageIdOf(sbd);
    if (!messageId) {
      this.#recordFailure(undefined, 'peek', new EformidlingError('the IP returned an SBD without a messageId'));
      this.#host.emit('error', new EformidlingError('the IP returned an SBD without a messageId; it is left locked'));
      return;
    }
    const lockDeadline = new Date(peekedAt + this.#host.settings.lockTimeoutMs);
    // One span per message; the handler runs inside it.
    const telemetry = new ReceiveTelemetry(sbd, peekedAt, lockDeadline);
    try {
      await telemetry.run(() => this.#process(sbd, messageId, lockDeadline, filterService, release, telemetry));
    } finally {
      telemetry.end();
    }
  }

  async #process(
    sbd: StandardBusinessDocument,
    messageId: string,
    lockDeadline: Date,
    filterService: string | undefined,
    release: () => void,
    telemetry: ReceiveTelemetry,
  ): Promise<void> {
    const host = this.#host;
    const { report, settings } = host;
    let record: ProcessedRecord | undefined;
    try {
      record = await settings.store.get(messageId);
    } catch (error) {
      report.failed++;
      this.#recordFailure(messageId, 'store', error);
      telemetry.failed('store', error);
      host.emit('failed', { messageId, stage: 'store', error, attempts: 0, poison: false, message: undefined });
      return;
    }
    if (record?.state === 'handled' || record?.state === 'done') {
      report.duplicates++;
      await this.#delete(messageId, undefined, record.attempts, 'duplicate', telemetry);
      return;
    }
    const attempts = record?.attempts ?? 0;
    if (attempts >= settings.maxAttempts) {
      await this.#poison(sbd, messageId, attempts, undefined, record?.lastError, telemetry);
      return;
    }
    const attempt = attempts + 1;
    let asic: ReceivedAsic | null = null;
    try {
      asic = await this.#download(messageId);
    } catch (error) {
      if (host.signal.aborted) return;
      report.failed++;
      this.#recordFailure(messageId, 'pop', error);
      telemetry.failed('pop', error);
      // 404: the IP dropped the message (and marked it FEIL); nothing is left to retry.
      if (!(error instanceof NotFoundError))
        await this.#remember(messageId, { state: 'failed', attempts: attempt, lastError: errorText(error) });
      host.emit('failed', { messageId, stage: 'pop', error, attempts: attempt, poison: false, message: undefined });
      return;
    }
    try {
      const serviceIdentifier = await this.#serviceIdentifier(messageId, typeOf(sbd), filterService);
      telemetry.downloaded(asic?.size, serviceIdentifier);
      const message = toReceivedMessage(sbd, { asic, attempt, lockDeadline, signal: host.signal, serviceIdentifier });
      const warnIn = lockDeadline.getTime() - settings.lockWarningMs - Date.now();
      const warnTimer = setTimeout(
        () => {
          host.emit('warning', {
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
        host.emit('message', message);
        telemetry.handlerStarted(attempt);
        await host.handler(message);
      } catch (error) {
        clearTimeout(warnTimer);
        release();
        report.failed++;
        this.#recordFailure(messageId, 'handler', error);
        telemetry.failed('handler', error);
        await this.#remember(messageId, { state: 'failed', attempts: attempt, lastError: errorText(error) });
        const poison = attempt >= settings.maxAttempts;
        host.emit('failed', { messageId, stage: 'handler', error, attempts: attempt, poison, message });
        if (poison && !host.signal.aborted) await this.#poison(sbd, messageId, attempt, asic, errorText(error), telemetry);
        return;
      }
      clearTimeout(warnTimer);
      release();
      telemetry.handlerDone();
      report.handled++;
      await this.#remember(messageId, { state: 'handled', attempts });
      await this.#delete(messageId, message, attempts, 'handled', telemetry);
    } finally {
      await asic?.dispose();
    }
  }

  async #download(messageId: string): Promise<ReceivedAsic | null> {
    const { options } = this.#host.settings;
    const spooled = await downloadAsic(this.#host.ctx, messageId, { ...options, ...this.#requestOptions() });
    return spooled ? new ReceivedAsic(spooled, options.asicLimits) : null;
  }

  async #serviceIdentifier(messageId: string, type: string, filterService: string | undefined): Promise<string | undefined> {
    const known = inferServiceIdentifier(type, filterService);
    if (known || !this.#host.settings.options.resolveServiceIdentifier) return known;
    try {
      const filter = { messageId, direction: 'INCOMING', pageSize: 1 } as const;
      for await (const conversation of this.#host.ctx.conversations.list(filter, this.#requestOptions())) {
        return conversation.serviceIdentifier;
      }
    } catch {
      // Best effort: the handler still runs without it.
    }
    return undefined;
  }

  /** Saves the message's record in the processed-id store; a store failure is reported, not thrown. */
  async #remember(messageId: string, record: Omit<ProcessedRecord, 'updatedAt'>): Promise<void> {
    try {
      await this.#host.settings.store.set(messageId, { ...record, updatedAt: Date.now() });
    } catch (error) {
      this.#recordFailure(messageId, 'store', error);
      this.#host.emit('error', error);
    }
  }

  async #delete(
    messageId: string,
    message: ReceivedMessage | undefined,
    attempts: number,
    kind: 'handled' | 'duplicate' | 'deadLetter',
    telemetry: ReceiveTelemetry,
  ): Promise<boolean> {
    const host = this.#host;
    if (host.signal.aborted) {
      host.emit('warning', {
        kind: 'deleteSkipped',
        messageId,
        message: `the loop was aborted before ${messageId} was deleted; it is deleted without handling when redelivered`,
      });
      return false;
    }
    let result: AcknowledgeResult;
    try {
      result = await acknowledge(host.ctx.incoming, messageId, this.#requestOptions());
    } catch (error) {
      if (host.signal.aborted) return false;
      host.report.failed++;
      this.#recordFailure(messageId, 'delete', error);
      telemetry.failed('delete', error);
      host.emit('failed', { messageId, stage: 'delete', error, attempts, poison: false, message });
      return false;
    }
    if (result === 'not-locked') {
      const error = new LockExpiredError(messageId);
      host.report.lockExpired++;
      this.#recordFailure(messageId, 'delete', error);
      telemetry.lockExpired(error);
      host.emit('warning', { kind: 'lockExpired', messageId, message: error.message, error });
      return false;
    }
    await this.#remember(messageId, { state: 'done', attempts });
    telemetry.deleted(kind);
    host.report.deleted++;
    host.emit('processed', {
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
    telemetry: ReceiveTelemetry,
  ): Promise<void> {
    const host = this.#host;
    const { options } = host.settings;
    if (options.onPoison !== 'deadLetter') {
      telemetry.outcome('left');
      host.report.poisonLeft++;
      host.emit('warning', {
        kind: 'poison',
        messageId,
        message: `message ${messageId} failed ${attempts} times and is left on the IP (onPoison: 'leave')`,
      });
      return;
    }
    let own: ReceivedAsic | null = null;
    let dir: string;
    try {
      if (asic === undefined) own = await this.#download(messageId);
      dir = await writeDeadLetter(options.deadLetterDir as string, sbd, messageId, own ?? asic ?? null, { attempts, lastError });
    } catch (error) {
      host.report.failed++;
      this.#recordFailure(messageId, 'deadLetter', error);
      telemetry.failed('deadLetter', error);
      host.emit('failed', { messageId, stage: 'deadLetter', error, attempts, poison: true, message: undefined });
      return;
    } finally {
      await own?.dispose();
    }
    if (await this.#delete(messageId, undefined, attempts, 'deadLetter', telemetry)) {
      host.report.deadLettered++;
      host.emit('deadLettered', { messageId, dir });
    }
  }
}
