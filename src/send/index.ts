import type { IntegrasjonspunktClient } from '../client.js';
import { isApiError, isNotFoundError, isRequestValidationError, RequestValidationError } from '../errors.js';
import type { Capability } from '../models/capabilities.js';
import { parseIdentifier, toPrimaryIdentifier } from '../models/identifiers.js';
import { businessMessageOf, messageIdOf, processOf, type StandardBusinessDocument } from '../models/sbd.js';
import { withMessageId } from '../resources/outgoing.js';
import type { RequestOptions, Transport } from '../transport/http.js';
import { isAmbiguous, isRefusal, isTransient } from '../transport/retry.js';
import { isFileContent, type Upload } from '../uploads.js';
import { ReceiverNotCapableError, SendError, type SendStep } from './errors.js';
import { MULTIPART_PART_LIMIT, type SendProgress, sendMultipart, sizeOf } from './multipart.js';
import { awaitOutcome, findOutgoing, type MessageState, probe } from './outcome.js';
import { validateSend } from './validate.js';

export {
  isReceiverNotCapableError,
  isSendError,
  ReceiverNotCapableError,
  SendError,
  type SendErrorInit,
  type SendStep,
} from './errors.js';
export { MULTIPART_PART_LIMIT, type SendProgress } from './multipart.js';

/**
 * Default of {@link SendOptions.oneStepMaxBytes}: `auto` sends one-step while all files together stay at or below
 * this size. Measured with bench/send.bench.mjs against a local server: one-step beat create → upload → send at
 * every total up to 5 MiB per file (one request instead of 2 + n), so the threshold bounds what a failure costs
 * to send again rather than speed: 20 MiB.
 * @category Sending
 */
export const DEFAULT_ONE_STEP_MAX_BYTES = 20 * 1024 * 1024;

/**
 * Default of {@link SendOptions.outcomeTimeoutMs}: how long a send without an answer waits for the IP to show what
 * became of it. The IP hands a sent message to the transport within seconds when all is well: 60 s.
 * @internal
 */
export const DEFAULT_OUTCOME_TIMEOUT_MS = 60_000;

/** A message to send: the SBD and its files. @category Sending */
export interface SendInput {
  /** The StandardBusinessDocument; build one with the message builders (`arkivmelding()`, `digital()`…). */
  sbd: StandardBusinessDocument;
  /** The files; `arkivmelding.xml` and the documents it names, the primary document, metadata files… */
  files?: readonly Upload[] | undefined;
}

/** How to send: see {@link SendOptions.strategy}. @category Sending */
export type SendStrategy = 'auto' | 'one-step' | 'multi-step';

/** Options for `ip.send()`. @category Sending */
export interface SendOptions extends RequestOptions {
  /**
   * `one-step`: one multipart call (every file ≤ 5 MiB). `multi-step`: create → one streamed `PUT` per file → send.
   * `auto` picks one-step when every file's size is known and ≤ 5 MiB and all files together are at most
   * {@link SendOptions.oneStepMaxBytes}; otherwise (and for streams of unknown size) multi-step.
   * @defaultValue 'auto'
   */
  strategy?: SendStrategy | undefined;
  /** Upload progress, per file. */
  onProgress?: ((progress: SendProgress) => void) | undefined;
  /**
   * Keep a half-built message on the IP when a step fails (resume it with `ip.resumeSend()`); by default it is
   * deleted so nothing half-sent lingers in the outgoing queue. A send that ends `uncertain` is never deleted and
   * must not be resumed (see {@link SendOptions.outcomeTimeoutMs}).
   * @defaultValue false
   */
  keepOnFailure?: boolean | undefined;
  /** Largest total of all files that `auto` sends one-step. @defaultValue {@link DEFAULT_ONE_STEP_MAX_BYTES} */
  oneStepMaxBytes?: number | undefined;
  /**
   * When the send call itself gets no clear answer (a reset, a timeout, a 502/504, a lost response), the IP may have
   * taken the message, so it is never sent again. Instead the SDK looks for the outcome for up to this many ms: the
   * message leaving the outgoing queue, or the status `SENDT`, means it was taken (the send resolves). If neither
   * shows in time, the send rejects with a {@link SendError} with `uncertain: true`. `0` looks once.
   * @defaultValue 60 000
   */
  outcomeTimeoutMs?: number | undefined;
}

/**
 * The strategy `auto` picks for these files: one-step when every size is known and ≤ 5 MiB and the total is at most
 * `oneStepMaxBytes`, otherwise multi-step.
 * @category Sending
 */
export function chooseStrategy(files: readonly Upload[], oneStepMaxBytes = DEFAULT_ONE_STEP_MAX_BYTES): 'one-step' | 'multi-step' {
  let total = 0;
  for (const file of files) {
    // Not an upload at all: multi-step, whose validation names the entry (files[i].filename).
    const size = file && typeof file === 'object' ? sizeOf(file) : undefined;
    if (size === undefined || size > MULTIPART_PART_LIMIT) return 'multi-step';
    total += size;
  }
  return total <= oneStepMaxBytes ? 'one-step' : 'multi-step';
}

/**
 * Validates locally, then sends with the chosen strategy. Never leaves a half-sent message behind (unless
 * `keepOnFailure`), never creates a duplicate after a lost response, never sends twice.
 * @internal
 */
export async function sendMessage(
  client: IntegrasjonspunktClient,
  input: SendInput,
  options: SendOptions = {},
): Promise<StandardBusinessDocument> {
  if (!input || typeof input !== 'object' || !input.sbd) throw new RequestValidationError('sbd', 'is required');
  const files = input.files ?? [];
  if (!Array.isArray(files)) throw new RequestValidationError('files', 'must be an array of uploads');
  const strategy = options.strategy ?? 'auto';
  if (strategy !== 'auto' && strategy !== 'one-step' && strategy !== 'multi-step') {
    throw new RequestValidationError('strategy', `must be 'auto', 'one-step' or 'multi-step', not '${String(strategy)}'`);
  }
  const max = options.oneStepMaxBytes ?? DEFAULT_ONE_STEP_MAX_BYTES;
  if (!(max >= 0)) throw new RequestValidationError('oneStepMaxBytes', 'must be a number >= 0');
  checkOutcomeTimeout(options);
  const chosen = strategy === 'auto' ? chooseStrategy(files, max) : strategy;
  const sbd = withMessageId(
    await validateSend(input.sbd, files, { oneStep: chosen === 'one-step', identifiers: client.transport.identifiers }),
  );
  options.signal?.throwIfAborted();
  return chosen === 'one-step' ? oneStep(client, sbd, files, options) : multiStep(client, sbd, files, options);
}

function checkOutcomeTimeout(options: ResumeSendOptions): void {
  const ms = options.outcomeTimeoutMs;
  if (ms !== undefined && !(typeof ms === 'number' && ms >= 0 && Number.isFinite(ms))) {
    throw new RequestValidationError('outcomeTimeoutMs', 'must be a number of ms >= 0');
  }
}

function requestOptions(options: SendOptions): RequestOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs };
}

function outcomeTimeoutOf(options: SendOptions): number {
  return options.outcomeTimeoutMs ?? DEFAULT_OUTCOME_TIMEOUT_MS;
}

/**
 * Deletes a half-built message (always 200 on the IP: NextMoveMessageService.deleteMessage); ignores the caller's
 * (maybe aborted) signal.
 */
async function cleanup(client: IntegrasjonspunktClient, messageId: string, options: SendOptions): Promise<boolean> {
  try {
    await client.outgoing.delete(messageId, { timeoutMs: options.timeoutMs });
    return true;
  } catch (error) {
    client.transport.logger.warn(`could not delete half-built message ${messageId}`, { error });
    return false;
  }
}

async function fail(
  client: IntegrasjonspunktClient,
  init: { step: SendStep; messageId: string; cause: unknown; filename?: string; clean: boolean },
  options: SendOptions,
): Promise<never> {
  const { clean, ...rest } = init;
  const keep = clean && options.keepOnFailure === true;
  const cleanedUp = clean && !keep ? await cleanup(client, init.messageId, options) : false;
  // A cancellation stays a cancellation (rejects with the signal's reason), after the cleanup.
  if (options.signal?.aborted && init.cause === options.signal.reason) throw init.cause;
  throw new SendError({ ...rest, cleanedUp, kept: keep, cleanupFailed: clean && !keep && !cleanedUp });
}

/** What a one-step attempt ended with: the IP's answer, or (after an earlier attempt got none) what a look found. */
type OneStepResult = { sent: StandardBusinessDocument } | { found: MessageState };

async function oneStep(
  client: IntegrasjonspunktClient,
  sbd: StandardBusinessDocument,
  files: readonly Upload[],
  options: SendOptions,
): Promise<StandardBusinessDocument> {
  const messageId = messageIdOf(sbd) as string;
  const transport = client.transport;
  const reqOptions = requestOptions(options);
  const replayable = files.every((f) => {
    const c = f.content;
    return typeof c === 'string' || c instanceof Uint8Array || c instanceof ArrayBuffer || c instanceof Blob || isFileContent(c);
  });
  // True while an attempt that got no clear answer may have reached the IP: the next attempt looks before it posts,
  // and a send that ends in this state waits for the outcome instead of failing.
  let unresolved = false;
  let result: OneStepResult;
  try {
    result = await transport.withRetry<OneStepResult>(
      async (attempt) => {
        if (unresolved) {
          const found = await probe(transport, messageId, reqOptions, false);
          if (found.state !== 'absent') return { found };
          unresolved = false;
        }
        try {
          return { sent: await sendMultipart(transport, sbd, files, { ...reqOptions, onProgress: options.onProgress }) };
        } catch (error) {
          // On a retry, MessageAlreadyExistsException means an earlier attempt got through after all.
          const exists = attempt > 1 && isApiError(error) && error.exception === 'MessageAlreadyExistsException';
          if (exists || isAmbiguous(error)) unresolved = true;
          throw error;
        }
      },
      // A refusal (408/429/503) is always safe to repeat; an attempt without an answer only with a look first.
      { signal: options.signal, shouldRetry: (error) => replayable && isTransient(error) },
    );
  } catch (error) {
    if (isRequestValidationError(error) || options.signal?.aborted) throw error;
    if (unresolved) return oneStepOutcome(transport, messageId, sbd, error, options);
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
      stored = await transport.withRetry(() => findOutgoing(transport, messageId, reqOptions), { signal: options.signal });
    } catch {
      return fail(client, { step: 'one-step', messageId, cause: error, clean: true }, options);
    }
    if (stored) return fail(client, { step: 'send', messageId, cause: error, clean: true }, options);
    throw new SendError({ step: 'one-step', messageId, cause: error });
  }
  if ('sent' in result) return result.sent;
  if (result.found.state === 'taken') return result.found.sbd ?? sbd;
  // Stored: the send stage may or may not have run. Wait for the outcome.
  return oneStepOutcome(transport, messageId, sbd, new Error('the answer to an earlier attempt was lost'), options);
}

/** A one-step send whose outcome is not known: waits for it; never posts again and never deletes. */
async function oneStepOutcome(
  transport: Transport,
  messageId: string,
  sbd: StandardBusinessDocument,
  cause: unknown,
  options: SendOptions,
): Promise<StandardBusinessDocument> {
  const waitMs = outcomeTimeoutOf(options);
  const outcome = await awaitOutcome(transport, messageId, {
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

async function uploadAll(
  client: IntegrasjonspunktClient,
  messageId: string,
  files: readonly Upload[],
  options: SendOptions,
  skipExisting: boolean,
): Promise<void> {
  for (const file of files) {
    const onProgress = options.onProgress;
    try {
      await client.outgoing.upload(messageId, file, {
        ...requestOptions(options),
        ...(onProgress ? { onProgress: (p) => onProgress({ file: file.filename, ...p }) } : {}),
      });
    } catch (error) {
      if (skipExisting && isApiError(error) && error.exception === 'DuplicateFilenameException') continue;
      await fail(client, { step: 'upload', messageId, cause: error, filename: file.filename, clean: true }, options);
    }
  }
}

/**
 * The send step of a multi-step send. The IP's send validates, puts the message on its internal queue and returns;
 * NextMoveSender transmits it later and only then deletes it from the outgoing queue (NextMoveMessageService
 * sendMessage, InternalQueue). A second send can therefore transmit it twice, so a send is repeated only after a
 * refusal (408, 429, 503: not processed). Without an answer the step waits for the outcome instead.
 */
async function sendStep(client: IntegrasjonspunktClient, messageId: string, options: SendOptions): Promise<void> {
  const transport = client.transport;
  try {
    await transport.withRetry(() => client.outgoing.send(messageId, requestOptions(options)), {
      signal: options.signal,
      shouldRetry: isRefusal,
    });
    return;
  } catch (error) {
    if (options.signal?.aborted) {
      // Cancelled during the send: one look (without the spent signal) tells whether the IP took it.
      const found = await probe(transport, messageId, { timeoutMs: options.timeoutMs }, true).catch(() => undefined);
      if (found?.state === 'taken') return;
      throw options.signal.reason;
    }
    // A definite answer (a refusal on the last attempt, a 4xx, a 500): the message stays stored; delete it unless
    // asked to keep it.
    if (!isAmbiguous(error)) return fail(client, { step: 'send', messageId, cause: error, clean: true }, options);
    const waitMs = outcomeTimeoutOf(options);
    const outcome = await awaitOutcome(transport, messageId, {
      waitMs,
      created: true,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    if (outcome?.state === 'taken') return;
    throw new SendError({ step: 'send', messageId, cause: error, uncertain: true, outcomeTimeoutMs: waitMs });
  }
}

async function multiStep(
  client: IntegrasjonspunktClient,
  sbd: StandardBusinessDocument,
  files: readonly Upload[],
  options: SendOptions,
): Promise<StandardBusinessDocument> {
  const messageId = messageIdOf(sbd) as string;
  let stored: StandardBusinessDocument;
  try {
    // Retried on transient failures; a lost response is detected by looking the messageId up (no duplicate).
    stored = await client.outgoing.create(sbd, requestOptions(options));
  } catch (error) {
    // A definite 4xx means nothing was created (and MessageAlreadyExistsException means the id belongs to another
    // message): delete nothing. Otherwise an earlier attempt may have created it: delete it (a no-op if not).
    const definite = isApiError(error) && error.status < 500 && !isRefusal(error);
    return fail(client, { step: 'create', messageId, cause: error, clean: !definite }, options);
  }
  await uploadAll(client, messageId, files, options, false);
  await sendStep(client, messageId, options);
  return stored;
}

/** Options for `ip.resumeSend()`. @category Sending */
export type ResumeSendOptions = Omit<SendOptions, 'strategy' | 'oneStepMaxBytes'>;

/**
 * Finishes a message kept after a failure (`keepOnFailure: true`): uploads the files (those the IP already has are
 * skipped: it answers `DuplicateFilenameException`) and sends it once.
 * @internal
 */
export async function resumeSend(
  client: IntegrasjonspunktClient,
  messageId: string,
  files: readonly Upload[] = [],
  options: ResumeSendOptions = {},
): Promise<StandardBusinessDocument> {
  if (typeof messageId !== 'string' || messageId === '') throw new RequestValidationError('messageId', 'is required');
  checkOutcomeTimeout(options);
  // 404 NotFoundError: unknown, or already transmitted (then there is nothing to resume).
  const stored = await client.outgoing.get(messageId, requestOptions(options));
  await validateSend(stored, files, { oneStep: false, identifiers: client.transport.identifiers });
  await uploadAll(client, messageId, files, options, true);
  await sendStep(client, messageId, options);
  return stored;
}

const list = (values: readonly string[]) => (values.length > 0 ? values.join(', ') : 'nothing');

/** Options for `ip.sendTo()`. @category Sending */
export interface SendToOptions extends SendOptions {
  /** Security level for the capabilities lookup; defaults to the message's `sikkerhetsnivaa`. */
  securityLevel?: number | undefined;
}

/**
 * Sets the receiver, checks the receiver's capabilities for the message's process and document type, then sends.
 * @internal
 */
export async function sendTo(
  client: IntegrasjonspunktClient,
  receiver: string,
  message: StandardBusinessDocument,
  files: readonly Upload[] = [],
  options: SendToOptions = {},
): Promise<StandardBusinessDocument> {
  if (typeof receiver !== 'string') throw new RequestValidationError('receiver', 'is required');
  if (!message?.standardBusinessDocumentHeader) throw new RequestValidationError('message', 'must be a StandardBusinessDocument');
  const parsed = parseIdentifier(receiver, 'receiver', client.transport.identifiers);
  const header = message.standardBusinessDocumentHeader;
  const existing = header.receiver?.[0]?.identifier.value;
  if (
    existing !== undefined &&
    parseIdentifier(existing, `standardBusinessDocumentHeader.receiver[0].identifier.value`).value !== parsed.value
  ) {
    throw new RequestValidationError('receiver', `the message is addressed to ${existing}, not ${parsed.value}`);
  }
  const sbd: StandardBusinessDocument = {
    ...message,
    standardBusinessDocumentHeader: { ...header, receiver: [{ identifier: { value: parsed.value, authority: parsed.authority } }] },
  };
  // Local checks first: no lookup for a message that would be refused anyway.
  await validateSend(sbd, files, { oneStep: false, identifiers: client.transport.identifiers });
  const process = processOf(sbd);
  const standard = sbd.standardBusinessDocumentHeader.documentIdentification.standard;
  const level = options.securityLevel ?? businessMessageOf<{ sikkerhetsnivaa?: unknown }>(sbd)?.sikkerhetsnivaa;
  let capabilities: readonly Capability[];
  try {
    ({ capabilities } = await client.capabilities.get(toPrimaryIdentifier(parsed.value), {
      ...requestOptions(options),
      ...(typeof level === 'number' ? { securityLevel: level } : {}),
    }));
  } catch (error) {
    if (isNotFoundError(error)) {
      throw new ReceiverNotCapableError({
        receiver: parsed.value,
        process,
        standard,
        capabilities: [],
        reason: 'the service registry does not know it',
      });
    }
    throw error;
  }
  const forProcess = capabilities.filter((c) => c.process === process);
  if (forProcess.length === 0) {
    const known = [...new Set(capabilities.map((c) => c.process))];
    throw new ReceiverNotCapableError({
      receiver: parsed.value,
      process,
      standard,
      capabilities,
      reason: `it does not accept the process ${process} (it accepts: ${list(known)})`,
    });
  }
  if (!forProcess.some((c) => c.documentTypes.some((d) => d.standard === standard))) {
    const known = [...new Set(forProcess.flatMap((c) => c.documentTypes.map((d) => d.standard)))];
    throw new ReceiverNotCapableError({
      receiver: parsed.value,
      process,
      standard,
      capabilities,
      reason: `it does not accept the document type ${standard} in process ${process} (it accepts: ${list(known)})`,
    });
  }
  const { securityLevel: _level, ...sendOptions } = options;
  return sendMessage(client, { sbd, files }, sendOptions);
}
