import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAll, spoolToFile } from '../../src/internal/spool.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tooLarge = (max: number) => new RangeError(`over ${max}`);

describe('spoolToFile', () => {
  it('writes the source and returns its size', async () => {
    const file = join(dir, 'out.bin');
    const size = await spoolToFile(Readable.from([Buffer.alloc(3, 1), Buffer.alloc(4, 2)]), file, { maxBytes: 7, tooLarge });
    expect(size).toBe(7);
    expect(await readFile(file)).toEqual(Buffer.concat([Buffer.alloc(3, 1), Buffer.alloc(4, 2)]));
  });

  it('fails with tooLarge() once the source passes maxBytes', async () => {
    const source = new Response(new Uint8Array(10)).body as ReadableStream<Uint8Array>;
    await expect(spoolToFile(source, join(dir, 'out.bin'), { maxBytes: 9, tooLarge })).rejects.toThrow('over 9');
  });

  it('fails with stalled() when no data comes', async () => {
    const source = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array(1)) }); // never ends
    await expect(
      spoolToFile(source, join(dir, 'out.bin'), {
        maxBytes: 100,
        tooLarge,
        stallTimeoutMs: 60,
        stalled: (ms) => new Error(`stalled ${ms}`),
      }),
    ).rejects.toThrow('stalled 60');
  });

  it('rejects with the signal reason when aborted', async () => {
    const controller = new AbortController();
    const source = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array(1)) });
    const spooled = spoolToFile(source, join(dir, 'out.bin'), { maxBytes: 100, tooLarge, signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(spooled).rejects.toThrow('cancelled');
  });
});

describe('readAll', () => {
  it('reads a body into one buffer', async () => {
    const body = new Response(Buffer.from('hello')).body as ReadableStream<Uint8Array>;
    expect((await readAll(body, { timeoutMs: 1_000, timedOut: () => new Error('late') })).toString()).toBe('hello');
  });

  it('fails with timedOut() when the body does not end in time', async () => {
    const body = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array(1)) });
    await expect(readAll(body, { timeoutMs: 30, timedOut: (ms) => new Error(`late ${ms}`) })).rejects.toThrow('late 30');
  });

  it('rejects with the signal reason when aborted', async () => {
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array(1)) });
    const read = readAll(body, { timeoutMs: 60_000, timedOut: () => new Error('late'), signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(read).rejects.toThrow('cancelled');
  });
});
