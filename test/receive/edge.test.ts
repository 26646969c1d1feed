import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
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
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildAsic } from '../asic/fixtures.js';
import { FakeIp, sbdFor } from './fake-ip.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

let ip: FakeIp;
let client: IntegrasjonspunktClient;
let dir: string;
let asic: Buffer;
beforeEach(async () => {
  ip = new FakeIp();
  server.use(...ip.handlers());
  client = new IntegrasjonspunktClient({ baseUrl: ip.base, retry: false });
  dir = await mkdtemp(join(tmpdir(), 'receive-edge-'));
  asic = await buildAsic([{ name: 'a.pdf', content: 'a', mimeType: 'application/pdf' }]);
});
afterEach(async () => {
  server.resetHandlers();
  await rm(dir, { recursive: true, force: true });
});

const drain: ReceiveOptions = { stopWhenIdle: true, pollIntervalMs: 1 };

describe('receive loop edge cases', () => {
  it('looks the service identifier up in the incoming conversation when asked', async () => {
    ip.add(sbdFor(), null);
    ip.add(sbdFor(), null);
    let lookups = 0;
    server.use(
      http.get(`${ip.base}/api/conversations`, ({ request }) => {
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
    await client.receive((m) => void services.push(m.serviceIdentifier), { ...drain, resolveServiceIdentifier: true }).done;
    expect(services).toEqual(['DPF', undefined]);
  });

  it('leaves a message whose SBD has no messageId locked, with an error event', async () => {
    const sbd = sbdFor();
    delete sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
    ip.queue.push({ sbd, asic: null, lockedUntil: 0, lockedBy: undefined });
    const loop = client.receive(() => {}, drain);
    const errors: unknown[] = [];
    loop.on('error', (e) => errors.push(e));
    const report = await loop.done;
    expect(errors).toHaveLength(1);
    expect(report.failures[0]?.stage).toBe('peek');
    expect(ip.count('POP')).toBe(0);
    expect(loop.running).toBe(false);
  });

  it('a store that cannot be read leaves the message alone; one that cannot be written is reported', async () => {
    ip.add(sbdFor(), null);
    const broken: ProcessedStore = {
      get: () => Promise.reject(new Error('db down')),
      set: () => {},
    };
    const loop = client.receive(() => {}, { ...drain, store: broken });
    const stages: string[] = [];
    loop.on('failed', (e) => stages.push(e.stage));
    await loop.done;
    expect(stages).toEqual(['store']);
    expect(ip.count('POP')).toBe(0);

    ip.advance(ip.lockMs);
    const readOnly: ProcessedStore = { get: () => undefined, set: () => Promise.reject(new Error('disk full')) };
    const loop2 = client.receive(() => {}, { ...drain, store: readOnly });
    const errors: unknown[] = [];
    loop2.on('error', (e) => errors.push(e));
    expect(await loop2.done).toMatchObject({ deleted: 1 });
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  it('a failed download is counted as an attempt and leaves the message', async () => {
    const id = ip.add(sbdFor(), asic);
    server.use(http.get(`${ip.base}/api/messages/in/pop/:id`, () => HttpResponse.json({ status: 503 }, { status: 503 })));
    const store = new MemoryProcessedStore();
    const loop = client.receive(() => {}, { ...drain, store });
    const failed: Array<[string, number]> = [];
    loop.on('failed', (e) => failed.push([e.stage, e.attempts]));
    await loop.done;
    expect(failed).toEqual([['pop', 1]]);
    expect(store.get(id)).toMatchObject({ state: 'failed', attempts: 1 });
    expect(ip.has(id)).toBe(true);
  });

  it('a failed delete is reported; the handled record makes the redelivery a plain delete', async () => {
    const id = ip.add(sbdFor(), null);
    let fail = true;
    server.use(
      http.delete(`${ip.base}/api/messages/in/:id`, () => {
        if (!fail) return undefined;
        fail = false;
        return HttpResponse.json({ status: 500 }, { status: 500 });
      }),
    );
    const store = new MemoryProcessedStore();
    const loop = client.receive(() => {}, { ...drain, store, maxMessages: 1 });
    const stages: string[] = [];
    loop.on('failed', (e) => stages.push(e.stage));
    await loop.done;
    expect(stages).toEqual(['delete']);
    expect(store.get(id)?.state).toBe('handled');
    ip.advance(ip.lockMs);
    expect(await client.receive(() => {}, { ...drain, store }).done).toMatchObject({ duplicates: 1, deleted: 1 });
  });

  it('dead-letters at peek time a message that already used its attempts', async () => {
    const id = ip.add(sbdFor(), asic);
    const store = new MemoryProcessedStore();
    store.set(id, { state: 'failed', attempts: 2, updatedAt: Date.now(), lastError: 'Error: old' });
    let calls = 0;
    const report = await client.receive(() => void calls++, {
      ...drain,
      store,
      maxAttempts: 2,
      onPoison: 'deadLetter',
      deadLetterDir: join(dir, 'dead'),
    }).done;
    expect(calls).toBe(0);
    expect(report).toMatchObject({ deadLettered: 1, deleted: 1 });
    expect((await readdir(join(dir, 'dead', id))).sort()).toEqual(['asic.zip', 'failure.json', 'sbd.json']);
  });

  it('keeps the message when the dead letter cannot be written', async () => {
    const id = ip.add(sbdFor(), asic);
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const loop = client.receive(
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
    expect(ip.has(id)).toBe(true);
  });

  it("warns about poison in the same run with onPoison 'leave'", async () => {
    ip.add(sbdFor(), null);
    const loop = client.receive(
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
    const id = ip.add(sbdFor(), asic);
    server.use(
      http.get(`${ip.base}/api/messages/in`, () =>
        HttpResponse.json({
          content: [ip.queue[0]?.sbd],
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
    for await (const sbd of client.incoming.list({ serviceIdentifier: 'DPO' })) {
      listed.push(sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string);
    }
    expect(listed).toEqual([id]);
    await client.incoming.peek();
    const download = await client.incoming.pop(id);
    await download?.saveTo(join(dir, 'asic.zip'));
    expect(await readdir(dir)).toEqual(['asic.zip']);
    expect((await client.incoming.delete(id)).standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).toBe(id);
  });

  it('refuses a container over the size limit, by header and while streaming, leaving no temp files', async () => {
    const id = ip.add(sbdFor(), asic);
    await client.incoming.peek();
    await expect(client.incoming.fetchAsic(id, { asicLimits: { maxContainerBytes: 10 } })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    server.use(
      http.get(`${ip.base}/api/messages/in/pop/:id`, () => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(1000));
            controller.close();
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'application/vnd.etsi.asic-e+zip' } });
      }),
    );
    await expect(client.incoming.fetchAsic(id, { asicLimits: { maxContainerBytes: 5000 }, tempDir: dir })).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    expect(await readdir(dir)).toEqual([]);
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
      server.use(http.all(`http://127.0.0.1:${port}/*`, () => passthrough()));
      const direct = new IntegrasjonspunktClient({ baseUrl: `http://127.0.0.1:${port}`, retry: false });
      await expect(direct.incoming.fetchAsic('m1', { tempDir: dir, timeoutMs: 60 })).rejects.toBeInstanceOf(TimeoutError);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      stalled.closeAllConnections();
      stalled.close();
    }
  });
});
