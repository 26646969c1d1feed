import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
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
import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildAsic } from '../asic/fixtures.js';
import { sbdFor } from './fake-ip.js';
import { useFakeIp } from './harness.js';

const ctx = useFakeIp({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 }, tempPrefix: 'receive-test-' });
let asic: Buffer;
beforeEach(async () => {
  asic = await buildAsic([
    { name: 'vedtak.pdf', content: '%PDF vedtak', mimeType: 'application/pdf' },
    { name: 'arkivmelding.xml', content: '<arkivmelding/>', mimeType: 'application/xml' },
  ]);
});

/** The arguments of the next emission of an event. */
function nextEvent<K extends keyof ReceiveEvents>(loop: ReceiveLoop, name: K): Promise<ReceiveEvents[K]> {
  return new Promise((resolve) => loop.once(name, ((...args: ReceiveEvents[K]) => resolve(args)) as never));
}

const drain: ReceiveOptions = { stopWhenIdle: true, pollIntervalMs: 1 };

describe('the receive loop', () => {
  it('runs peek → pop → handler → delete, and hands over the parsed message', async () => {
    const id = ctx.ip.add(sbdFor({ process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0' }), asic);
    const seen: ReceivedMessage[] = [];
    const handled: Array<Record<string, unknown>> = [];
    const loop = ctx.client.receive(
      async (message) => {
        ctx.ip.log.push(`HANDLER ${message.messageId}`);
        seen.push(message);
        const entries = await message.asic?.entries();
        const files = await message.asic?.saveTo(join(ctx.dir, message.messageId));
        handled.push({
          entries: entries?.filter((e) => e.kind === 'document').map((e) => [e.name, e.mimeType]),
          main: (await message.asic?.mainDocument())?.name,
          saved: files?.length,
        });
      },
      { ...drain, filter: { serviceIdentifier: 'dpo' as 'DPO', receiverIdentifier: '0192:910075918' } },
    );
    const processed: string[] = [];
    loop.on('processed', (e) => processed.push(e.messageId));
    const report = await loop.done;
    // This message: peek → pop → handler → delete. The next peek may overlap the delete (the handler slot is free).
    expect(ctx.ip.log.slice(0, 3)).toEqual(['PEEK?serviceIdentifier=DPO&receiverIdentifier=910075918', `POP ${id}`, `HANDLER ${id}`]);
    expect(ctx.ip.log.slice(3).sort()).toEqual([`DELETE ${id}`, 'PEEK?serviceIdentifier=DPO&receiverIdentifier=910075918']);
    expect(processed).toEqual([id]);
    expect(report).toMatchObject({ handled: 1, deleted: 1, failed: 0, stoppedBy: 'idle' });
    const m = seen[0] as ReceivedMessage;
    expect(m).toMatchObject({
      messageId: id,
      process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
      serviceIdentifier: 'DPO',
      sender: '0192:910077473',
      receiver: '0192:910075918',
      type: 'arkivmelding',
      standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
      isReceipt: false,
      attempt: 1,
      businessMessage: { hoveddokument: 'vedtak.pdf', sikkerhetsnivaa: 3 },
    });
    expect(m.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(handled[0]).toEqual({
      entries: [
        ['vedtak.pdf', 'application/pdf'],
        ['arkivmelding.xml', 'application/xml'],
      ],
      main: 'vedtak.pdf',
      saved: 7,
    });
    expect(await readFile(join(ctx.dir, id, 'vedtak.pdf'), 'utf8')).toBe('%PDF vedtak');
    expect(() => m.asic?.stream()).toThrow(/disposed/);
    expect(ctx.ip.has(id)).toBe(false);
  });

  it('hands over receipts without an ASiC', async () => {
    const id = ctx.ip.add(sbdFor({ type: 'arkivmelding_kvittering' }), null);
    const seen: ReceivedMessage[] = [];
    const report = await ctx.client.receive((m) => void seen.push(m), drain).done;
    expect(seen[0]).toMatchObject({ messageId: id, asic: null, isReceipt: true, type: 'arkivmelding_kvittering' });
    expect(report.deleted).toBe(1);
    expect(ctx.ip.log).toContain(`POP ${id}`);
  });

  it('spools a large ASiC to a temporary file that is removed afterwards', async () => {
    ctx.ip.add(sbdFor(), asic);
    let path: string | undefined;
    let size = 0;
    await ctx.client.receive(
      async (m) => {
        path = m.asic?.path;
        size = (await stat(path as string)).size;
      },
      { ...drain, spoolThresholdBytes: 10, tempDir: ctx.dir },
    ).done;
    expect(size).toBe(asic.length);
    expect(path?.startsWith(ctx.dir)).toBe(true);
    expect(await readdir(ctx.dir)).toEqual([]);
  });

  it('leaves the message on a handler failure, reports it, and retries after the lock expires', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    let calls = 0;
    const failed: unknown[] = [];
    const loop = ctx.client.receive(
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
    expect(ctx.ip.count('DELETE')).toBe(0);
    expect(ctx.ip.has(id)).toBe(true);

    // Same store (the loop's default is per loop, so share one explicitly across "restarts").
    ctx.ip.advance(ctx.ip.lockMs);
    const store = new MemoryProcessedStore();
    store.set(id, { state: 'failed', attempts: 1, updatedAt: Date.now() });
    const attempts: number[] = [];
    const second = await ctx.client.receive((m) => void attempts.push(m.attempt), { ...drain, store }).done;
    expect(attempts).toEqual([2]);
    expect(second.deleted).toBe(1);
    expect(calls).toBe(1);
  });

  it('survives a crash after the handler finished: the restarted loop only deletes (file store)', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    const storeFile = join(ctx.dir, 'state', 'received.json');
    const crash = new AbortController();
    let firstRuns = 0;
    const first = ctx.client.receive(
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
    expect(ctx.ip.has(id)).toBe(true);

    // Before the lock expires, nobody gets it.
    let secondRuns = 0;
    const early = await ctx.client.receive(() => void secondRuns++, { ...drain, store: new JsonFileProcessedStore(storeFile) }).done;
    expect(early.emptyPolls).toBe(1);

    ctx.ip.advance(ctx.ip.lockMs);
    const processed: Array<{ duplicate: boolean }> = [];
    const second = ctx.client.receive(() => void secondRuns++, { ...drain, store: new JsonFileProcessedStore(storeFile) });
    second.on('processed', (e) => processed.push({ duplicate: e.duplicate }));
    expect(await second.done).toMatchObject({ handled: 0, duplicates: 1, deleted: 1 });
    expect(processed).toEqual([{ duplicate: true }]);
    expect(firstRuns).toBe(1);
    expect(secondRuns).toBe(0);
    expect(ctx.ip.has(id)).toBe(false);
  });

  it('hands a message to a new loop when the first one died mid-handler', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    const crash = new AbortController();
    const store = new MemoryProcessedStore();
    const first = ctx.client.receive(
      (m) => {
        crash.abort(new Error('process killed'));
        expect(m.signal.aborted).toBe(true);
        throw m.signal.reason;
      },
      { ...drain, store, signal: crash.signal },
    );
    await first.done;
    ctx.ip.advance(ctx.ip.lockMs);
    const handled: string[] = [];
    await ctx.client.receive((m) => void handled.push(m.messageId), { ...drain, store }).done;
    expect(handled).toEqual([id]);
    expect(ctx.ip.has(id)).toBe(false);
  });

  it('reports a delete after lock expiry as "lock expired", and only deletes on redelivery', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    const warnings: unknown[] = [];
    let calls = 0;
    const store = new MemoryProcessedStore();
    const loop = ctx.client.receive(
      () => {
        calls++;
        ctx.ip.advance(ctx.ip.lockMs + 1);
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
    expect(ctx.ip.has(id)).toBe(true);
    // The redelivery is deleted without a second handler run.
    const next = await ctx.client.receive(() => void calls++, { ...drain, store }).done;
    expect(calls).toBe(1);
    expect(next).toMatchObject({ handled: 0, duplicates: 1, deleted: 1 });
    expect(ctx.ip.log.filter((l) => l.startsWith('DELETE'))).toEqual([`DELETE ${id}`, `DELETE ${id}`]);
    expect(ctx.ip.has(id)).toBe(false);
  });

  it('counts a delete whose response was lost (the retry answers 404) as deleted', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    let first = true;
    ctx.server.use(
      http.delete(`${ctx.ip.base}/api/messages/in/:id`, ({ params }) => {
        if (!first) return undefined;
        first = false;
        ctx.ip.queue.splice(0, 1); // the delete went through...
        ctx.ip.log.push(`DELETE ${String(params.id)} (lost)`);
        return HttpResponse.error(); // ...but the response never arrived
      }),
    );
    const events: unknown[] = [];
    const loop = ctx.client.receive(() => {}, drain);
    loop.on('processed', (e) => events.push({ alreadyDeleted: e.alreadyDeleted }));
    const report = await loop.done;
    expect(ctx.ip.log.filter((l) => l.startsWith('DELETE'))).toEqual([`DELETE ${id} (lost)`, `DELETE ${id}`]);
    expect(report).toMatchObject({ deleted: 1, failed: 0 });
    expect(events).toEqual([{ alreadyDeleted: true }]);
  });

  it('backs off on an empty queue up to the maximum, and polls at once after a message', async () => {
    const idle: number[] = [];
    const loop = ctx.client.receive(() => {}, { pollIntervalMs: 1, maxPollIntervalMs: 8 });
    loop.on('idle', (e) => {
      idle.push(e.nextPollInMs);
      if (idle.length === 6) ctx.ip.add(sbdFor(), null);
      if (idle.length === 8) void loop.stop();
    });
    const processed = nextEvent(loop, 'processed');
    const report = await loop.done;
    await processed;
    expect(idle).toEqual([1, 2, 4, 8, 8, 8, 1, 2]);
    expect(report).toMatchObject({ emptyPolls: 8, deleted: 1, polls: 9, stoppedBy: 'stop' });
  });

  it('wake() polls at once instead of waiting out the back-off', async () => {
    const loop = ctx.client.receive(() => {}, { pollIntervalMs: 3_600_000, maxMessages: 1 });
    await nextEvent(loop, 'idle');
    expect(ctx.ip.count('PEEK')).toBe(1);
    ctx.ip.add(sbdFor(), null);
    loop.wake();
    const report = await loop.done;
    expect(report).toMatchObject({ polls: 2, deleted: 1, stoppedBy: 'maxMessages' });
  });

  it('stop() lets an in-flight handler finish and delete, and polls no more', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    ctx.ip.add(sbdFor(), asic);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const loop = ctx.client.receive(async () => {
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
    expect(ctx.ip.has(id)).toBe(false);
    expect(ctx.ip.count('PEEK')).toBe(1);
    expect(await loop.stop()).toMatchObject({ deleted: 1 });
  });

  it('an AbortSignal stops at once: the handler sees it, nothing is deleted, done resolves', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    const controller = new AbortController();
    let sawAbort = false;
    const loop = ctx.client.receive(
      async (m) => {
        controller.abort();
        sawAbort = m.signal.aborted;
      },
      { signal: controller.signal },
    );
    const report = await loop.done;
    expect(sawAbort).toBe(true);
    expect(report.stoppedBy).toBe('abort');
    expect(ctx.ip.has(id)).toBe(true);
    expect(ctx.ip.count('DELETE')).toBe(0);
  });

  it('an already aborted signal sends nothing', async () => {
    const report = await ctx.client.receive(() => {}, { signal: AbortSignal.abort() }).done;
    expect(report.polls).toBe(0);
    expect(ctx.ip.log).toEqual([]);
  });

  it('warns when a handler runs close to its lock deadline', async () => {
    ctx.ip.add(sbdFor(), null);
    const loop = ctx.client.receive(
      async (m) => {
        const [warning] = await nextEvent(loop, 'warning');
        expect(warning).toMatchObject({ kind: 'lockDeadline', messageId: m.messageId, lockDeadline: m.lockDeadline });
      },
      { ...drain, lockTimeoutMs: 60, lockWarningMs: 50 },
    );
    expect(await loop.done).toMatchObject({ handled: 1, deleted: 1 });
  });

  it('dead-letters a poison message (SBD + ASiC saved first), then deletes it', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    const store = new MemoryProcessedStore();
    const deadLetterDir = join(ctx.dir, 'dead');
    const options: ReceiveOptions = { ...drain, store, maxAttempts: 2, onPoison: 'deadLetter', deadLetterDir };
    const boom = () => {
      throw new Error('cannot parse arkivmelding');
    };
    const first = await ctx.client.receive(boom, options).done;
    expect(first).toMatchObject({ failed: 1, deadLettered: 0 });
    ctx.ip.advance(ctx.ip.lockMs);
    const loop = ctx.client.receive(boom, options);
    const failed: boolean[] = [];
    loop.on('failed', (e) => failed.push(e.poison));
    const lettered = nextEvent(loop, 'deadLettered');
    const second = await loop.done;
    expect(failed).toEqual([true]);
    expect(second).toMatchObject({ failed: 1, deadLettered: 1, deleted: 1 });
    const [event] = await lettered;
    expect(event.dir).toBe(join(deadLetterDir, id));
    expect((await readdir(event.dir)).sort()).toEqual(['asic.zip', 'failure.json', 'sbd.json']);
    expect(await readFile(join(event.dir, 'asic.zip'))).toEqual(asic);
    expect(JSON.parse(await readFile(join(event.dir, 'sbd.json'), 'utf8'))).toEqual(ctx.ip.queue[0]?.sbd ?? expect.any(Object));
    expect(JSON.parse(await readFile(join(event.dir, 'failure.json'), 'utf8'))).toMatchObject({
      messageId: id,
      attempts: 2,
      lastError: 'Error: cannot parse arkivmelding',
    });
    expect(ctx.ip.has(id)).toBe(false);
    const deleteIndex = ctx.ip.log.indexOf(`DELETE ${id}`);
    expect(deleteIndex).toBeGreaterThan(0);
  });

  it("leaves a poison message on the IP with onPoison 'leave'", async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    const store = new MemoryProcessedStore();
    store.set(id, { state: 'failed', attempts: 3, updatedAt: Date.now(), lastError: 'x' });
    let calls = 0;
    const loop = ctx.client.receive(() => void calls++, { ...drain, store, maxAttempts: 3 });
    const warnings: string[] = [];
    loop.on('warning', (w) => warnings.push(w.kind));
    const report = await loop.done;
    expect(calls).toBe(0);
    expect(warnings).toEqual(['poison']);
    expect(report.poisonLeft).toBe(1);
    expect(ctx.ip.has(id)).toBe(true);
    expect(ctx.ip.count('POP')).toBe(0);
  });

  it('reports a pop 404 (the IP dropped the message) as failed, without retrying it', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    ctx.server.use(
      http.get(`${ctx.ip.base}/api/messages/in/pop/:id`, () =>
        HttpResponse.json(
          { status: 404, exception: 'x.FileNotFoundException', message: 'File(s) named asic.zip was not found' },
          { status: 404 },
        ),
      ),
    );
    let calls = 0;
    const loop = ctx.client.receive(() => void calls++, drain);
    const failed: string[] = [];
    loop.on('failed', (e) => failed.push(e.stage));
    await loop.done;
    expect(calls).toBe(0);
    expect(failed).toEqual(['pop']);
    expect(ctx.ip.count('DELETE')).toBe(0);
    expect(id).toBeTruthy();
  });

  it('rejects done on 401 instead of spinning', async () => {
    ctx.server.use(
      http.get(`${ctx.ip.base}/api/messages/in/peek`, () => HttpResponse.json({ status: 401, error: 'Unauthorized' }, { status: 401 })),
    );
    const loop = ctx.client.receive(() => {});
    const errors: unknown[] = [];
    loop.on('error', (e) => errors.push(e));
    await expect(loop.done).rejects.toBeInstanceOf(UnauthorizedError);
    expect(errors).toHaveLength(1);
    expect(loop.report.stoppedBy).toBe('fatal');
    expect(await loop.stop()).toMatchObject({ stoppedBy: 'fatal' });
  });

  it('rejects done on an unknown filter key without sending anything', async () => {
    const loop = ctx.client.receive(() => {}, { filter: { messageID: 'x' } as never });
    await expect(loop.done).rejects.toBeInstanceOf(RequestValidationError);
    expect(ctx.ip.log).toEqual([]);
  });

  it('keeps polling through a transient peek failure', async () => {
    let failures = 1;
    ctx.server.use(
      http.get(`${ctx.ip.base}/api/messages/in/peek`, () => {
        if (failures-- > 0) return HttpResponse.json({ status: 503 }, { status: 503 });
        return undefined;
      }),
    );
    const id = ctx.ip.add(sbdFor(), null);
    const noRetry = ctx.client.withOptions({ retry: false });
    const loop = noRetry.receive(() => {}, drain);
    const errors: unknown[] = [];
    loop.on('error', (e) => errors.push(e));
    const report = await loop.done;
    expect(errors).toHaveLength(1);
    expect(report).toMatchObject({ deleted: 1 });
    expect(report.failures[0]).toMatchObject({ stage: 'peek' });
    expect(ctx.ip.has(id)).toBe(false);
  });

  it('runs handlers concurrently up to the limit; locks beyond that are only messages being deleted', async () => {
    for (let i = 0; i < 12; i++) ctx.ip.add(sbdFor(), null);
    let active = 0;
    let peak = 0;
    let open!: () => void;
    const barrier = new Promise<void>((resolve) => {
      open = resolve;
    });
    const handler = async () => {
      active++;
      peak = Math.max(peak, active);
      if (active === 3) open();
      await barrier;
      await new Promise((resolve) => setTimeout(resolve, 1));
      active--;
    };
    const report = await ctx.client.receive(handler, { ...drain, concurrency: 3 }).done;
    expect(report.deleted).toBe(12);
    expect(peak).toBe(3);
    expect(Math.max(...ctx.ip.maxLocksBy.values())).toBeLessThanOrEqual(6);
  });

  it('two loops on one queue never handle the same message while it is locked', async () => {
    const ids = Array.from({ length: 30 }, () => ctx.ip.add(sbdFor(), null));
    const handledBy = new Map<string, string[]>();
    const make = (name: string) =>
      ctx.client.withOptions({ userAgent: name }).receive(
        async (m) => {
          handledBy.set(m.messageId, [...(handledBy.get(m.messageId) ?? []), name]);
          await new Promise((resolve) => setTimeout(resolve, 1));
        },
        { ...drain, concurrency: 2 },
      );
    const [a, b] = await Promise.all([make('loop-a').done, make('loop-b').done]);
    expect(a.deleted + b.deleted).toBe(30);
    expect([...handledBy.keys()].sort()).toEqual([...ids].sort());
    expect([...handledBy.values()].every((by) => by.length === 1)).toBe(true);
    expect(a.deleted).toBeGreaterThan(0);
    expect(b.deleted).toBeGreaterThan(0);
    for (const held of ctx.ip.maxLocksBy.values()) expect(held).toBeLessThanOrEqual(4);
  });

  it('validates its options', () => {
    expect(() => ctx.client.receive(() => {}, { concurrency: 0 })).toThrow(RequestValidationError);
    expect(() => ctx.client.receive(() => {}, { onPoison: 'deadLetter' })).toThrow(/deadLetterDir/);
    expect(() => ctx.client.receive(undefined as never)).toThrow(RequestValidationError);
  });
});
