import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ASIC_LIMITS, openAsic } from 'eformidling';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAsicManifest, parseNextMoveManifest, parseOasisManifest } from '../../src/asic/manifest.js';
import { rawZip } from './fixtures.js';
import { claimsOf, MiB } from './hostile-zips.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asic-limits-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ASiC-E limits', () => {
  it('defaults: 1.5 GiB in all (room for a 1 GB DPO message), 4 MiB manifests, 32 levels', () => {
    expect(DEFAULT_ASIC_LIMITS).toMatchObject({
      maxTotalUncompressedBytes: 1536 * MiB,
      maxEntryUncompressedBytes: 1536 * MiB,
      maxManifestBytes: 4 * MiB,
      maxPathDepth: 32,
      maxCompressionRatio: 200,
    });
  });

  it('refuses by default a container whose headers claim more than 1.5 GiB in all', async () => {
    await expect(openAsic(claimsOf([900 * MiB, 900 * MiB]))).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });

  it('takes maxPathDepth from the options', async () => {
    const zip = rawZip([{ name: 'a/b/c/d.txt', data: 'x' }]);
    await expect(openAsic(zip, { limits: { maxPathDepth: 3 } })).rejects.toMatchObject({ code: 'UNSAFE_ENTRY_NAME' });
    await using asic = await openAsic(zip, { limits: { maxPathDepth: 4 } });
    expect(asic.entries.map((e) => e.name)).toEqual(['a/b/c/d.txt']);
  });

  it('a failed extraction removes the folders it created, not the ones that were there', async () => {
    const zip = rawZip([
      { name: 'keep/ok.txt', data: 'fine' },
      { name: 'new/deeper/bad.txt', data: 'hello', crc: 1 },
    ]);
    await using asic = await openAsic(zip);
    const out = join(dir, 'out');
    await mkdir(join(out, 'keep'), { recursive: true });
    await writeFile(join(out, 'keep', 'mine.txt'), 'mine');
    await expect(asic.extractTo(out)).rejects.toMatchObject({ code: 'CORRUPT' });
    expect(await readdir(out)).toEqual(['keep']);
    expect(await readdir(join(out, 'keep'))).toEqual(['mine.txt']);
  });
});

describe('manifest scanner', () => {
  it('names the entry and the offset of a well-formedness error', () => {
    expect(() => parseNextMoveManifest('<manifest><a></b></manifest>', 'manifest.xml')).toThrow(
      expect.objectContaining({
        code: 'INVALID_MANIFEST',
        entry: 'manifest.xml',
        message: expect.stringMatching(/<\/b> closes <a> at offset 13/),
      }),
    );
    expect(() => parseOasisManifest('<m:manifest><m:file-entry m:full-path=x/></m:manifest>')).toThrow(/quoted attribute value/);
    expect(() => parseAsicManifest('<a b="<"/>')).toThrow(/'<' in an attribute value/);
    expect(() => parseAsicManifest('<a/>tail')).toThrow(/text outside the root element/);
    expect(() => parseAsicManifest('<a><![CDATA[x</a>')).toThrow(/unterminated CDATA/);
  });

  it('accepts a BOM, a prolog, comments and white space around the root', () => {
    const xml =
      '\uFEFF<?xml version="1.0"?>\n<!-- c -->\n<ASiCManifest><DataObjectReference URI="a.pdf" MimeType="application/pdf"/></ASiCManifest>\n';
    expect(parseAsicManifest(xml).mimeTypes.get('a.pdf')).toBe('application/pdf');
  });

  it('takes the first organisasjon of the first mottaker, and the person when there is no organisasjon', () => {
    const nm = parseNextMoveManifest(
      '<manifest><mottaker><person> 12345678901 </person><organisasjon>0192:1</organisasjon><organisasjon>0192:2</organisasjon></mottaker><mottaker><organisasjon>0192:3</organisasjon></mottaker><avsender><person>x</person></avsender></manifest>',
    );
    expect(nm).toMatchObject({ receiver: '0192:1', sender: 'x' });
  });
});
