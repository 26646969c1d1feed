import { RequestValidationError } from '../errors.js';
import { type IncomingFilter, normalizeIncomingFilter } from '../resources/incoming.js';
import type { RequestOptions } from '../transport/http.js';
import { acknowledge } from './acknowledge.js';
import type { ReceiveContext } from './context.js';
import { downloadAsic, type SpoolOptions } from './download.js';
import { LockExpiredError } from './errors.js';
import { inferServiceIdentifier, ReceivedAsic, type ReceivedMessage, toReceivedMessage } from './message.js';
import { ReceiveTelemetry } from './telemetry.js';

/** Options for {@link IncomingReceiveOne.receiveOne | ip.incoming.receiveOne}. @category Receiving */
export interface ReceiveOneOptions extends RequestOptions, SpoolOptions {
  /** How long the IP's lock lasts (`lockTimeoutMinutes`), for {@link ReceivedMessage.lockDeadline}. @defaultValue 300 000 */
  lockTimeoutMs?: number | undefined;
}

/**
 * One message from {@link IncomingReceiveOne.receiveOne | ip.incoming.receiveOne}: the message plus `ack()` (delete) and `dispose()`.
 * @category Receiving
 */
export interface ReceivedOne extends ReceivedMessage {
  /**
   * Deletes the message from the IP (acknowledges it) and disposes the ASiC. A 404 (already gone, e.g. after a lost
   * response) counts as deleted.
   * @throws {@link LockExpiredError} when the lock ran out first.
   */
  ack(options?: RequestOptions): Promise<void>;
  /** Removes the temporary ASiC copy without deleting the message (it is redelivered when the lock expires). */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * `receiveOne` as the client offers it on `ip.incoming` (the wire calls stay in the resource; this workflow sits on
 * top of them). @category Receiving
 */
export interface IncomingReceiveOne {
  /**
   * For scripts: peeks one message (locking it), downloads its ASiC-E, and hands it over with `ack()`. Call `ack()`
   * after you have stored it; without it the lock expires and the IP redelivers. `null` when the queue is empty.
   * @param filter - Which messages to take (unknown keys are a {@link RequestValidationError}).
   * @example
   * ```ts
   * await using message = await ip.incoming.receiveOne({ serviceIdentifier: 'DPO' });
   * if (message) {
   *   await message.asic?.saveTo(`./inbox/${message.messageId}`);
   *   await message.ack();
   * }
   * ```
   */
  receiveOne(filter?: IncomingFilter, options?: ReceiveOneOptions): Promise<ReceivedOne | null>;
}

/**
 * For scripts: peeks one message (locking it), downloads its ASiC-E, and hands it over with `ack()`. Call `ack()`
 * after you have stored it; without it the lock expires and the IP redelivers. `null` when the queue is empty.
 *
 * @param filter - Which messages to take (unknown keys are a {@link RequestValidationError}).
 * @example
 * ```ts
 * await using message = await ip.incoming.receiveOne({ serviceIdentifier: 'DPO' });
 * if (message) {
 *   await message.asic?.saveTo(`./inbox/${message.messageId}`);
 *   await message.ack();
 * }
 * ```
 * @internal the client exposes it as `ip.incoming.receiveOne`.
 */
export async function receiveOne(
  ctx: Pick<ReceiveContext, 'incoming' | 'retry' | 'timeoutMs'>,
  filter: IncomingFilter = {},
  options: ReceiveOneOptions = {},
): Promise<ReceivedOne | null> {
  const normalized = normalizeIncomingFilter(filter);
  const lockTimeoutMs = options.lockTimeoutMs ?? 300_000;
  const peekedAt = Date.now();
  const sbd = await ctx.incoming.peek(filter, options);
  if (!sbd) return null;
  const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
  if (!messageId) throw new RequestValidationError('messageId', 'the peeked SBD has no instanceIdentifier');
  const lockDeadline = new Date(peekedAt + lockTimeoutMs);
  // The message's span covers the download; `ack()` runs in its context (its DELETE is the span's child).
  const telemetry = new ReceiveTelemetry(sbd, peekedAt, lockDeadline);
  const serviceIdentifier = inferServiceIdentifier(
    sbd.standardBusinessDocumentHeader.documentIdentification.type,
    normalized.serviceIdentifier,
  );
  let asic: ReceivedAsic | null;
  try {
    const spooled = await telemetry.run(() => downloadAsic(ctx, messageId, options));
    asic = spooled ? new ReceivedAsic(spooled, options.asicLimits) : null;
    telemetry.downloaded(asic?.size, serviceIdentifier);
    telemetry.outcome('received');
  } catch (error) {
    telemetry.failed('pop', error);
    throw error;
  } finally {
    telemetry.end();
  }
  const message = toReceivedMessage(sbd, {
    asic,
    attempt: 1,
    lockDeadline,
    signal: options.signal ?? new AbortController().signal,
    serviceIdentifier,
  });
  const dispose = async () => {
    await asic?.dispose();
  };
  return {
    ...message,
    ack: async (ackOptions: RequestOptions = {}) => {
      const result = await telemetry.run(() => acknowledge(ctx.incoming, messageId, ackOptions));
      telemetry.acked(result);
      if (result === 'not-locked') throw new LockExpiredError(messageId);
      await dispose();
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}
