import { after } from '../internal/sleep.js';
import type { MessageStatus } from '../models/status.js';
import { classifyStatus, type DeliveryState, nextState } from './classify.js';
import { DeliveryFailedError, DeliveryTimeoutError } from './errors.js';
import type { StatusUpdate } from './events.js';
import type { StoredMessage } from './store.js';

/**
 * What a tracker knows of each message: its history, where it stands, who waits for it, and when it is settled
 * (nothing more expected, so it is no longer polled). Grace periods: after `LEVERT` a message watched until `LEVERT`
 * stays pending for `graceMs`, so a late `FEIL` (print mail returned after delivery) still fails it.
 * @internal
 * @module
 */

/** A pending `waitFor` call. @internal */
export interface Waiter {
  until: 'LEVERT' | 'LEST';
  resolve(history: MessageStatus[]): void;
  reject(error: unknown): void;
}

/** One tracked message. @internal */
export interface Tracked extends StoredMessage {
  seen: Set<number>;
  waiters: Waiter[];
}

/** Pending messages whose earlier history has not been read by id yet. @internal */
export function unbackfilled(records: ReadonlyMap<string, Tracked>): string[] {
  return [...records].filter(([, r]) => !r.backfilled && !r.settled).map(([id]) => id);
}

/** A message just added: nothing seen yet. @internal */
export function newRecord(until: 'LEVERT' | 'LEST', backfilled: boolean): Tracked {
  return { history: [], state: 'pending', until, settled: false, backfilled, seen: new Set(), waiters: [] };
}

/**
 * Adds a status to the record of its message and moves its state on; `undefined` when the record has the status
 * already (deduplicated by status id). Returns the update to report and the state before it; the caller reports the
 * transition and then calls {@link settle}.
 * @internal
 */
export function applyStatus(id: string, r: Tracked, status: MessageStatus): { update: StatusUpdate; before: DeliveryState } | undefined {
  if (r.seen.has(status.id)) return undefined;
  r.seen.add(status.id);
  r.history.push(status);
  r.history.sort((a, b) => a.id - b.id);
  const kind = classifyStatus(status.status);
  const before = r.state;
  r.state = nextState(before, kind);
  return { update: { messageId: id, status, kind, state: r.state, history: [...r.history] }, before };
}

function graceOver(r: Tracked, graceMs: number): boolean {
  return r.deliveredAt !== undefined && Date.now() - r.deliveredAt >= graceMs;
}

/**
 * Marks a record settled when nothing more is expected, and settles its waiters.
 * @returns true when the record became settled now (the tracker's state changed).
 * @internal
 */
export function settle(id: string, r: Tracked, graceMs: number): boolean {
  const settled = r.state === 'failed' || r.state === 'read' || (r.state === 'delivered' && r.until === 'LEVERT' && graceOver(r, graceMs));
  let changed = false;
  if (settled && !r.settled) {
    r.settled = true;
    changed = true;
  }
  settleWaiters(id, r, graceMs);
  return changed;
}

/** Resolves the waiters whose status was reached (after the grace period), rejects them all on failure. @internal */
export function settleWaiters(id: string, r: Tracked, graceMs: number): void {
  if (r.waiters.length === 0) return;
  const history = [...r.history];
  if (r.state === 'failed') {
    const failing = [...history].reverse().find((s) => classifyStatus(s.status) === 'failed') as MessageStatus;
    const error = new DeliveryFailedError(id, failing, history);
    for (const w of [...r.waiters]) w.reject(error);
    return;
  }
  const over = graceOver(r, graceMs);
  for (const w of [...r.waiters]) {
    if (r.state === 'read' || (w.until === 'LEVERT' && r.state === 'delivered' && over)) w.resolve(history);
  }
}

/**
 * The time until the earliest grace period still running that someone waits for (a message watched until `LEVERT`,
 * or a `waitFor(..., { until: 'LEVERT' })`); `Infinity` when there is none.
 * @internal
 */
export function nextGraceEnd(records: Iterable<Tracked>, graceMs: number): number {
  const now = Date.now();
  let next = Number.POSITIVE_INFINITY;
  for (const r of records) {
    if (r.state !== 'delivered' || r.deliveredAt === undefined) continue;
    const end = r.deliveredAt + graceMs;
    const waited = (r.until === 'LEVERT' && !r.settled) || r.waiters.some((w) => w.until === 'LEVERT');
    if (waited && end > now) next = Math.min(next, end - now);
  }
  return next;
}

/**
 * A `waitFor` on one record: adds a {@link Waiter} that removes itself when it settles, on `timeoutMs` (a
 * {@link DeliveryTimeoutError}) and on the signal's abort (its reason). `added` runs once the waiter is in place (the
 * tracker extends the watch and settles it at once when its status was reached already).
 * @internal
 */
export function waitOn(
  record: Tracked,
  messageId: string,
  until: 'LEVERT' | 'LEST',
  options: { timeoutMs?: number | undefined; signal?: AbortSignal | undefined },
  added: () => void,
): Promise<MessageStatus[]> {
  return new Promise<MessageStatus[]>((resolve, reject) => {
    let cancelTimer: (() => void) | undefined;
    const signal = options.signal;
    const cleanup = () => {
      cancelTimer?.();
      signal?.removeEventListener('abort', onAbort);
      const i = record.waiters.indexOf(waiter);
      if (i >= 0) record.waiters.splice(i, 1);
    };
    const waiter: Waiter = {
      until,
      resolve: (h) => {
        cleanup();
        resolve(h);
      },
      reject: (e) => {
        cleanup();
        reject(e);
      },
    };
    const onAbort = () => waiter.reject(signal?.reason);
    if (signal?.aborted) return reject(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      const timeoutMs = options.timeoutMs;
      cancelTimer = after(timeoutMs, () => waiter.reject(new DeliveryTimeoutError(messageId, timeoutMs, [...record.history])));
    }
    record.waiters.push(waiter);
    added();
  });
}
