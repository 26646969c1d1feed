import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LockExpiredError, MemoryProcessedStore, type ProcessedStore, type ReceiveOptions } from 'eformidling';
import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildAsic } from '../asic/fixtures.js';
import { sbdFor } from './fake-ip.js';
import { useFakeIp } from './harness.js';

const ctx = useFakeIp({ retry: false, tempPrefix: 'receive-failure-' });
let asic: Buffer;
beforeEach(async () => {
  asic = await buildAsic([{ name: 'a.pdf', content: 'a', mimeType: 'application/pdf' }]);
});

const drain: ReceiveOptions = { stopWhenIdle: true, pollIntervalMs: 1 };

// How the loop handles each stage failing (a store that cannot be read or written, a download, a delete, a dead
// letter that cannot be written, an SBD without a messageId). Runs on the hand-built fake IP: most of these answers
// are hand-made per test, and some messages are ones the simulator refuses to carry (see fake-ip.ts).
describe('receive loop failure paths', () => {
  it('looks the service identifier up in the incoming conversation when asked', async () => {
    ctx.ip.add(sbdFor(), null);
    ctx.ip.add(sbdFor(), null);
    let lookups = 0;
    ctx.server.use(
      http.get(`${ctx.ip.base}/api/conversations`, ({ request }) => {
        lookups++;
        expect(new URL(request.url).searchParams.get('direction')).toBe('INCOMING');
        if (lookups === 2) return HttpResponse.json({ status: 500 }, { status: 500 });
        return HttpResponse.json({
          content: [{ id: 1, messageId: 'x', conversationId: 'y', serviceIdentifier: 'DPF', direction: 'INCOMING', messageStatuses: [] }],
          totalElements: 1,
          totalPages: 1,
          number: 0,
          size: 1,
          first: true,
          last: true,
          numberOfElements: 1,
          empty: false,
        });
      }),
    );
    const services: Array<string | undefined> = [];
    await ctx.client.receive((m) => void services.push(m.serviceIdentifier), { ...drain, resolveServiceIdentifier: true }).done;
    expect(services).toEqual(['DPF', undefined]);
  });

  it('leaves a message whose SBD has no messageId locked, with an error event', async () => {
    const sbd = sbdFor();
    delete sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
    ctx.ip.queue.push({ sbd, asic: null, lockedUntil: 0, lockedBy: undefined });
    const loop = ctx.client.receive(() => {}, drain);
    const errors: unknown[] = [];
    loop.on('error', (e) => errors.push(e));
    const report = await loop.done;
    expect(errors).toHaveLength(1);
    expect(report.failures[0]?.stage).toBe('peek');
    expect(ctx.ip.count('POP')).toBe(0);
    expect(loop.running).toBe(false);
  });

  it('a store that cannot be read leaves the message alone; one that cannot be written is reported', async () => {
    ctx.ip.add(sbdFor(), null);
    const broken: ProcessedStore = {
      get: () => Promise.reject(new Error('db down')),
      set: () => {},
    };
    const loop = ctx.client.receive(() => {}, { ...drain, store: broken });
    const stages: string[] = [];
    loop.on('failed', (e) => stages.push(e.stage));
    await loop.done;
    expect(stages).toEqual(['store']);
    expect(ctx.ip.count('POP')).toBe(0);

    ctx.ip.advance(ctx.ip.lockMs);
    const readOnly: ProcessedStore = { get: () => undefined, set: () => Promise.reject(new Error('disk full')) };
    const loop2 = ctx.client.receive(() => {}, { ...drain, store: readOnly });
    const errors: unknown[] = [];
    loop2.on('error', (e) => errors.push(e));
    expect(await loop2.done).toMatchObject({ deleted: 1 });
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  it('a failed download is counted as an attempt and leaves the message', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    ctx.server.use(http.get(`${ctx.ip.base}/api/messages/in/pop/:id`, () => HttpResponse.json({ status: 503 }, { status: 503 })));
    const store = new MemoryProcessedStore();
    const loop = ctx.client.receive(() => {}, { ...drain, store });
    const failed: Array<[string, number]> = [];
    loop.on('failed', (e) => failed.push([e.stage, e.attempts]));
    await loop.done;
    expect(failed).toEqual([['pop', 1]]);
    expect(store.get(id)).toMatchObject({ state: 'failed', attempts: 1 });
    expect(ctx.ip.has(id)).toBe(true);
  });

  it('a failed delete is reported; the handled record makes the redelivery a plain delete', async () => {
    const id = ctx.ip.add(sbdFor(), null);
    let fail = true;
    ctx.server.use(
      http.delete(`${ctx.ip.base}/api/messages/in/:id`, () => {
        if (!fail) return undefined;
        fail = false;
        return HttpResponse.json({ status: 500 }, { status: 500 });
      }),
    );
    const store = new MemoryProcessedStore();
    const loop = ctx.client.receive(() => {}, { ...drain, store, maxMessages: 1 });
    const stages: string[] = [];
    loop.on('failed', (e) => stages.push(e.stage));
    await loop.done;
    expect(stages).toEqual(['delete']);
    expect(store.get(id)?.state).toBe('handled');
    ctx.ip.advance(ctx.ip.lockMs);
    expect(await ctx.client.receive(() => {}, { ...drain, store }).done).toMatchObject({ duplicates: 1, deleted: 1 });
  });

  it('dead-letters at peek time a message that already used its attempts', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    const store = new MemoryProcessedStore();
    store.set(id, { state: 'failed', attempts: 2, updatedAt: Date.now(), lastError: 'Error: old' });
    let calls = 0;
    const report = await ctx.client.receive(() => void calls++, {
      ...drain,
      store,
      maxAttempts: 2,
      onPoison: 'deadLetter',
      deadLetterDir: join(ctx.dir, 'dead'),
    }).done;
    expect(calls).toBe(0);
    expect(report).toMatchObject({ deadLettered: 1, deleted: 1 });
    expect((await readdir(join(ctx.dir, 'dead', id))).sort()).toEqual(['asic.zip', 'failure.json', 'sbd.json']);
  });

  it('keeps the message when the dead letter cannot be written', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    const blocker = join(ctx.dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const loop = ctx.client.receive(
      () => {
        throw new Error('bad');
      },
      { ...drain, maxAttempts: 1, onPoison: 'deadLetter', deadLetterDir: blocker },
    );
    const stages: string[] = [];
    loop.on('failed', (e) => stages.push(e.stage));
    const report = await loop.done;
    expect(stages).toEqual(['handler', 'deadLetter']);
    expect(report.deadLettered).toBe(0);
    expect(ctx.ip.has(id)).toBe(true);
  });

  it("warns about poison in the same run with onPoison 'leave'", async () => {
    ctx.ip.add(sbdFor(), null);
    const loop = ctx.client.receive(
      () => {
        throw new Error('bad');
      },
      { ...drain, maxAttempts: 1 },
    );
    const kinds: string[] = [];
    loop.on('warning', (w) => kinds.push(w.kind));
    expect(await loop.done).toMatchObject({ poisonLeft: 1, failed: 1 });
    expect(kinds).toEqual(['poison']);
  });

  it('LockExpiredError serialises with the message id', () => {
    expect(new LockExpiredError('m1').toJSON()).toMatchObject({ name: 'LockExpiredError', messageId: 'm1' });
  });
});
