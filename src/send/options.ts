import { RequestValidationError } from '../errors.js';
import type { IdentifierOptions } from '../models/identifiers.js';
import type { StandardBusinessDocument } from '../models/sbd.js';
import type { CapabilitiesResource } from '../resources/capabilities.js';
import type { ConversationsResource } from '../resources/conversations.js';
import { MULTIPART_PART_LIMIT, type SendProgress, sizeOf } from '../resources/multipart.js';
import type { OutgoingResource } from '../resources/outgoing.js';
import type { RequestOptions } from '../transport/http.js';
import type { Logger } from '../transport/logger.js';
import type { RetryRunner } from '../transport/retry.js';
import type { Upload } from '../uploads.js';

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

/** Options for `ip.resumeSend()`. @category Sending */
export type ResumeSendOptions = Omit<SendOptions, 'strategy' | 'oneStepMaxBytes'>;

/** Options for `ip.sendTo()`. @category Sending */
export interface SendToOptions extends SendOptions {
  /** Security level for the capabilities lookup; defaults to the message's `sikkerhetsnivaa`. */
  securityLevel?: number | undefined;
}

/**
 * What the send workflow needs from the client, handed in by the client facade: the resources it calls, the client's
 * retry policy, its logger and its identifier rules. The workflow never sees the transport.
 * @internal
 */
export interface SendContext {
  readonly outgoing: OutgoingResource;
  readonly conversations: ConversationsResource;
  readonly capabilities: CapabilitiesResource;
  /** Runs a step under the client's retry policy. */
  readonly retry: RetryRunner;
  readonly logger: Logger;
  /** How identifiers are checked (`strictIdentifiers`, warnings to the logger). */
  readonly identifiers: IdentifierOptions;
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

/** @internal */
export function checkOutcomeTimeout(options: ResumeSendOptions): void {
  const ms = options.outcomeTimeoutMs;
  if (ms !== undefined && !(typeof ms === 'number' && ms >= 0 && Number.isFinite(ms))) {
    throw new RequestValidationError('outcomeTimeoutMs', 'must be a number of ms >= 0');
  }
}

/** The options each request of a send takes. @internal */
export function requestOptions(options: SendOptions): RequestOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs };
}

/** @internal */
export function outcomeTimeoutOf(options: SendOptions): number {
  return options.outcomeTimeoutMs ?? DEFAULT_OUTCOME_TIMEOUT_MS;
}
