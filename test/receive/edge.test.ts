import { readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  IntegrasjonspunktClient,
  LockExpiredError,
  MemoryProcessedStore,
  type ProcessedStore,
  type ReceiveOptions,
  TimeoutError,
} from 'eformidling';
import { HttpResponse, http, passthrough } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildAsic } from '../asic/fixtures.js';
import { sbdFor } from './fake-ip.js';
import { useFakeIp } from './harness.js';

const ctx = useFakeIp({ retry: false, tempPrefix: 'receive-edge-' });
let asic: Buffer;
beforeEach(async () => {
  asic = await buildAsic([{ name: 'a.pdf', content: 'a', mimeType: 'application/pdf' }]);
});

const drain: ReceiveOptions = { stopWhenIdle: true, pollIntervalMs: 1 };

describe('receive loop edge cases', () => {
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

describe('incoming resource edge cases', () => {
  it('lists, deletes and saves a download to a file', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    ctx.server.use(
      http.get(`${ctx.ip.base}/api/messages/in`, () =>
        HttpResponse.json({
          content: [ctx.ip.queue[0]?.sbd],
          totalElements: 1,
          totalPages: 1,
          number: 0,
          size: 10,
          first: true,
          last: true,
          numberOfElements: 1,
          empty: false,
        }),
      ),
    );
    const listed: string[] = [];
    for await (const sbd of ctx.client.incoming.list({ serviceIdentifier: 'DPO' })) {
      listed.push(sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string);
    }
    expect(listed).toEqual([id]);
    await ctx.client.incoming.peek();
    const download = await ctx.client.incoming.pop(id);
    await download?.saveTo(join(ctx.dir, 'asic.zip'));
    expect(await readdir(ctx.dir)).toEqual(['asic.zip']);
    expect((await ctx.client.incoming.delete(id)).standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).toBe(id);
  });

  it('refuses a container over the size limit, by header and while streaming, leaving no temp files', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    await ctx.client.incoming.peek();
    await expect(ctx.client.incoming.fetchAsic(id, { asicLimits: { maxContainerBytes: 10 } })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    ctx.server.use(
      http.get(`${ctx.ip.base}/api/messages/in/pop/:id`, () => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(1000));
            controller.close();
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'application/vnd.etsi.asic-e+zip' } });
      }),
    );
    await expect(ctx.client.incoming.fetchAsic(id, { asicLimits: { maxContainerBytes: 5000 }, tempDir: ctx.dir })).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    expect(await readdir(ctx.dir)).toEqual([]);
  });

  it('times out a download that stalls', async () => {
    // A real socket (msw's interceptor cannot model a body that never ends).
    const stalled = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/vnd.etsi.asic-e+zip' });
      res.write(Buffer.alloc(100));
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = stalled.address() as AddressInfo;
      ctx.server.use(http.all(`http://127.0.0.1:${port}/*`, () => passthrough()));
      const direct = new IntegrasjonspunktClient({ baseUrl: `http://127.0.0.1:${port}`, retry: false });
      await expect(direct.incoming.fetchAsic('m1', { tempDir: ctx.dir, timeoutMs: 60 })).rejects.toBeInstanceOf(TimeoutError);
      expect(await readdir(ctx.dir)).toEqual([]);
    } finally {
      stalled.closeAllConnections();
      stalled.close();
    }
  });
});
