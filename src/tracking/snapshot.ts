import type { StatusFollowerState } from './follower.js';
import type { Tracked } from './records.js';
import type { StoredMessage, TrackerSnapshot } from './store.js';

/**
 * A tracker's state as saved in its {@link TrackerStore}: each message's history and state, the `search` cursor, and
 * the `queueDeleting` mark of a queue cycle in progress.
 * @internal
 */
export function toSnapshot(
  records: ReadonlyMap<string, Tracked>,
  cursor: StatusFollowerState | undefined,
  queueDeleting: boolean,
): TrackerSnapshot {
  const messages: Record<string, StoredMessage> = {};
  for (const [id, r] of records) {
    messages[id] = {
      history: r.history,
      state: r.state,
      deliveredAt: r.deliveredAt,
      until: r.until,
      settled: r.settled,
      backfilled: r.backfilled,
    };
  }
  return { version: 1, cursor, ...(queueDeleting ? { queueDeleting: true } : {}), messages };
}

/**
 * Puts the messages of a loaded snapshot into `records`, keeping the waiters of messages already waited for.
 * @returns true when the snapshot asks for every pending message to be read by id once (see `queueDeleting`).
 * @internal
 */
export function restoreRecords(records: Map<string, Tracked>, snapshot: TrackerSnapshot): boolean {
  for (const [id, stored] of Object.entries(snapshot.messages)) {
    const current = records.get(id);
    records.set(id, {
      ...stored,
      history: [...stored.history],
      seen: new Set(stored.history.map((s) => s.id)),
      waiters: current?.waiters ?? [],
    });
  }
  if (snapshot.queueDeleting !== true) return false;
  // The last run may have deleted queue entries it had not saved: read every pending message by id once (the status
  // rows stay on the IP; only their queue entries are gone), repeating rather than losing a status.
  for (const r of records.values()) if (!r.settled) r.backfilled = false;
  return true;
}
