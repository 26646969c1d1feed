import type { IntegrasjonspunktClient } from '../client.js';
import { isApiError, isRequestValidationError, RequestValidationError } from '../errors.js';
import type { Capability } from '../models/capabilities.js';
import { parseIdentifier, toPrimaryIdentifier } from '../models/identifiers.js';
import { businessMessageOf, messageIdOf, processOf, type StandardBusinessDocument } from '../models/sbd.js';
import { withMessageId } from '../resources/outgoing.js';
import type { RequestOptions } from '../transport/http.js';
import { isTransient } from '../transport/retry.js';
import { isFileContent, type Upload } from '../uploads.js';
import { ReceiverNotCapableError, SendError, type SendStep } from './errors.js';
import { MULTIPART_PART_LIMIT, type SendProgress, sendMultipart, sizeOf } from './multipart.js';
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
   * deleted so nothing half-sent lingers in the outgoing queue.
   * @defaultValue false
   */
  keepOnFailure?: boolean | undefined;
  /** Largest total of all files that `auto` sends one-step. @defaultValue {@link DEFAULT_ONE_STEP_MAX_BYTES} */
  oneStepMaxBytes?: number | undefined;
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
  const chosen = strategy === 'auto' ? chooseStrategy(files, max) : strategy;
  const sbd = withMessageId(await validateSend(input.sbd, files, { oneStep: chosen === 'one-step' }));
  options.signal?.throwIfAborted();
  return chosen === 'one-step' ? oneStep(client, sbd, files, options) : multiStep(client, sbd, files, options);
}

function requestOptions(options: SendOptions): RequestOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs };
}

type ProbeResult = { state: 'absent' } | { state: 'stored'; sbd: StandardBusinessDocument } | { state: 'transmitted' };

/**
 * Where a message stands on the IP: still in the outgoing queue (`GET /api/messages/out/{id}`), already
 * transmitted (gone from the queue but its conversation exists: `GET /api/conversations/messageId/{id}`), or absent.
 */
async function probe(client: IntegrasjonspunktClient, messageId: string, options: RequestOptions): Promise<ProbeResult> {
  try {
    return { state: 'stored', sbd: await client.outgoing.get(messageId, options) };
  } catch (error) {
    if (!(isApiError(error) && error.status === 404)) throw error;
  }
  try {
    await client.conversations.getByMessageId(messageId, options);
    return { state: 'transmitted' };
  } catch (error) {
    if (isApiError(error) && error.status === 404) return { state: 'absent' };
    throw error;
  }
}

/** Deletes a half-built message (always 200 on the IP, reference 3.2.7); ignores the caller's (maybe aborted) signal. */
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
  throw new SendError({ ...rest, cleanedUp, kept: keep });
}

async function oneStep(
  client: IntegrasjonspunktClient,
  sbd: StandardBusinessDocument,
  files: readonly Upload[],
  options: SendOptions,
): Promise<StandardBusinessDocument> {
  const messageId = messageIdOf(sbd) as string;
  const reqOptions = requestOptions(options);
  const replayable = files.every((f) => {
    const c = f.content;
    return typeof c === 'string' || c instanceof Uint8Array || c instanceof ArrayBuffer || c instanceof Blob || isFileContent(c);
  });
  try {
    return await client.transport.withRetry(
      async (attempt) => {
        if (attempt > 1) {
          // The previous attempt failed without an answer: did it reach the IP? Never create a duplicate.
          const found = await probe(client, messageId, reqOptions);
          if (found.state === 'stored') return found.sbd;
          if (found.state === 'transmitted') return sbd;
        }
        return sendMultipart(client.transport, sbd, files, { ...reqOptions, onProgress: options.onProgress });
      },
      { signal: options.signal, shouldRetry: (error) => replayable && isTransient(error) },
    );
  } catch (error) {
    if (isRequestValidationError(error) || options.signal?.aborted) throw error;
    if (isApiError(error) && error.exception === 'MessageAlreadyExistsException') {
      // The messageId belongs to an earlier message: leave that one alone.
      throw new SendError({ step: 'one-step', messageId, cause: error });
    }
    let found: ProbeResult;
    try {
      found = await probe(client, messageId, reqOptions);
    } catch {
      throw new SendError({ step: 'one-step', messageId, cause: error, uncertain: !isApiError(error) });
    }
    if (!isApiError(error) || isTransient(error)) {
      // No (useful) answer: the IP may have handled the call anyway.
      if (found.state === 'stored') return found.sbd;
      if (found.state === 'transmitted') return sbd;
      throw new SendError({ step: 'one-step', messageId, cause: error });
    }
    if (found.state === 'stored') {
      // Reference 3.2.4: create + upload committed, then the send stage failed (400) and left the message stored.
      return fail(client, { step: 'send', messageId, cause: error, clean: true }, options);
    }
    throw new SendError({ step: 'one-step', messageId, cause: error });
  }
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

async function sendStep(client: IntegrasjonspunktClient, messageId: string, options: SendOptions): Promise<void> {
  try {
    await client.outgoing.send(messageId, requestOptions(options));
  } catch (error) {
    if (isApiError(error) && !isTransient(error)) {
      // The IP refused the send (TTL, missing files…): the message stays stored; delete it unless asked to keep it.
      await fail(client, { step: 'send', messageId, cause: error, clean: true }, options);
    }
    // No answer (or aborted): the IP may have queued the message. Look, but never send it again.
    let found: ProbeResult | undefined;
    try {
      found = await probe(client, messageId, { timeoutMs: options.timeoutMs });
    } catch {
      found = undefined;
    }
    if (found?.state === 'transmitted') return;
    if (options.signal?.aborted) throw options.signal.reason;
    throw new SendError({ step: 'send', messageId, cause: error, uncertain: found?.state !== 'absent' });
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
    // message): delete nothing. Without a definite answer the message may exist: delete it.
    const definite = isApiError(error) && error.status < 500;
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
  // 404 NotFoundError: unknown, or already transmitted (then there is nothing to resume).
  const stored = await client.outgoing.get(messageId, requestOptions(options));
  await validateSend(stored, files, { oneStep: false });
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
  const parsed = parseIdentifier(receiver, 'receiver');
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
  await validateSend(sbd, files, { oneStep: false });
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
    if (isApiError(error) && error.status === 404) {
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
