import { RequestValidationError } from '../errors.js';
import { positive } from '../internal/positive.js';
import type { IncomingFilter } from '../resources/incoming.js';
import type { SpoolOptions } from './download.js';
import type { ReceivedMessage } from './message.js';
import { MemoryProcessedStore, type ProcessedStore } from './store.js';

/**
 * Handles one received message. Resolve when the message is safely stored; the loop deletes it from the IP only
 * then. Throw (or reject) to leave it on the IP: it is redelivered when the lock expires.
 * @category Receiving
 */
export type MessageHandler = (message: ReceivedMessage) => Promise<void> | void;

/** Options for `ip.receive()`. @category Receiving */
export interface ReceiveOptions extends SpoolOptions {
  /** Which messages to take. Unknown keys make `loop.done` reject with a {@link RequestValidationError}; nothing is sent. */
  filter?: IncomingFilter;
  /**
   * Handlers running at the same time. The loop only peeks (locks) when a handler slot is free; a finished handler's
   * delete may still be on its way while the next message is peeked, so up to `2 × concurrency` messages can be
   * locked, half of them only awaiting their acknowledgement. @defaultValue 1
   */
  concurrency?: number;
  /** The IP's lock duration (`difi.move.nextmove.lockTimeoutMinutes`). @defaultValue 300 000 (5 minutes) */
  lockTimeoutMs?: number;
  /** A `warning` is emitted when a handler is still running this long before its lock runs out. @defaultValue min(60 s, lockTimeoutMs / 5) */
  lockWarningMs?: number;
  /** First wait after an empty queue (204); doubles on each further empty poll. @defaultValue 1 000 */
  pollIntervalMs?: number;
  /** Longest wait between polls of an empty queue. @defaultValue 30 000 */
  maxPollIntervalMs?: number;
  /** Processed-id store. @defaultValue a new {@link MemoryProcessedStore} */
  store?: ProcessedStore;
  /** Handler attempts before a message counts as poison. @defaultValue 5 */
  maxAttempts?: number;
  /**
   * What to do with a poison message: `leave` it on the IP (it is skipped, and stays until it expires), or
   * `deadLetter`: save its SBD and ASiC-E under `deadLetterDir/<messageId>/` and only then delete it from the IP.
   * @defaultValue 'leave'
   */
  onPoison?: 'leave' | 'deadLetter';
  /** Folder for dead letters; required with `onPoison: 'deadLetter'`. */
  deadLetterDir?: string;
  /** Look up the service identifier in the incoming conversation when the filter and type do not tell (one extra GET per message). @defaultValue false */
  resolveServiceIdentifier?: boolean;
  /** Stop (and resolve `done`) at the first empty poll: for scripts that drain the queue. @defaultValue false */
  stopWhenIdle?: boolean;
  /** Take at most this many messages from the queue (handled, failed, duplicates or poison), then stop once they are done. */
  maxMessages?: number;
  /** Aborting stops at once: in-flight requests are cancelled, nothing more is deleted; `done` resolves. */
  signal?: AbortSignal;
  /** Timeout per HTTP attempt (the client's by default). */
  timeoutMs?: number;
}

/** {@link ReceiveOptions} checked, with their defaults filled in. @internal */
export interface ResolvedReceiveOptions {
  readonly options: ReceiveOptions;
  readonly store: ProcessedStore;
  readonly concurrency: number;
  readonly lockTimeoutMs: number;
  readonly lockWarningMs: number;
  readonly pollIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly maxAttempts: number;
}

/**
 * Checks the handler and the options and fills in the defaults.
 * @throws {@link RequestValidationError} for a handler that is not a function or a bad option.
 * @internal
 */
export function resolveReceiveOptions(handler: unknown, options: ReceiveOptions = {}): ResolvedReceiveOptions {
  if (typeof handler !== 'function') throw new RequestValidationError('handler', 'must be a function');
  const lockTimeoutMs = positive(options.lockTimeoutMs ?? 300_000, 'lockTimeoutMs');
  const pollIntervalMs = positive(options.pollIntervalMs ?? 1_000, 'pollIntervalMs');
  const resolved: ResolvedReceiveOptions = {
    options,
    store: options.store ?? new MemoryProcessedStore(),
    concurrency: positiveInt(options.concurrency ?? 1, 'concurrency'),
    lockTimeoutMs,
    lockWarningMs: positive(options.lockWarningMs ?? Math.min(60_000, lockTimeoutMs / 5), 'lockWarningMs'),
    pollIntervalMs,
    maxPollIntervalMs: Math.max(pollIntervalMs, positive(options.maxPollIntervalMs ?? 30_000, 'maxPollIntervalMs')),
    maxAttempts: positiveInt(options.maxAttempts ?? 5, 'maxAttempts'),
  };
  if (options.maxMessages !== undefined) positiveInt(options.maxMessages, 'maxMessages');
  if (options.onPoison === 'deadLetter' && !options.deadLetterDir)
    throw new RequestValidationError('deadLetterDir', "is needed with onPoison: 'deadLetter'");
  return resolved;
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RequestValidationError(name, 'must be a whole number >= 1');
  return value;
}
