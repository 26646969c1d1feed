import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsicError, isAsicError, openAsic } from 'eformidling';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unsafeNameReason } from '../../src/asic/entry-names.js';
import { parseAsicManifest, parseNextMoveManifest, parseOasisManifest } from '../../src/asic/manifest.js';
import { buildAsic, rawZip } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asic-more-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('manifest parsing', () => {
  it('decodes entities, numeric references, CDATA and percent-encoding; ignores comments', () => {
    const nm = parseNextMoveManifest(`<?xml version="1.0"?><!-- <hoveddokument href="fake.pdf"/> -->
      <manifest><mottaker><person>12345678901</person></mottaker><avsender><organisasjon authority="x">0192:910077473</organisasjon></avsender>
      <hoveddokument href="R&amp;D &#229;r &#x2014; plan.pdf" mime='application/pdf'><tittel lang="no"><![CDATA[Plan & budsjett]]></tittel></hoveddokument></manifest>`);
    expect(nm).toEqual({
      receiver: '12345678901',
      sender: '0192:910077473',
      mainDocument: { href: 'R&D år — plan.pdf', mimeType: 'application/pdf', title: 'Plan & budsjett' },
    });
    const asic = parseAsicManifest(
      '<asic:ASiCManifest xmlns:asic="x"><asic:SigReference URI="META-INF/sig.p7s"/><asic:DataObjectReference URI="m%C3%B8te%20referat.pdf" MimeType="application/pdf"/><asic:DataObjectReference URI="%E0%A4%A" MimeType="text/plain"/></asic:ASiCManifest>',
    );
    expect(asic.mimeTypes.get('møte referat.pdf')).toBe('application/pdf');
    expect(asic.mimeTypes.get('%E0%A4%A')).toBe('text/plain');
    expect(asic.signatures).toEqual(['META-INF/sig.p7s']);
    expect(
      parseOasisManifest(
        '<m:manifest><m:file-entry m:full-path="/" m:media-type="x"/><m:file-entry m:full-path="./a.txt" m:media-type="text/plain"/></m:manifest>',
      ),
    ).toEqual(new Map([['a.txt', 'text/plain']]));
    expect(parseNextMoveManifest('<manifest/>')).toEqual({ receiver: undefined, sender: undefined, mainDocument: undefined });
  });

  it('keeps CDATA content literal and decodes entities only outside it', () => {
    const nm = parseNextMoveManifest(
      '<manifest><hoveddokument href="a.pdf"><tittel> Budsjett &amp; <![CDATA[R&amp;D <2027>]]> &#x10FFFF;&#x110000;</tittel></hoveddokument></manifest>',
    );
    expect(nm.mainDocument?.title).toBe('Budsjett & R&amp;D <2027> \u{10FFFF}&#x110000;');
  });
});

describe('more container cases', () => {
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
