import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  arkivmeldingKvittering,
  isLockExpiredError,
  JsonFileProcessedStore,
  MemoryProcessedStore,
  type ReceivedMessage,
} from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { drain, LOCK_MS, useReceivingSimulator } from './receiving-simulator.js';

const sim = useReceivingSimulator();

describe('receive loop on the simulator', () => {
  it('receives a sent message end to end; the sender then sees LEVERT', async () => {
    const [id] = await sim.deliver();
    const seen: Array<Record<string, unknown>> = [];
    const report = await sim.receiver().receive(async (m) => {
      const main = await m.asic?.mainDocument();
      seen.push({ id: m.messageId, type: m.type, service: m.serviceIdentifier, main: main?.name, mime: main?.mimeType });
      await m.asic?.saveTo(join(sim.dir, m.messageId));
    }, drain).done;
    expect(seen).toEqual([{ id, type: 'avtalt', service: 'DPO', main: 'brev-0.pdf', mime: 'application/pdf' }]);
    expect(report).toMatchObject({ handled: 1, deleted: 1 });
    expect(await readdir(join(sim.dir, id as string))).toContain('brev-0.pdf');
    await sim.ctx.sim.settle();
    expect(sim.ctx.sim.statuses(DEPARTEMENT, id as string).map((s) => s.status)).toContain('LEVERT');
    expect(sim.ctx.sim.queues(KOMMUNE).incoming).toBe(0);
  });

  it('two loops on one simulator never handle the same message', async () => {
    const ids = await sim.deliver(16);
    const handledBy = new Map<string, string[]>();
    const run = (name: string) =>
      sim.receiver({ userAgent: name }).receive(
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
    const [id] = await sim.deliver();
    const deadLetterDir = join(sim.dir, 'dead');
    const report = await sim.receiver().receive(
      () => {
        throw new Error('bad content');
      },
      { ...drain, maxAttempts: 1, onPoison: 'deadLetter', deadLetterDir },
    ).done;
    expect(report).toMatchObject({ failed: 1, deadLettered: 1, deleted: 1 });
    expect((await readdir(join(deadLetterDir, id as string))).sort()).toEqual(['asic.zip', 'failure.json', 'sbd.json']);
    expect(sim.ctx.sim.queues(KOMMUNE).incoming).toBe(0);
  });

  it('hands over receipts without an ASiC', async () => {
    const sender = sim.ctx.client(DEPARTEMENT);
    const sent = await sender.send({
      sbd: arkivmeldingKvittering({ sender: DEPARTEMENT, receiver: KOMMUNE, relatedToMessageId: crypto.randomUUID() }),
    });
    await sim.ctx.sim.settle();
    const id = sent.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
    const seen: ReceivedMessage[] = [];
    const report = await sim.receiver().receive((m) => void seen.push(m), drain).done;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ messageId: id, asic: null, isReceipt: true, type: 'arkivmelding_kvittering' });
    expect(report.deleted).toBe(1);
    expect(sim.log).toContain(`POP ${id}`);
  });

  it('leaves the message on a handler failure, reports it, and retries after the lock expires', async () => {
    const [id] = await sim.deliver();
    let calls = 0;
    const failed: unknown[] = [];
    const loop = sim.receiver().receive(
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
    expect(sim.count('DELETE')).toBe(0);
    expect(sim.queued()).toBe(1);

    // Same store (the loop's default is per loop, so share one explicitly across "restarts").
    sim.ctx.sim.clock.advance(LOCK_MS + 1);
    const store = new MemoryProcessedStore();
    store.set(id as string, { state: 'failed', attempts: 1, updatedAt: Date.now() });
    const attempts: number[] = [];
    const second = await sim.receiver().receive((m) => void attempts.push(m.attempt), { ...drain, store }).done;
    expect(attempts).toEqual([2]);
    expect(second.deleted).toBe(1);
    expect(calls).toBe(1);
  });

  it('survives a crash after the handler finished: the restarted loop only deletes (file store)', async () => {
    await sim.deliver();
    const storeFile = join(sim.dir, 'state', 'received.json');
    const crash = new AbortController();
    let firstRuns = 0;
    const first = sim.receiver().receive(
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
    expect(sim.queued()).toBe(1);

    // Before the lock expires, nobody gets it.
    let secondRuns = 0;
    const early = await sim.receiver().receive(() => void secondRuns++, { ...drain, store: new JsonFileProcessedStore(storeFile) }).done;
    expect(early).toMatchObject({ polls: 1, emptyPolls: 1 });

    sim.ctx.sim.clock.advance(LOCK_MS + 1);
    const processed: Array<{ duplicate: boolean }> = [];
    const second = sim.receiver().receive(() => void secondRuns++, { ...drain, store: new JsonFileProcessedStore(storeFile) });
    second.on('processed', (e) => processed.push({ duplicate: e.duplicate }));
    expect(await second.done).toMatchObject({ handled: 0, duplicates: 1, deleted: 1 });
    expect(processed).toEqual([{ duplicate: true }]);
    expect(firstRuns).toBe(1);
    expect(secondRuns).toBe(0);
    expect(sim.queued()).toBe(0);
  });

  it('hands a message to a new loop when the first one died mid-handler', async () => {
    const [id] = await sim.deliver();
    const crash = new AbortController();
    const store = new MemoryProcessedStore();
    const first = sim.receiver().receive(
      (m) => {
        crash.abort(new Error('process killed'));
        expect(m.signal.aborted).toBe(true);
        throw m.signal.reason;
      },
      { ...drain, store, signal: crash.signal },
    );
    await first.done;
    sim.ctx.sim.clock.advance(LOCK_MS + 1);
    const handled: string[] = [];
    const report = await sim.receiver().receive((m) => void handled.push(m.messageId), { ...drain, store }).done;
    expect(handled).toEqual([id]);
    expect(report.deleted).toBe(1);
    expect(sim.queued()).toBe(0);
  });

  it('reports a delete after lock expiry as "lock expired", and only deletes on redelivery', async () => {
    const [id] = await sim.deliver();
    const warnings: unknown[] = [];
    let calls = 0;
    const store = new MemoryProcessedStore();
    const loop = sim.receiver().receive(
      () => {
        calls++;
        sim.ctx.sim.clock.advance(LOCK_MS + 1);
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
    expect(sim.queued()).toBe(1);
    // The redelivery is deleted without a second handler run.
    const next = await sim.receiver().receive(() => void calls++, { ...drain, store }).done;
    expect(calls).toBe(1);
    expect(next).toMatchObject({ handled: 0, duplicates: 1, deleted: 1 });
    expect(sim.log.filter((l) => l.startsWith('DELETE'))).toEqual([`DELETE ${id}`, `DELETE ${id}`]);
    expect(sim.queued()).toBe(0);
  });

  it('counts a delete whose response was lost (the retry answers 404) as deleted', async () => {
    const [id] = await sim.deliver();
    // The first DELETE takes effect on the IP, but its answer never arrives.
    sim.ctx.sim.faults.failNext({ org: KOMMUNE, method: 'DELETE', path: '/api/messages/in/{messageId}', lostResponse: true });
    const events: unknown[] = [];
    const loop = sim.receiver({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } }).receive(() => {}, drain);
    loop.on('processed', (e) => events.push({ alreadyDeleted: e.alreadyDeleted }));
    const report = await loop.done;
    expect(sim.log.filter((l) => l.startsWith('DELETE'))).toEqual([`DELETE ${id}`, `DELETE ${id}`]);
    expect(report).toMatchObject({ deleted: 1, failed: 0 });
    expect(events).toEqual([{ alreadyDeleted: true }]);
    expect(sim.queued()).toBe(0);
  });

  it("leaves a poison message on the IP with onPoison 'leave'", async () => {
    const [id] = await sim.deliver();
    const store = new MemoryProcessedStore();
    store.set(id as string, { state: 'failed', attempts: 3, updatedAt: Date.now(), lastError: 'x' });
    let calls = 0;
    const loop = sim.receiver().receive(() => void calls++, { ...drain, store, maxAttempts: 3 });
    const warnings: string[] = [];
    loop.on('warning', (w) => warnings.push(w.kind));
    const report = await loop.done;
    expect(calls).toBe(0);
    expect(warnings).toEqual(['poison']);
    expect(report.poisonLeft).toBe(1);
    expect(sim.queued()).toBe(1);
    expect(sim.count('POP')).toBe(0);
  });

  it('reports a pop 404 (the IP dropped the message) as failed, without retrying it', async () => {
    const [id] = await sim.deliver();
    sim.ctx.sim.faults.failNext({
      org: KOMMUNE,
      method: 'GET',
      path: '/api/messages/in/pop/{messageId}',
      status: 404,
      exception: 'FileNotFoundException',
      message: 'File(s) named asic.zip was not found',
    });
    let calls = 0;
    const loop = sim.receiver().receive(() => void calls++, drain);
    const failed: string[] = [];
    loop.on('failed', (e) => failed.push(e.stage));
    await loop.done;
    expect(calls).toBe(0);
    expect(failed).toEqual(['pop']);
    expect(sim.count('DELETE')).toBe(0);
    expect(sim.count('POP')).toBe(1);
    expect(id).toBeTruthy();
  });
});
