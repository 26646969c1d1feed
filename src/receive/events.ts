import type { ReceivedMessage } from './message.js';

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

/** A report with every counter at zero. @internal */
export function emptyReport(): ReceiveReport {
  return {
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
}

/** Adds a failure to the report's list, keeping the last 100. @internal */
export function recordFailure(report: ReceiveReport, messageId: string | undefined, stage: ReceiveStage, error: unknown): void {
  const failures = report.failures;
  failures.push({ messageId, stage, error, at: new Date() });
  if (failures.length > MAX_FAILURES_KEPT) failures.shift();
}

/** An error as one line of text, for the processed-id store. @internal */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
