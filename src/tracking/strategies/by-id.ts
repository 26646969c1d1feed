import type { CycleContext, TrackerCore } from './strategy.js';

/**
 * Reading statuses by message id (`GET /api/statuses/{messageId}`, the IP's `MessageStatusController`): the whole
 * `per-id` strategy, and the backfill of the others.
 * @internal
 * @module
 */

/** Reads every status of one message, page by page; true when one was new. @internal */
export async function readMessage(core: TrackerCore, id: string, { options, counter }: CycleContext): Promise<boolean> {
  let changed = false;
  for await (const page of core.statuses.forMessage(id, { ...options, pageSize: 50 }).byPage()) {
    counter.requests += 1;
    for (const s of page.content) if (core.process({ ...s, messageId: s.messageId ?? id })) changed = true;
  }
  return changed;
}

/** Runs `fn` for each id, `core.concurrency` at a time, until done or the tracker stops. @internal */
export async function eachConcurrently(core: TrackerCore, ids: readonly string[], fn: (id: string) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < ids.length && !core.stopped()) await fn(ids[next++] as string);
  };
  await Promise.all(Array.from({ length: Math.min(core.concurrency, ids.length) }, worker));
}

/** Reads, once per id, the earlier history of each pending message added since the last cycle. @internal */
export async function backfill(core: TrackerCore, context: CycleContext): Promise<boolean> {
  let changed = false;
  await eachConcurrently(core, core.unbackfilled(), async (id) => {
    if (await readMessage(core, id, context)) changed = true;
    core.markBackfilled(id);
  });
  return changed;
}
