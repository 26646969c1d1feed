import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicTempPath, writeDirAtomic, writeFileAtomic } from '../../src/internal/atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atomic-write-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes a string, bytes, a Node stream and a web stream, replacing the old file', async () => {
    const file = join(dir, 'state.json');
    await writeFileAtomic(file, 'one');
    expect(await readFile(file, 'utf8')).toBe('one');
    await writeFileAtomic(file, Buffer.from('two'));
    expect(await readFile(file, 'utf8')).toBe('two');
    await writeFileAtomic(file, Readable.from([Buffer.from('thr'), Buffer.from('ee')]));
    expect(await readFile(file, 'utf8')).toBe('three');
    await writeFileAtomic(file, new Response('four').body as ReadableStream<Uint8Array>);
    expect(await readFile(file, 'utf8')).toBe('four');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it.skipIf(process.platform === 'win32')('gives the new file the requested mode', async () => {
    const file = join(dir, 'secret.json');
    await writeFileAtomic(file, '{}', { mode: 0o600 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('writes a stream larger than one background flush whole and in order, with the file mode asked for', async () => {
    // 70 MiB in 1 MiB chunks, each filled with its own number: two flushes happen while the stream is written.
    const chunks = Array.from({ length: 70 }, (_, i) => Buffer.alloc(1024 * 1024, i));
    const file = join(dir, 'stor.asice');
    await writeFileAtomic(file, Readable.from(chunks), { mode: 0o600 });
    const written = await readFile(file);
    expect(written.byteLength).toBe(70 * 1024 * 1024);
    for (let i = 0; i < 70; i++) expect(written[i * 1024 * 1024 + 12_345], `chunk ${i}`).toBe(i);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['stor.asice']);
  });

  it('leaves the old file and no temporary file when a stream fails', async () => {
    const file = join(dir, 'state.json');
    await writeFile(file, 'old');
    const failing = new Readable({
      read() {
        this.push(Buffer.from('half'));
        this.destroy(new Error('source broke'));
      },
    });
    await expect(writeFileAtomic(file, failing)).rejects.toThrow('source broke');
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('creates the directory on request, and uses the given temporary name', async () => {
    const file = join(dir, 'sub', 'state.json');
    await expect(writeFileAtomic(file, 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    await writeFileAtomic(file, 'x', { createDir: true, tempPath: `${file}.mine.tmp` });
    expect(await readdir(join(dir, 'sub'))).toEqual(['state.json']);
  });

  it('names temporary files after the target and the writing process', () => {
    expect(atomicTempPath('/a/b.json')).toMatch(new RegExp(`^/a/b\\.json\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
  });
});

describe('writeDirAtomic', () => {
  it('renames a completed folder into place and returns what build returned', async () => {
    const target = join(dir, 'message');
    const files = await writeDirAtomic(target, async (temp) => {
      await writeFile(join(temp, 'sbd.json'), '{}');
      return ['sbd.json'];
    });
    expect(files).toEqual(['sbd.json']);
    expect(await readdir(dir)).toEqual(['message']);
    expect(await readdir(target)).toEqual(['sbd.json']);
  });

  it('removes the half-built folder on failure and keeps an existing one', async () => {
    const target = join(dir, 'message');
    await writeDirAtomic(target, async (temp) => writeFile(join(temp, 'old.json'), '{}'));
    await expect(
      writeDirAtomic(
        target,
        async (temp) => {
          await writeFile(join(temp, 'new.json'), '{}');
          throw new Error('disk full');
        },
        { replace: true },
      ),
    ).rejects.toThrow('disk full');
    expect(await readdir(dir)).toEqual(['message']);
    expect(await readdir(target)).toEqual(['old.json']);
  });

  it('replaces an existing folder with replace: true', async () => {
    const target = join(dir, 'message');
    await writeDirAtomic(target, async (temp) => writeFile(join(temp, 'old.json'), '{}'));
    await writeDirAtomic(target, async (temp) => writeFile(join(temp, 'new.json'), '{}'), { replace: true });
    expect(await readdir(target)).toEqual(['new.json']);
  });
});
