import type { MessageStatus } from '../../models/status.js';
import type { StatusesResource } from '../../resources/statuses.js';
import type { RequestOptions } from '../../transport/http.js';

/** What {@link drainQueue} needs from its tracker. @internal */
export interface QueueHost {
  readonly statuses: StatusesResource;
  /** Applies a status (reports it to the listeners); true when it was new for a tracked message. */
  process(status: MessageStatus): boolean;
  /**
   * Called before every DELETE. The first call of a cycle saves the tracker's state, marked as "queue entries may be
   * deleted before the next save"; it rejects when the store fails, and then nothing is deleted.
   */
  beforeDelete(): Promise<void>;
  /** True once the tracker is stopping. */
  stopped(): boolean;
  /** Something looks wrong on the IP's side. */
  warn(message: string): void;
}

/** The bound of one queue cycle. @internal */
export interface QueueLimit {
  /** Statuses read per cycle. */
  statuses: number;
  /** Time per cycle, in ms (checked after each status). */
  ms: number;
}

/** What one {@link drainQueue} did. @internal */
export interface QueueResult {
  /** Statuses read from the queue. */
  read: number;
  /** True when one of them was new for a tracked message. */
  changed: boolean;
  /** True when the cycle stopped at its bound: the queue may hold more, so the next cycle should follow at once. */
  behind: boolean;
}

/**
 * Reads the IP's status queue: peek, report, DELETE, until the queue is empty or the cycle's bound, without losing a
 * status to a crash. Before the first DELETE of a cycle the tracker saves its state (with the status just read)
 * marked `queueDeleting`; the save after the cycle clears the mark. A tracker that loads a marked snapshot (the last
 * one crashed mid-cycle, after deleting entries it had not saved) reads its pending messages once by id: a DELETE
 * removes only the queue entry (`MessageStatusController`, `StatusQueue.removeStatus`), the status row stays, so the
 * statuses come back, in id order. A crash can thus only repeat statuses, never lose one, and a cycle costs two saves
 * however many statuses it reads (a save per status would write the whole snapshot each time).
 *
 * The queue is a JMS queue of status ids (the IP's `StatusQueue`): `GET /api/statuses/peek` browses its first entry
 * without removing it, and `DELETE /api/statuses/{id}` removes the entry with that id wherever it is
 * (`MessageStatusController`). The peek of the next entry is sent together with the DELETE of the previous one: when
 * the DELETE has already taken effect the peek returns the next entry and a round trip is saved; when it has not,
 * the peek returns the entry being deleted again, which is recognised by its id, and the peek is repeated after the
 * DELETE (from then on for the rest of the cycle, so a slow DELETE costs one extra request per cycle at most). A peek
 * only ever returns the oldest entry still in the queue, and an entry is only deleted after it was reported and
 * saved, so the overlap can neither skip nor reorder statuses.
 *
 * A cycle ends when the queue is empty or at the bound (`limit`); the tracker then saves, and after a cycle cut at
 * its bound the next one follows at once.
 * @internal
 */
export async function drainQueue(
  host: QueueHost,
  options: RequestOptions,
  counter: { requests: number },
  limit: QueueLimit,
): Promise<QueueResult> {
  const started = Date.now();
  const result: QueueResult = { read: 0, changed: false, behind: false };
  let overlap = true;
  counter.requests += 1;
  let current = await host.statuses.peek(options);
  while (current !== null) {
    result.read += 1;
    if (host.process(current)) result.changed = true;
    await host.beforeDelete();
    const id = current.id;
    if (result.read >= limit.statuses || Date.now() - started >= limit.ms || host.stopped()) {
      counter.requests += 1;
      await host.statuses.delete(id, options);
      result.behind = !host.stopped();
      break;
    }
    let next: MessageStatus | null;
    if (overlap) {
      counter.requests += 2;
      [, next] = await Promise.all([host.statuses.delete(id, options), host.statuses.peek(options)]);
      if (next?.id === id) {
        // The peek overtook the DELETE: ask again now that the DELETE is done.
        overlap = false;
        counter.requests += 1;
        next = await host.statuses.peek(options);
      }
    } else {
      counter.requests += 2;
      await host.statuses.delete(id, options);
      next = await host.statuses.peek(options);
    }
    if (next?.id === id) {
      // Deleted, yet still first: the IP cannot remove the entry. Stop here rather than spin on it.
      host.warn(`status ${id} stays first in the status queue after DELETE /api/statuses/${id}; polling goes on at the interval`);
      break;
    }
    current = next;
  }
  return result;
}
