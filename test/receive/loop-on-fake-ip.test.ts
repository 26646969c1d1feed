import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryProcessedStore, type ReceivedMessage, type ReceiveEvents, type ReceiveLoop, type ReceiveOptions } from 'eformidling';
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

// The receive loop against the hand-built fake IP, for what the simulator cannot play (see fake-ip.ts): the order
// of wire calls interleaved with the handler's steps, messages and containers exactly as given, and how many locks
// one client held at once. Everything else about the loop runs on the simulator in loop-on-simulator.test.ts.
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
});
