import { sleep } from '../internal/sleep.js';
import type { StandardBusinessDocument } from '../models/sbd.js';
import type { RequestOptions } from '../transport/http.js';
import type { SendContext } from './options.js';

/**
 * Looking at the IP after a request that got no clear answer: did it take effect? Every look is one request with no
 * retries of its own (`outgoing.lookup()`, `conversations.lookupByMessageId()`), so it can run inside a retried
 * attempt (one retry layer) or in the polling loop below.
 * @module
 */

/**
 * Where a message stands on the IP.
 * - `absent`: no outgoing message and no conversation: the IP never created it.
 * - `stored`: in the outgoing queue (`GET /api/messages/out/{id}` answers 200) and not yet handed to the transport.
 * - `taken`: the IP took the send: the message left the outgoing queue (NextMoveSender deletes it once it has
 *   handed it to the transport, or ended it with FEIL or LEVETID_UTLOPT), or its conversation already has SENDT or a
 *   later status. What happens next is in its statuses.
 * @internal
 */
export type MessageState =
  | { state: 'absent' }
  | { state: 'stored'; sbd: StandardBusinessDocument }
  | { state: 'taken'; sbd: StandardBusinessDocument | undefined };

/** The resources a look needs. @internal */
export type Lookups = Pick<SendContext, 'outgoing' | 'conversations'>;

/** Statuses the IP records only after it took the send (NextMoveSender, DeadLetterQueueHandler, the receipts). */
const TAKEN_STATUSES: ReadonlySet<string> = new Set(['SENDT', 'MOTTATT', 'LEVERT', 'LEST', 'FEIL', 'ANNET']);

/**
 * Looks the message up: the outgoing queue first, then its conversation. With `created` (the caller knows the
 * message was created, as after the create step of a multi-step send) a message gone from the queue was taken and
 * the conversation is asked only while the message is still queued. Throws when a look gets no answer.
 * @internal
 */
export async function probe(ip: Lookups, messageId: string, options: RequestOptions, created: boolean): Promise<MessageState> {
  const sbd = await ip.outgoing.lookup(messageId, options);
  if (sbd === null && created) return { state: 'taken', sbd: undefined };
  const conversation = await ip.conversations.lookupByMessageId(messageId, options);
  if (sbd === null) return conversation === null ? { state: 'absent' } : { state: 'taken', sbd: undefined };
  const taken = conversation?.messageStatuses?.some((s) => TAKEN_STATUSES.has(s.status)) === true;
  return taken ? { state: 'taken', sbd } : { state: 'stored', sbd };
}

/** Options for {@link awaitOutcome}. @internal */
export interface AwaitOutcomeOptions {
  /** How long to keep looking, in ms (0: look once). */
  waitMs: number;
  /** See {@link probe}. */
  created: boolean;
  /** Timeout of each look (the client's `timeoutMs` when undefined). */
  timeoutMs?: number | undefined;
  /** Stops the waiting; rejects with its reason. */
  signal?: AbortSignal | undefined;
}

/**
 * Waits for the outcome of a send that got no clear answer (the IP's send puts the message on its internal queue and
 * transmits it asynchronously, so the answer says nothing about transmission anyway): looks at once, then with a
 * growing pause until the message is `taken` or `absent` or `waitMs` has passed. Returns the last state seen, or
 * `undefined` when no look got an answer.
 * @internal
 */
export async function awaitOutcome(ip: Lookups, messageId: string, options: AwaitOutcomeOptions): Promise<MessageState | undefined> {
  const deadline = performance.now() + options.waitMs;
  const lookOptions: RequestOptions = { timeoutMs: options.timeoutMs, signal: options.signal };
  let pause = Math.min(1000, Math.max(10, Math.round(options.waitMs / 20)));
  let last: MessageState | undefined;
  for (;;) {
    try {
      last = await probe(ip, messageId, lookOptions, options.created);
      if (last.state !== 'stored') return last;
    } catch {
      // A look without an answer: keep the last state seen and look again.
      options.signal?.throwIfAborted();
    }
    const left = deadline - performance.now();
    if (left <= 0) return last;
    await sleep(Math.min(pause, left), options.signal);
    pause = Math.min(pause * 2, 5000);
  }
}
