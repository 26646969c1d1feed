import { isAmbiguous, isRefusal } from '../errors/classify.js';
import { isApiError } from '../errors.js';
import { messageIdOf, type StandardBusinessDocument } from '../models/sbd.js';
import type { Upload } from '../uploads.js';
import { SendError } from './errors.js';
import { failSend } from './failure.js';
import { outcomeTimeoutOf, requestOptions, type SendContext, type SendOptions } from './options.js';
import { awaitOutcome, probe } from './outcome.js';

/** Uploads the files one by one (`PUT /api/messages/out/{messageId}`); a failure ends the send. @internal */
export async function uploadAll(
  ip: SendContext,
  messageId: string,
  files: readonly Upload[],
  options: SendOptions,
  skipExisting: boolean,
): Promise<void> {
  for (const file of files) {
    const onProgress = options.onProgress;
    try {
      await ip.outgoing.upload(messageId, file, {
        ...requestOptions(options),
        ...(onProgress ? { onProgress: (p) => onProgress({ file: file.filename, ...p }) } : {}),
      });
    } catch (error) {
      if (skipExisting && isApiError(error) && error.exception === 'DuplicateFilenameException') continue;
      await failSend(ip, { step: 'upload', messageId, cause: error, filename: file.filename, clean: true }, options);
    }
  }
}

/**
 * The send step of a multi-step send. The IP's send validates, puts the message on its internal queue and returns;
 * NextMoveSender transmits it later and only then deletes it from the outgoing queue (NextMoveMessageService
 * sendMessage, InternalQueue). A second send can therefore transmit it twice, so a send is repeated only after a
 * refusal (408, 429, 503: not processed). Without an answer the step waits for the outcome instead.
 * @internal
 */
export async function sendStep(ip: SendContext, messageId: string, options: SendOptions): Promise<void> {
  try {
    await ip.retry(() => ip.outgoing.send(messageId, requestOptions(options)), { signal: options.signal, shouldRetry: isRefusal });
    return;
  } catch (error) {
    if (options.signal?.aborted) {
      // Cancelled during the send: one look (without the spent signal) tells whether the IP took it.
      const found = await probe(ip, messageId, { timeoutMs: options.timeoutMs }, true).catch(() => undefined);
      if (found?.state === 'taken') return;
      throw options.signal.reason;
    }
    // A definite answer (a refusal on the last attempt, a 4xx, a 500): the message stays stored; delete it unless
    // asked to keep it.
    if (!isAmbiguous(error)) return failSend(ip, { step: 'send', messageId, cause: error, clean: true }, options);
    const waitMs = outcomeTimeoutOf(options);
    const outcome = await awaitOutcome(ip, messageId, {
      waitMs,
      created: true,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    if (outcome?.state === 'taken') return;
    throw new SendError({ step: 'send', messageId, cause: error, uncertain: true, outcomeTimeoutMs: waitMs });
  }
}

/** The multi-step strategy: create → one streamed `PUT` per file → send. @internal */
export async function multiStep(
  ip: SendContext,
  sbd: StandardBusinessDocument,
  files: readonly Upload[],
  options: SendOptions,
): Promise<StandardBusinessDocument> {
  const messageId = messageIdOf(sbd) as string;
  let stored: StandardBusinessDocument;
  try {
    // Retried on transient failures; a lost response is detected by looking the messageId up (no duplicate).
    stored = await ip.outgoing.create(sbd, requestOptions(options));
  } catch (error) {
    // A definite 4xx means nothing was created (and MessageAlreadyExistsException means the id belongs to another
    // message): delete nothing. Otherwise an earlier attempt may have created it: delete it (a no-op if not).
    const definite = isApiError(error) && error.status < 500 && !isRefusal(error);
    return failSend(ip, { step: 'create', messageId, cause: error, clean: !definite }, options);
  }
  await uploadAll(ip, messageId, files, options, false);
  await sendStep(ip, messageId, options);
  return stored;
}
