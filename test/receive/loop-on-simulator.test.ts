import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  arkivmeldingKvittering,
  avtalt,
  type IntegrasjonspunktClient,
  isLockExpiredError,
  JsonFileProcessedStore,
  MemoryProcessedStore,
  type ReceivedMessage,
  type ReceiveEvents,
  type ReceiveLoop,
  type ReceiveOptions,
  RequestValidationError,
  UnauthorizedError,
} from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { useRequestLog } from './request-log.js';

const LOCK_MS = 60_000;
const ctx = useSimulator({ lockTimeoutMs: LOCK_MS });
const log = useRequestLog(ctx.server);
const drain: ReceiveOptions = { stopWhenIdle: true, pollIntervalMs: 1, lockTimeoutMs: LOCK_MS };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'receive-sim-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Sends `count` avtalt messages with one PDF from DEPARTEMENT to KOMMUNE and delivers them. */
async function deliver(count = 1): Promise<string[]> {
  const sender = ctx.client(DEPARTEMENT);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const sbd = avtalt({ sender: DEPARTEMENT, receiver: KOMMUNE, identifier: 'test', hoveddokument: `brev-${i}.pdf` });
    const sent = await sender.send({
      sbd,
      files: [{ filename: `brev-${i}.pdf`, content: `%PDF-1.7 brev ${i}`, mimeType: 'application/pdf' }],
    });
    ids.push(sent.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string);
  }
  await ctx.sim.settle();
  return ids;
}

function receiver(options: Parameters<typeof ctx.client>[1] = {}): IntegrasjonspunktClient {
  return ctx.client(KOMMUNE, options);
}

/** Messages still in KOMMUNE's incoming queue. */
function queued(): number {
  return ctx.sim.queues(KOMMUNE).incoming;
}

/** Requests of the log starting with `prefix` (`PEEK`, `POP`, `DELETE`). */
function count(prefix: string): number {
  return log.filter((l) => l.startsWith(prefix)).length;
}

/** The arguments of the next emission of an event. */
function nextEvent<K extends keyof ReceiveEvents>(loop: ReceiveLoop, name: K): Promise<ReceiveEvents[K]> {
  return new Promise((resolve) => loop.once(name, ((...args: ReceiveEvents[K]) => resolve(args)) as never));
}

describe('receive loop on the simulator', () => {
  it('receives a sent message end to end; the sender then sees LEVERT', async () => {
    const [id] = await deliver();
    const seen: Array<Record<string, unknown>> = [];
    const report = await receiver().receive(async (m) => {
      const main = await m.asic?.mainDocument();
      seen.push({ id: m.messageId, type: m.type, service: m.serviceIdentifier, main: main?.name, mime: main?.mimeType });
      await m.asic?.saveTo(join(dir, m.messageId));
    }, drain).done;
    expect(seen).toEqual([{ id, type: 'avtalt', service: 'DPO', main: 'brev-0.pdf', mime: 'application/pdf' }]);
    expect(report).toMatchObject({ handled: 1, deleted: 1 });
    expect(await readdir(join(dir, id as string))).toContain('brev-0.pdf');
    await ctx.sim.settle();
    expect(ctx.sim.statuses(DEPARTEMENT, id as string).map((s) => s.status)).toContain('LEVERT');
    expect(ctx.sim.queues(KOMMUNE).incoming).toBe(0);
  });

  it('two loops on one simulator never handle the same message', async () => {
    const ids = await deliver(16);
    const handledBy = new Map<string, string[]>();
    const run = (name: string) =>
      receiver({ userAgent: name }).receive(
        async (m) => {
          handledBy.set(m.messageId, [...(handledBy.get(m.messageId) ?? []), name]);
          await new Promise((resolve) => setTimeout(resolve, 1));
        },
        { ...drain, concurrency: 2 },
      ).done;
    const [a, b] = await Promise.all([run('a'), run('b')]);
    expect(a.deleted + b.deleted).toBe(16);
    expect([...handledBy.keys()].sort()).toEqual([...ids].sort());
    expect([...handledBy.values()].every((by) => by.length === 1)).toBe(true);
  });

  it('dead-letters a poison message, then deletes it', async () => {
    const [id] = await deliver();
    const deadLetterDir = join(dir, 'dead');
    const report = await receiver().receive(
      () => {
        throw new Error('bad content');
      },
      { ...drain, maxAttempts: 1, onPoison: 'deadLetter', deadLetterDir },
    ).done;
    expect(report).toMatchObject({ failed: 1, deadLettered: 1, deleted: 1 });
    expect((await readdir(join(deadLetterDir, id as string))).sort()).toEqual(['asic.zip', 'failure.json', 'sbd.json']);
    expect(ctx.sim.queues(KOMMUNE).incoming).toBe(0);
  });

  it('hands over receipts without an ASiC', async () => {
    const sender = ctx.client(DEPARTEMENT);
    const sent = await sender.send({
      sbd: arkivmeldingKvittering({ sender: DEPARTEMENT, receiver: KOMMUNE, relatedToMessageId: crypto.randomUUID() }),
    });
    await ctx.sim.settle();
    const id = sent.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
    const seen: ReceivedMessage[] = [];
    const report = await receiver().receive((m) => void seen.push(m), drain).done;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ messageId: id, asic: null, isReceipt: true, type: 'arkivmelding_kvittering' });
    expect(report.deleted).toBe(1);
    expect(log).toContain(`POP ${id}`);
  });

  it('leaves the message on a handler failure, reports it, and retries after the lock expires', async () => {
    const [id] = await deliver();
    let calls = 0;
    const failed: unknown[] = [];
    const loop = receiver().receive(
      (m) => {
        calls++;
        if (m.attempt === 1) throw new Error('archive is down');
      },
      { ...drain },
    );
    loop.on('failed', (e) => failed.push([e.stage, e.attempts, e.poison, (e.error as Error).message]));
    const first = await loop.done;
    expect(first).toMatchObject({ handled: 0, deleted: 0, failed: 1 });
    expect(first.failures[0]).toMatchObject({ messageId: id, stage: 'handler' });
    expect(failed).toEqual([['handler', 1, false, 'archive is down']]);
    expect(count('DELETE')).toBe(0);
    expect(queued()).toBe(1);

    // Same store (the loop's default is per loop, so share one explicitly across "restarts").
    ctx.sim.clock.advance(LOCK_MS + 1);
    const store = new MemoryProcessedStore();
    store.set(id as string, { state: 'failed', attempts: 1, updatedAt: Date.now() });
    const attempts: number[] = [];
    const second = await receiver().receive((m) => void attempts.push(m.attempt), { ...drain, store }).done;
    expect(attempts).toEqual([2]);
    expect(second.deleted).toBe(1);
    expect(calls).toBe(1);
  });

  it('survives a crash after the handler finished: the restarted loop only deletes (file store)', async () => {
    await deliver();
    const storeFile = join(dir, 'state', 'received.json');
    const crash = new AbortController();
    let firstRuns = 0;
    const first = receiver().receive(
      () => {
        firstRuns++;
        crash.abort(new Error('process killed'));
      },
      { ...drain, store: new JsonFileProcessedStore(storeFile), signal: crash.signal },
    );
    const warnings: string[] = [];
    first.on('warning', (w) => warnings.push(w.kind));
    expect(await first.done).toMatchObject({ handled: 1, deleted: 0, stoppedBy: 'abort' });
    expect(warnings).toEqual(['deleteSkipped']);
    expect(queued()).toBe(1);

    // Before the lock expires, nobody gets it.
    let secondRuns = 0;
    const early = await receiver().receive(() => void secondRuns++, { ...drain, store: new JsonFileProcessedStore(storeFile) }).done;
    expect(early).toMatchObject({ polls: 1, emptyPolls: 1 });

    ctx.sim.clock.advance(LOCK_MS + 1);
    const processed: Array<{ duplicate: boolean }> = [];
    const second = receiver().receive(() => void secondRuns++, { ...drain, store: new JsonFileProcessedStore(storeFile) });
    second.on('processed', (e) => processed.push({ duplicate: e.duplicate }));
    expect(await second.done).toMatchObject({ handled: 0, duplicates: 1, deleted: 1 });
    expect(processed).toEqual([{ duplicate: true }]);
    expect(firstRuns).toBe(1);
    expect(secondRuns).toBe(0);
    expect(queued()).toBe(0);
  });

  it('hands a message to a new loop when the first one died mid-handler', async () => {
    const [id] = await deliver();
    const crash = new AbortController();
    const store = new MemoryProcessedStore();
    const first = receiver().receive(
      (m) => {
        crash.abort(new Error('process killed'));
        expect(m.signal.aborted).toBe(true);
        throw m.signal.reason;
      },
      { ...drain, store, signal: crash.signal },
    );
    await first.done;
    ctx.sim.clock.advance(LOCK_MS + 1);
    const handled: string[] = [];
    const report = await receiver().receive((m) => void handled.push(m.messageId), { ...drain, store }).done;
    expect(handled).toEqual([id]);
    expect(report.deleted).toBe(1);
    expect(queued()).toBe(0);
  });

  it('reports a delete after lock expiry as "lock expired", and only deletes on redelivery', async () => {
    const [id] = await deliver();
    const warnings: unknown[] = [];
    let calls = 0;
    const store = new MemoryProcessedStore();
    const loop = receiver().receive(
      () => {
        calls++;
        ctx.sim.clock.advance(LOCK_MS + 1);
      },
      { ...drain, store, maxMessages: 1 },
    );
    loop.on('warning', (w) => warnings.push(w));
    const report = await loop.done;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ kind: 'lockExpired', messageId: id });
    expect(isLockExpiredError((warnings[0] as { error: unknown }).error)).toBe(true);
    expect((warnings[0] as { message: string }).message).toMatch(/lock expired, possibly redelivered/);
    expect(report).toMatchObject({ handled: 1, lockExpired: 1, deleted: 0, stoppedBy: 'maxMessages' });
    expect(queued()).toBe(1);
    // The redelivery is deleted without a second handler run.
    const next = await receiver().receive(() => void calls++, { ...drain, store }).done;
    expect(calls).toBe(1);
    expect(next).toMatchObject({ handled: 0, duplicates: 1, deleted: 1 });
    expect(log.filter((l) => l.startsWith('DELETE'))).toEqual([`DELETE ${id}`, `DELETE ${id}`]);
    expect(queued()).toBe(0);
  });

  it('counts a delete whose response was lost (the retry answers 404) as deleted', async () => {
    const [id] = await deliver();
    // The first DELETE takes effect on the IP, but its answer never arrives.
    ctx.sim.faults.failNext({ org: KOMMUNE, method: 'DELETE', path: '/api/messages/in/{messageId}', lostResponse: true });
    const events: unknown[] = [];
    const loop = receiver({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } }).receive(() => {}, drain);
    loop.on('processed', (e) => events.push({ alreadyDeleted: e.alreadyDeleted }));
    const report = await loop.done;
    expect(log.filter((l) => l.startsWith('DELETE'))).toEqual([`DELETE ${id}`, `DELETE ${id}`]);
    expect(report).toMatchObject({ deleted: 1, failed: 0 });
    expect(events).toEqual([{ alreadyDeleted: true }]);
    expect(queued()).toBe(0);
  });

  it('wake() polls at once instead of waiting out the back-off', async () => {
    const loop = receiver().receive(() => {}, { pollIntervalMs: 3_600_000, maxMessages: 1 });
    await nextEvent(loop, 'idle');
    expect(count('PEEK')).toBe(1);
    await deliver();
    loop.wake();
    const report = await loop.done;
    expect(report).toMatchObject({ polls: 2, deleted: 1, stoppedBy: 'maxMessages' });
  });

  it('stop() lets an in-flight handler finish and delete, and polls no more', async () => {
    const [id] = await deliver(2);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const loop = receiver().receive(async () => {
      await gate;
    });
    await nextEvent(loop, 'message');
    let stopped = false;
    const stopping = loop.stop().then((r) => {
      stopped = true;
      return r;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    expect(loop.inFlight).toBe(1);
    release();
    const report = await stopping;
    expect(report).toMatchObject({ handled: 1, deleted: 1, stoppedBy: 'stop' });
    expect(log).toContain(`DELETE ${id}`);
    expect(queued()).toBe(1);
    expect(count('PEEK')).toBe(1);
    expect(await loop.stop()).toMatchObject({ deleted: 1 });
  });

  it('an AbortSignal stops at once: the handler sees it, nothing is deleted, done resolves', async () => {
    await deliver();
    const controller = new AbortController();
    let sawAbort = false;
    const loop = receiver().receive(
      async (m) => {
        controller.abort();
        sawAbort = m.signal.aborted;
      },
      { signal: controller.signal },
    );
    const report = await loop.done;
    expect(sawAbort).toBe(true);
    expect(report.stoppedBy).toBe('abort');
    expect(queued()).toBe(1);
    expect(count('DELETE')).toBe(0);
  });

  it('an already aborted signal sends nothing', async () => {
    const report = await receiver().receive(() => {}, { signal: AbortSignal.abort() }).done;
    expect(report.polls).toBe(0);
    expect(log).toEqual([]);
  });

  it('warns when a handler runs close to its lock deadline', async () => {
    await deliver();
    const loop = receiver().receive(
      async (m) => {
        const [warning] = await nextEvent(loop, 'warning');
        expect(warning).toMatchObject({ kind: 'lockDeadline', messageId: m.messageId, lockDeadline: m.lockDeadline });
      },
      { ...drain, lockTimeoutMs: 60, lockWarningMs: 50 },
    );
    expect(await loop.done).toMatchObject({ handled: 1, deleted: 1 });
  });

  it("leaves a poison message on the IP with onPoison 'leave'", async () => {
    const [id] = await deliver();
    const store = new MemoryProcessedStore();
    store.set(id as string, { state: 'failed', attempts: 3, updatedAt: Date.now(), lastError: 'x' });
    let calls = 0;
    const loop = receiver().receive(() => void calls++, { ...drain, store, maxAttempts: 3 });
    const warnings: string[] = [];
    loop.on('warning', (w) => warnings.push(w.kind));
    const report = await loop.done;
    expect(calls).toBe(0);
    expect(warnings).toEqual(['poison']);
    expect(report.poisonLeft).toBe(1);
    expect(queued()).toBe(1);
    expect(count('POP')).toBe(0);
  });

  it('reports a pop 404 (the IP dropped the message) as failed, without retrying it', async () => {
    const [id] = await deliver();
    ctx.sim.faults.failNext({
      org: KOMMUNE,
      method: 'GET',
      path: '/api/messages/in/pop/{messageId}',
      status: 404,
      exception: 'FileNotFoundException',
      message: 'File(s) named asic.zip was not found',
    });
    let calls = 0;
    const loop = receiver().receive(() => void calls++, drain);
    const failed: string[] = [];
    loop.on('failed', (e) => failed.push(e.stage));
    await loop.done;
    expect(calls).toBe(0);
    expect(failed).toEqual(['pop']);
    expect(count('DELETE')).toBe(0);
    expect(count('POP')).toBe(1);
    expect(id).toBeTruthy();
  });

  it('rejects done on 401 instead of spinning', async () => {
    ctx.sim.faults.failNext({ org: KOMMUNE, method: 'GET', path: '/api/messages/in/peek', status: 401 });
    const loop = receiver().receive(() => {});
    const errors: unknown[] = [];
    loop.on('error', (e) => errors.push(e));
    await expect(loop.done).rejects.toBeInstanceOf(UnauthorizedError);
    expect(errors).toHaveLength(1);
    expect(loop.report.stoppedBy).toBe('fatal');
    expect(await loop.stop()).toMatchObject({ stoppedBy: 'fatal' });
  });

  it('rejects done on an unknown filter key without sending anything', async () => {
    const loop = receiver().receive(() => {}, { filter: { messageID: 'x' } as never });
    await expect(loop.done).rejects.toBeInstanceOf(RequestValidationError);
    expect(log).toEqual([]);
  });

  it('keeps polling through a transient peek failure', async () => {
    await deliver();
    ctx.sim.faults.failNext({ org: KOMMUNE, method: 'GET', path: '/api/messages/in/peek', status: 503 });
    const loop = receiver({ retry: false }).receive(() => {}, drain);
    const errors: unknown[] = [];
    loop.on('error', (e) => errors.push(e));
    const report = await loop.done;
    expect(errors).toHaveLength(1);
    expect(report).toMatchObject({ deleted: 1 });
    expect(report.failures[0]).toMatchObject({ stage: 'peek' });
    expect(queued()).toBe(0);
  });

  it('validates its options', () => {
    expect(() => receiver().receive(() => {}, { concurrency: 0 })).toThrow(RequestValidationError);
    expect(() => receiver().receive(() => {}, { onPoison: 'deadLetter' })).toThrow(/deadLetterDir/);
    expect(() => receiver().receive(undefined as never)).toThrow(RequestValidationError);
  });
});
