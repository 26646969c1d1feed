import { EformidlingError, isApiError } from '../errors.js';
import type { Capability } from '../models/capabilities.js';

/**
 * The step of a send that failed: `create` (`POST /api/messages/out`), `upload` (a `PUT` of one file), `send`
 * (`POST /api/messages/out/{id}`, or the send stage of a one-step call), or `one-step` (the multipart call itself).
 * @category Sending
 */
export type SendStep = 'create' | 'upload' | 'send' | 'one-step';

/** Options for constructing a {@link SendError}. @category Sending */
export interface SendErrorInit {
  step: SendStep;
  messageId: string;
  cause: unknown;
  /** The file whose upload failed (step `upload`). */
  filename?: string | undefined;
  /** The half-built message was deleted from the IP. */
  cleanedUp?: boolean | undefined;
  /** The half-built message was kept on purpose (`keepOnFailure`); resume it with `ip.resumeSend()`. */
  kept?: boolean | undefined;
  /** The outcome is unknown (the connection broke while the IP handled the send); the message was left alone. */
  uncertain?: boolean | undefined;
  /** The SDK tried to delete the half-built message and could not: it stays in the outgoing queue. */
  cleanupFailed?: boolean | undefined;
  /** How long the SDK waited for the outcome of an uncertain send, in ms (worded in the message). */
  outcomeTimeoutMs?: number | undefined;
}

/**
 * A send failed after local validation passed. Says which step failed and carries the messageId; the original
 * failure (an {@link ApiError}, {@link ConnectionError}…) is the `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await ip.send({ sbd, files });
 * } catch (error) {
 *   if (isSendError(error) && error.uncertain) {
 *     // The IP may have taken it: never send it again; its statuses tell.
 *     await ip.waitForDelivery(error.messageId);
 *   } else if (isSendError(error)) {
 *     console.error(error.step, error.messageId, error.exception, error.cleanedUp, error.kept);
 *   }
 * }
 * ```
 * @category Sending
 */
export class SendError extends EformidlingError {
  /** Which step failed. */
  readonly step: SendStep;
  /** The message's id (never reusable on the IP, even after a failure). */
  readonly messageId: string;
  /** The file whose upload failed. */
  readonly filename: string | undefined;
  /** True when the SDK deleted the half-built message (`DELETE /api/messages/out/{id}`). */
  readonly cleanedUp: boolean;
  /** True when the half-built message was kept (`keepOnFailure: true`) for `ip.resumeSend()`. */
  readonly kept: boolean;
  /**
   * True when the SDK cannot tell whether the IP took the send: the send call got no clear answer (a reset, a
   * timeout, a 502/504, a lost response), and while the SDK waited (`outcomeTimeoutMs`) the message neither left the
   * outgoing queue nor got the status `SENDT`. It was neither deleted nor sent again. Do not send it again (a second
   * send can transmit it twice): follow its statuses with `ip.waitForDelivery(messageId)` or a tracker.
   */
  readonly uncertain: boolean;
  /** HTTP status of the cause, when the IP answered. */
  readonly status: number | undefined;
  /** Short exception name of the cause (e.g. `MissingArkivmeldingFileException`), when the IP answered. */
  readonly exception: string | undefined;

  constructor(init: SendErrorInit) {
    const cause = init.cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const what =
      init.step === 'upload' && init.filename !== undefined
        ? `upload of '${init.filename}'`
        : init.step === 'one-step'
          ? 'one-step send'
          : init.step;
    const after = init.cleanedUp
      ? ' The message was deleted from the IP.'
      : init.kept
        ? ' The message was kept; finish it with ip.resumeSend().'
        : init.uncertain
          ? uncertainText(init.outcomeTimeoutMs)
          : init.cleanupFailed
            ? ` The message could not be deleted and stays in the IP's outgoing queue; delete it with ` +
              `ip.outgoing.delete('${init.messageId}').`
            : '';
    super(`Sending message ${init.messageId} failed at ${what}: ${reason}.${after}`, { cause });
    this.step = init.step;
    this.messageId = init.messageId;
    this.filename = init.filename;
    this.cleanedUp = init.cleanedUp ?? false;
    this.kept = init.kept ?? false;
    this.uncertain = init.uncertain ?? false;
    this.status = isApiError(cause) ? cause.status : undefined;
    this.exception = isApiError(cause) ? cause.exception : undefined;
  }

  override toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      step: this.step,
      messageId: this.messageId,
      filename: this.filename,
      cleanedUp: this.cleanedUp,
      kept: this.kept,
      uncertain: this.uncertain,
      status: this.status,
      exception: this.exception,
    };
  }
}

function uncertainText(waitedMs: number | undefined): string {
  const waited =
    waitedMs === undefined ? '' : `, and within ${waitedMs} ms the SDK did not see it leave the outgoing queue or get the status SENDT`;
  return (
    ` The outcome is unknown: the IP may have taken the send${waited}. The message was neither deleted nor sent again;` +
    ' do not send it again, not even with ip.resumeSend() (that can transmit it twice). Follow its statuses (ip.waitForDelivery(messageId) or a tracker):' +
    ' SENDT means it went out; if it never goes out, the IP ends it with LEVETID_UTLOPT when it expires.'
  );
}

/**
 * The receiver cannot take this message: its capabilities (`GET /api/capabilities/{id}`) list no service for the
 * message's process and document type. The IP would answer `ReceiverDoesNotAcceptProcessException`. Nothing was sent.
 * @category Sending
 */
export class ReceiverNotCapableError extends EformidlingError {
  readonly receiver: string;
  readonly process: string | undefined;
  readonly standard: string;
  /** What the receiver can take. */
  readonly capabilities: readonly Capability[];

  constructor(init: {
    receiver: string;
    process: string | undefined;
    standard: string;
    capabilities: readonly Capability[];
    reason: string;
  }) {
    super(`Receiver ${init.receiver} cannot take this message: ${init.reason}`);
    this.receiver = init.receiver;
    this.process = init.process;
    this.standard = init.standard;
    this.capabilities = init.capabilities;
  }

  override toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, receiver: this.receiver, process: this.process, standard: this.standard };
  }
}

/** True for a {@link SendError}, also from another copy of the package. @category Sending */
export function isSendError(value: unknown): value is SendError {
  return value instanceof SendError || (value instanceof Error && value.name === 'SendError' && 'step' in value);
}

/** True for a {@link ReceiverNotCapableError}. @category Sending */
export function isReceiverNotCapableError(value: unknown): value is ReceiverNotCapableError {
  return value instanceof ReceiverNotCapableError || (value instanceof Error && value.name === 'ReceiverNotCapableError');
}
