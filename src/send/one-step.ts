import { isRefusal, isTransient } from '../errors/classify.js';
import { isApiError, isRequestValidationError } from '../errors.js';
import { messageIdOf, type StandardBusinessDocument } from '../models/sbd.js';
import { postGuarded } from '../resources/lost-response.js';
import { isReplayableContent, type Upload } from '../uploads.js';
import { SendError } from './errors.js';
import { failSend } from './failure.js';
import { outcomeTimeoutOf, requestOptions, type SendContext, type SendOptions } from './options.js';
import { awaitOutcome, probe } from './outcome.js';

/**
 * The one-step strategy (`POST /api/messages/out/multipart`), retried without duplicates: an attempt after one
 * without a clear answer first looks whether the IP got it (see `postGuarded`).
 * @internal
 */
export async function oneStep(
  ip: SendContext,
  sbd: StandardBusinessDocument,
  files: readonly Upload[],
  options: SendOptions,
): Promise<StandardBusinessDocument> {
  const messageId = messageIdOf(sbd) as string;
  const reqOptions = requestOptions(options);
  const replayable = files.every((f) => isReplayableContent(f.content));
  const result = await postGuarded(ip.retry, {
    post: () => ip.outgoing.postMultipart(sbd, files, { ...reqOptions, onProgress: options.onProgress }),
    look: async () => {
      const found = await probe(ip, messageId, reqOptions, false);
      return found.state === 'absent' ? null : found;
    },
    // A refusal (408/429/503) is always safe to repeat; an attempt without an answer only with a look first.
    shouldRetry: (error) => replayable && isTransient(error),
    signal: options.signal,
  });
  if ('posted' in result) return result.posted;
  if ('found' in result) {
    if (result.found.state === 'taken') return result.found.sbd ?? sbd;
    // Stored: the send stage may or may not have run. Wait for the outcome.
    return oneStepOutcome(ip, messageId, sbd, new Error('the answer to an earlier attempt was lost'), options);
  }
  const error = result.failed;
  if (isRequestValidationError(error) || options.signal?.aborted) throw error;
  if (result.unresolved) return oneStepOutcome(ip, messageId, sbd, error, options);
  if (isApiError(error) && error.exception === 'MessageAlreadyExistsException') {
    // The messageId belongs to an earlier message: leave that one alone.
    throw new SendError({ step: 'one-step', messageId, cause: error });
  }
  // The IP refused the request without processing it: nothing was stored.
  if (isRefusal(error)) throw new SendError({ step: 'one-step', messageId, cause: error });
  // Any other answer: the IP commits create + upload before its send stage (NextMoveMessageOutController
  // createAndSendMessage), so a failed send stage leaves the message stored.
  let stored: StandardBusinessDocument | null;
  try {
    stored = await ip.outgoing.lookup(messageId, reqOptions, true);
  } catch {
    return failSend(ip, { step: 'one-step', messageId, cause: error, clean: true }, options);
  }
  if (stored) return failSend(ip, { step: 'send', messageId, cause: error, clean: true }, options);
  throw new SendError({ step: 'one-step', messageId, cause: error });
}

/** A one-step send whose outcome is not known: waits for it; never posts again and never deletes. */
async function oneStepOutcome(
  ip: SendContext,
  messageId: string,
  sbd: StandardBusinessDocument,
  cause: unknown,
  options: SendOptions,
): Promise<StandardBusinessDocument> {
  const waitMs = outcomeTimeoutOf(options);
  const outcome = await awaitOutcome(ip, messageId, {
    waitMs,
    created: false,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  if (outcome?.state === 'taken') return outcome.sbd ?? sbd;
  // Absent: the IP never created it, so nothing was sent and nothing is left.
  if (outcome?.state === 'absent') throw new SendError({ step: 'one-step', messageId, cause });
  throw new SendError({ step: 'one-step', messageId, cause, uncertain: true, outcomeTimeoutMs: waitMs });
}
