import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  arkivmeldingKvittering,
  avtalt,
  type IntegrasjonspunktClient,
  JsonFileProcessedStore,
  MemoryProcessedStore,
  type ReceiveOptions,
} from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';

const LOCK_MS = 60_000;
const ctx = useSimulator({ lockTimeoutMs: LOCK_MS });
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

  it('a crash after the handler finished: a new loop after the lock timeout only deletes', async () => {
    const [id] = await deliver();
    const storeFile = join(dir, 'received.json');
    const crash = new AbortController();
    let runs = 0;
    await receiver().receive(
      () => {
        runs++;
        crash.abort();
      },
      { ...drain, signal: crash.signal, store: new JsonFileProcessedStore(storeFile) },
    ).done;
    expect(ctx.sim.queues(KOMMUNE).incoming).toBe(1);
    const early = await receiver().receive(() => void runs++, { ...drain, store: new JsonFileProcessedStore(storeFile) }).done;
    expect(early).toMatchObject({ polls: 1, emptyPolls: 1 });
    ctx.sim.clock.advance(LOCK_MS + 1);
    const late = await receiver().receive(() => void runs++, { ...drain, store: new JsonFileProcessedStore(storeFile) }).done;
    expect(late).toMatchObject({ duplicates: 1, deleted: 1, handled: 0 });
    expect(runs).toBe(1);
    expect(ctx.sim.queues(KOMMUNE).incoming).toBe(0);
    expect(id).toBeTruthy();
  });

  it('a crash mid-handler: a new loop after the lock timeout gets the message again', async () => {
    const [id] = await deliver();
    const store = new MemoryProcessedStore();
    const crash = new AbortController();
    await receiver().receive(
      (m) => {
        crash.abort();
        throw m.signal.reason;
      },
      { ...drain, signal: crash.signal, store },
    ).done;
    ctx.sim.clock.advance(LOCK_MS + 1);
    const handled: string[] = [];
    const report = await receiver().receive((m) => void handled.push(m.messageId), { ...drain, store }).done;
    expect(handled).toEqual([id]);
    expect(report.deleted).toBe(1);
  });

  it('a delete after lock expiry is "lock expired", and the redelivery is only deleted', async () => {
    await deliver();
    let runs = 0;
    const store = new MemoryProcessedStore();
    const loop = receiver().receive(
      () => {
        runs++;
        ctx.sim.clock.advance(LOCK_MS + 1);
      },
      { ...drain, store, maxMessages: 1 },
    );
    const kinds: string[] = [];
    loop.on('warning', (w) => kinds.push(w.kind));
    expect(await loop.done).toMatchObject({ handled: 1, lockExpired: 1, deleted: 0 });
    expect(kinds).toEqual(['lockExpired']);
    expect(ctx.sim.queues(KOMMUNE).incoming).toBe(1);
    const again = await receiver().receive(() => void runs++, { ...drain, store }).done;
    expect(runs).toBe(1);
    expect(again).toMatchObject({ handled: 0, duplicates: 1, deleted: 1 });
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

  it('a delete whose response was lost counts as deleted (the retry answers 404)', async () => {
    await deliver();
    ctx.sim.faults.failNext({ org: KOMMUNE, method: 'DELETE', path: '/api/messages/in/{messageId}', lostResponse: true });
    const loop = receiver({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } }).receive(() => {}, drain);
    const already: boolean[] = [];
    loop.on('processed', (e) => already.push(e.alreadyDeleted));
    const report = await loop.done;
    expect(already).toEqual([true]);
    expect(report).toMatchObject({ deleted: 1, failed: 0 });
  });

  it('hands over a receipt without an ASiC', async () => {
    const sender = ctx.client(DEPARTEMENT);
    await sender.send({ sbd: arkivmeldingKvittering({ sender: DEPARTEMENT, receiver: KOMMUNE, relatedToMessageId: crypto.randomUUID() }) });
    await ctx.sim.settle();
    const seen: Array<Record<string, unknown>> = [];
    await receiver().receive((m) => void seen.push({ type: m.type, asic: m.asic, receipt: m.isReceipt }), drain).done;
    expect(seen).toEqual([{ type: 'arkivmelding_kvittering', asic: null, receipt: true }]);
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
});
