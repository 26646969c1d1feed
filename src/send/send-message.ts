import { RequestValidationError } from '../errors.js';
import type { StandardBusinessDocument } from '../models/sbd.js';
import { withMessageId } from '../resources/outgoing.js';
import type { Upload } from '../uploads.js';
import { multiStep, sendStep, uploadAll } from './multi-step.js';
import { oneStep } from './one-step.js';
import {
  checkOutcomeTimeout,
  chooseStrategy,
  DEFAULT_ONE_STEP_MAX_BYTES,
  type ResumeSendOptions,
  requestOptions,
  type SendContext,
  type SendInput,
  type SendOptions,
} from './options.js';
import { type SendTelemetry, traceSend } from './telemetry.js';
import { validateSend } from './validate.js';

/**
 * Validates locally, then sends with the chosen strategy. Never leaves a half-sent message behind (unless
 * `keepOnFailure`), never creates a duplicate after a lost response, never sends twice.
 * @internal
 */
export function sendMessage(ip: SendContext, input: SendInput, options: SendOptions = {}): Promise<StandardBusinessDocument> {
  return traceSend((telemetry) => sendTraced(ip, input, options, telemetry));
}

/** {@link sendMessage} inside a send span the caller opened (`sendTo()` opens it before the capabilities lookup). @internal */
export async function sendTraced(
  ip: SendContext,
  input: SendInput,
  options: SendOptions,
  telemetry: SendTelemetry,
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
  const sbd = withMessageId(await validateSend(input.sbd, files, { oneStep: chosen === 'one-step', identifiers: ip.identifiers }));
  telemetry.describe(sbd, files, chosen);
  options.signal?.throwIfAborted();
  return chosen === 'one-step' ? oneStep(ip, sbd, files, options) : multiStep(ip, sbd, files, options);
}

/**
 * Finishes a message kept after a failure (`keepOnFailure: true`): uploads the files (those the IP already has are
 * skipped: it answers `DuplicateFilenameException`) and sends it once.
 * @internal
 */
export function resumeSend(
  ip: SendContext,
  messageId: string,
  files: readonly Upload[] = [],
  options: ResumeSendOptions = {},
): Promise<StandardBusinessDocument> {
  return traceSend((telemetry) => resume(ip, messageId, files, options, telemetry));
}

async function resume(
  ip: SendContext,
  messageId: string,
  files: readonly Upload[],
  options: ResumeSendOptions,
  telemetry: SendTelemetry,
): Promise<StandardBusinessDocument> {
  if (typeof messageId !== 'string' || messageId === '') throw new RequestValidationError('messageId', 'is required');
  checkOutcomeTimeout(options);
  // 404 NotFoundError: unknown, or already transmitted (then there is nothing to resume).
  const stored = await ip.outgoing.get(messageId, requestOptions(options));
  await validateSend(stored, files, { oneStep: false, identifiers: ip.identifiers });
  telemetry.describe(stored, files, 'multi-step', true);
  await uploadAll(ip, messageId, files, options, true);
  await sendStep(ip, messageId, options);
  return stored;
}
