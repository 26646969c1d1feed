import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsicError, isAsicError, openAsic } from 'eformidling';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unsafeNameReason } from '../../src/asic/entry-names.js';
import { buildAsic, rawZip } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asic-container-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('containers: names, folders, sources, extraction limits and errors', () => {
  it('names: empty, long segments, folders', () => {
    expect(unsafeNameReason('')).toBe('empty name');
    expect(unsafeNameReason(`${'a'.repeat(256)}.pdf`)).toMatch(/255/);
    expect(unsafeNameReason('docs/')).toBeNull();
    expect(unsafeNameReason('docs/../')).toMatch(/zip slip/);
  });

  it('lists a folder entry and extracts around it', async () => {
    const zip = rawZip([
      { name: 'docs/', data: '', externalAttributes: (0o040755 << 16) >>> 0 },
      { name: 'docs/a.txt', data: 'A' },
    ]);
    await using asic = await openAsic(new Uint8Array(zip));
    expect(asic.entries.map((e) => e.kind)).toEqual(['directory', 'document']);
    await asic.extractTo(join(dir, 'out'));
    expect(await readFile(join(dir, 'out', 'docs', 'a.txt'), 'utf8')).toBe('A');
  });

  it('refuses bytes over the container limit, and a missing file with ENOENT', async () => {
    await expect(openAsic(Buffer.alloc(2000), { limits: { maxContainerBytes: 1000 } })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(openAsic(join(dir, 'missing.zip'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('opens an async iterable of chunks', async () => {
    const bytes = await buildAsic([{ name: 'a.pdf', content: 'a' }]);
    async function* chunks() {
      yield bytes.subarray(0, 50);
      yield bytes.subarray(50);
    }
    await using asic = await openAsic(chunks(), { tempDir: dir });
    expect(asic.mainDocument?.name).toBe('a.pdf');
  });

  it('refuses to overwrite a folder, and honours an abort signal', async () => {
    await using asic = await openAsic(await buildAsic([{ name: 'a.pdf', content: 'a' }]));
    const out = join(dir, 'out');
    await mkdir(join(out, 'a.pdf'), { recursive: true });
    await expect(asic.extractTo(out, { overwrite: true })).rejects.toMatchObject({ code: 'DUPLICATE_ENTRY' });
    await expect(asic.extractTo(join(dir, 'other'), { signal: AbortSignal.abort(new Error('stop')) })).rejects.toThrow('stop');
  });

  it('refuses a parent path that is a file in the target', async () => {
    const zip = rawZip([{ name: 'docs/a.txt', data: 'A' }]);
    await using asic = await openAsic(zip);
    const out = join(dir, 'out');
    await mkdir(out);
    await writeFile(join(out, 'docs'), 'not a folder');
    await expect(asic.extractTo(out)).rejects.toMatchObject({ code: 'UNSAFE_ENTRY_NAME' });
  });

  it('enforces the extraction total while inflating, and the per-entry limit on read', async () => {
    const zip = rawZip([
      { name: 'a.bin', data: Buffer.alloc(3000, 1), method: 8 },
      { name: 'b.bin', data: Buffer.alloc(3000, 2), method: 8 },
    ]);
    await using asic = await openAsic(zip);
    await expect(asic.readEntry('a.bin', 100)).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });

  it('reports a stored entry whose sizes disagree, and a short entry', async () => {
    await expect(openAsic(rawZip([{ name: 'a.txt', data: 'hello', uncompressedSize: 3 }]))).rejects.toMatchObject({ code: 'CORRUPT' });
    const short = rawZip([{ name: 'a.txt', data: 'hello', method: 8, uncompressedSize: 50 }]);
    await using asic = await openAsic(short);
    await expect(asic.readEntry('a.txt')).rejects.toMatchObject({ code: 'CORRUPT' });
  });

  it('errors serialise without surprises and are recognised by name', () => {
    const error = new AsicError('UNSAFE_ENTRY_NAME', 'bad', { entry: 'a\u0000b' });
    expect(error.entry).toBe('a\\x00b');
    expect(error.toJSON()).toEqual({ name: 'AsicError', message: "bad (entry 'a\\x00b')", code: 'UNSAFE_ENTRY_NAME', entry: 'a\\x00b' });
    const foreign = Object.assign(new Error('x'), { name: 'AsicError', code: 'CORRUPT' });
    expect(isAsicError(foreign)).toBe(true);
    expect(isAsicError(new Error('x'))).toBe(false);
  });
});
