/**
 * The hostile-container corpus: every container here ends in an AsicError, within the test timeout, having written at
 * most 64 MiB. Bytes written are counted on every file the reader creates (through a spy on `createWriteStream`),
 * so a file removed after the failure still counts, and the output folder is measured afterwards: nothing is left.
 */

import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AsicError, type AsicLimits, isAsicError, openAsic } from 'eformidling';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rawZip, zipOf } from './fixtures.js';
import { lyingEndRecord, lyingSizes, MiB, manySmallEntries, nestedOverlap, sharedLocalRecord } from './hostile-zips.js';

const opened = vi.hoisted(() => [] as WriteStream[]);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createWriteStream = ((...args: Parameters<typeof fs.createWriteStream>) => {
    const stream = fs.createWriteStream(...args);
    opened.push(stream);
    return stream;
  }) as typeof fs.createWriteStream;
  return { ...fs, default: { ...fs, createWriteStream }, createWriteStream };
});

const LIMIT = 64 * MiB;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asic-hostile-'));
  opened.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Bytes on disk under a folder (files and folders, as `du` counts them). */
async function diskUsage(path: string): Promise<number> {
  const stat = await lstat(path).catch(() => undefined);
  if (!stat) return 0;
  let total = stat.blocks * 512;
  if (stat.isDirectory()) for (const name of await readdir(path)) total += await diskUsage(join(path, name));
  return total;
}

/** Every byte the reader wrote to any file during the attack. */
async function bytesWritten(): Promise<number> {
  let total = 0;
  for (const stream of opened) {
    if (!stream.closed) await once(stream, 'close');
    total += stream.bytesWritten;
  }
  return total;
}

/** Opens and extracts a container; returns the AsicError it must end in. */
async function attack(zip: Buffer, out = join(dir, 'out'), limits?: AsicLimits): Promise<AsicError> {
  await mkdir(out, { recursive: true });
  const error = await (async () => {
    await using asic = await openAsic(zip, limits ? { limits } : {});
    await asic.extractTo(out);
  })().then(
    () => new Error('the container was accepted'),
    (e: unknown) => e,
  );
  expect(isAsicError(error), String(error)).toBe(true);
  expect(await bytesWritten()).toBeLessThanOrEqual(LIMIT);
  // Nothing is left behind: no file, no folder.
  expect(await readdir(out)).toEqual([]);
  expect(await diskUsage(out)).toBeLessThanOrEqual((await lstat(out)).blocks * 512);
  return error as AsicError;
}

describe('hostile corpus: zip slip', () => {
  const names = [
    '../evil.txt',
    'a/../../evil.txt',
    '/etc/evil',
    '..\\..\\evil.txt',
    'docs\\evil.txt',
    'C:/evil.txt',
    'C:evil.txt',
    'c:\\evil',
  ];
  for (const name of names) {
    it(`refuses ${JSON.stringify(name)}`, async () => {
      const zip = rawZip([
        { name: 'ok.txt', data: 'fine' },
        { name, data: 'pwned' },
      ]);
      expect((await attack(zip)).code).toBe('UNSAFE_ENTRY_NAME');
    });
  }
});

describe('hostile corpus: bombs', () => {
  it('refuses a single entry that inflates a thousandfold', async () => {
    const zip = rawZip([{ name: 'bomb.bin', data: Buffer.alloc(8 * MiB), method: 8 }]);
    expect((await attack(zip)).code).toBe('COMPRESSION_RATIO');
  });

  it('refuses many small entries that together inflate a thousandfold (each under the per-entry floor)', async () => {
    const zip = manySmallEntries(100);
    expect(zip.length).toBeLessThan(200_000);
    expect((await attack(zip)).code).toBe('COMPRESSION_RATIO');
  });

  it('refuses central-directory records that share one local record', async () => {
    const zip = sharedLocalRecord(100);
    expect(zip.length).toBeLessThan(10_000);
    const error = await attack(zip);
    expect(error.code).toBe('OVERLAPPING_ENTRIES');
    expect(error.entry).toBe('f1.bin');
  });

  it('refuses shared records also when the shared data is stored and every ratio is 1', async () => {
    const zip = sharedLocalRecord(1100, 64 * 1024, 'stored');
    expect(zip.length).toBeLessThan(200_000);
    expect((await attack(zip)).code).toBe('OVERLAPPING_ENTRIES');
  });

  it('refuses an entry whose data lies inside another entry', async () => {
    const error = await attack(nestedOverlap());
    expect(error.code).toBe('OVERLAPPING_ENTRIES');
    expect(error.entry).toBe('inner.bin');
  });

  it('stops entries whose headers understate their size, at the first chunk beyond it', async () => {
    expect((await attack(lyingSizes(100))).code).toBe('CORRUPT');
  });
});

describe('hostile corpus: lying end records', () => {
  it('refuses an end record that claims fewer entries than the central directory holds', async () => {
    expect((await attack(lyingEndRecord(false))).code).toBe('CORRUPT');
  });

  it('refuses it also when the end record shrinks the directory size to match', async () => {
    expect((await attack(lyingEndRecord(true))).code).toBe('CORRUPT');
  });
});

describe('hostile corpus: deep nesting', () => {
  it('refuses an entry nested hundreds of folders deep, before creating any', async () => {
    const zip = rawZip([{ name: `${'a/'.repeat(300)}deep.txt`, data: 'x' }]);
    const error = await attack(zip);
    expect(error.code).toBe('UNSAFE_ENTRY_NAME');
    expect(error.message).toMatch(/nested deeper than 32/);
  });

  it('turns a path too long for the file system into an AsicError and removes the folders it created', async () => {
    const segment = 'd'.repeat(250);
    const name = `${Array.from({ length: 15 }, (_, i) => `${i}${segment}`).join('/')}/${'f'.repeat(200)}.txt`;
    expect(name.length).toBeLessThanOrEqual(4096);
    const zip = rawZip([
      { name: 'first.txt', data: 'written, then removed' },
      { name, data: 'x' },
    ]);
    const error = await attack(zip, join(dir, 'o'.repeat(200)));
    expect(error.code).toBe('UNSAFE_ENTRY_NAME');
    expect(error.message).toMatch(/too long/);
  });

  it('counts the folders entry names imply against maxEntries', async () => {
    const zip = rawZip(Array.from({ length: 4 }, (_, i) => ({ name: `${i}/a/b/c.txt`, data: 'x' })));
    await expect(openAsic(zip, { limits: { maxEntries: 15 } })).rejects.toMatchObject({ code: 'TOO_MANY_ENTRIES' });
    await using ok = await openAsic(zip, { limits: { maxEntries: 16 } });
    expect(ok.entries).toHaveLength(4);
  });
});

describe('hostile corpus: crafted manifests', () => {
  const withManifest = (name: string, xml: string) =>
    zipOf([
      { name: 'mimetype', content: 'application/vnd.etsi.asic-e+zip', compress: false },
      { name, content: xml },
      { name: 'a.pdf', content: '%PDF' },
    ]);
  const cases: Array<[string, string, string, string]> = [
    ['a huge manifest of white space', 'manifest.xml', `<manifest>${' '.repeat(5 * MiB)}</manifest>`, 'COMPRESSION_RATIO'],
    ['deeply nested elements', 'manifest.xml', `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`, 'INVALID_MANIFEST'],
    ['unclosed start tags (quadratic for a lazy regex)', 'manifest.xml', `<manifest>${'<mottaker>'.repeat(100_000)}`, 'INVALID_MANIFEST'],
    [
      'a long attribute-like run without "="',
      'manifest.xml',
      `<manifest><hoveddokument ${'a'.repeat(MiB - 100)}/></manifest>`,
      'INVALID_MANIFEST',
    ],
    ['unterminated comments', 'META-INF/ASiCManifest.xml', `<ASiCManifest>${'<!--'.repeat(200_000)}`, 'INVALID_MANIFEST'],
    ['a prefix run that never closes', 'META-INF/manifest.xml', `<m:manifest><${'m:'.repeat(200_000)}`, 'INVALID_MANIFEST'],
    ['mismatched tags', 'manifest.xml', '<manifest><mottaker></manifest>', 'INVALID_MANIFEST'],
    ['two roots', 'manifest.xml', '<manifest/><manifest/>', 'INVALID_MANIFEST'],
    ['no root', 'manifest.xml', '   ', 'INVALID_MANIFEST'],
    [
      'a DOCTYPE with nested entities',
      'manifest.xml',
      '<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><manifest>&b;</manifest>',
      'INVALID_MANIFEST',
    ],
  ];
  for (const [label, name, xml, code] of cases) {
    it(`refuses ${label} in ${name}`, async () => {
      const zip = await withManifest(name, xml);
      expect(zip.length).toBeLessThan(64 * 1024);
      const error = await attack(zip);
      expect(error.code).toBe(code);
      expect(error.entry).toBe(name);
    });
  }

  it('refuses a manifest over maxManifestBytes', async () => {
    const xml = `<manifest>${Array.from({ length: 30_000 }, (_, i) => `<x y="${i}"/>`).join('')}</manifest>`;
    const zip = await withManifest('manifest.xml', xml);
    expect(zip.length).toBeLessThan(128 * 1024);
    const error = await attack(zip, join(dir, 'out'), { maxManifestBytes: 256 * 1024 });
    expect(error).toMatchObject({ code: 'TOO_LARGE', entry: 'manifest.xml' });
    // Within the limit the same manifest is read.
    await using asic = await openAsic(zip);
    expect(asic.manifest).toEqual({ receiver: undefined, sender: undefined, mainDocument: undefined });
  });

  it('reads a well-formed manifest that is pathological for regexes, in one pass', async () => {
    const title = `${'&amp;'.repeat(50_000)}${'&'.repeat(100_000)}${'a'.repeat(400_000)}`;
    const xml = `<manifest><avsender><organisasjon>${'<a:b:c '.repeat(1)}/>0192:910077473</organisasjon></avsender>${'<x y="1"/>'.repeat(20_000)}<hoveddokument href="a.pdf" mime="application/pdf"><tittel>${title}</tittel></hoveddokument></manifest>`;
    expect(xml.length).toBeLessThan(MiB);
    await using asic = await openAsic(await withManifest('manifest.xml', xml));
    expect(asic.mainDocument?.name).toBe('a.pdf');
    expect(asic.manifest?.sender).toBe('0192:910077473');
    expect(asic.manifest?.mainDocument?.title).toHaveLength(550_000);
  });
});
