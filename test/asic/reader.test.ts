import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import { type AsicError, isAsicError, openAsic, RequestValidationError } from 'eformidling';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildAsic, rawZip, zipOf } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asic-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const docs = [
  { name: 'vedtak.pdf', content: '%PDF-1.7 vedtak', mimeType: 'application/pdf' },
  { name: 'arkivmelding.xml', content: '<arkivmelding/>', mimeType: 'application/xml' },
  { name: 'vedlegg/kart.png', content: Buffer.from([137, 80, 78, 71]), mimeType: 'image/png' },
];

async function expectAsicError(promise: Promise<unknown>, code: string): Promise<AsicError> {
  const error = await promise.then(
    () => {
      throw new Error('expected an AsicError');
    },
    (e: unknown) => e,
  );
  expect(isAsicError(error), String(error)).toBe(true);
  expect((error as AsicError).code).toBe(code);
  return error as AsicError;
}

describe('reading a well-formed ASiC-E', () => {
  it('lists entries with sizes, kinds and MIME types from ASiCManifest.xml', async () => {
    await using asic = await openAsic(await buildAsic(docs, { main: 'vedtak.pdf' }));
    expect(asic.entries.map((e) => e.name)).toEqual([
      'mimetype',
      'manifest.xml',
      'vedtak.pdf',
      'arkivmelding.xml',
      'vedlegg/kart.png',
      'META-INF/ASiCManifest.xml',
      'META-INF/signature-0a1b.p7s',
      'META-INF/manifest.xml',
    ]);
    const pdf = asic.entry('vedtak.pdf');
    expect(pdf).toMatchObject({
      size: 15,
      mimeType: 'application/pdf',
      mimeTypeSource: 'ASiCManifest',
      kind: 'document',
      isMainDocument: true,
    });
    expect(asic.entry('vedlegg/kart.png')?.mimeType).toBe('image/png');
    expect(asic.entry('manifest.xml')?.kind).toBe('manifest');
    expect(asic.entry('mimetype')?.kind).toBe('metadata');
    expect(asic.signatures.map((e) => e.name)).toEqual(['META-INF/signature-0a1b.p7s']);
    expect(asic.documents.map((e) => e.name)).toEqual(['vedtak.pdf', 'arkivmelding.xml', 'vedlegg/kart.png']);
    expect(asic.manifest).toEqual({
      receiver: '0192:910075918',
      sender: '0192:910077473',
      mainDocument: { href: 'vedtak.pdf', mimeType: 'application/pdf', title: 'Hoveddokument' },
    });
  });

  it('takes the main document from manifest.xml even when it is not first', async () => {
    await using asic = await openAsic(await buildAsic(docs, { main: 'arkivmelding.xml' }));
    expect(asic.mainDocument?.name).toBe('arkivmelding.xml');
    expect(asic.documents[0]?.name).toBe('arkivmelding.xml');
  });

  it('falls back to META-INF/manifest.xml for MIME types, then to the file extension', async () => {
    await using asic = await openAsic(await buildAsic(docs, { asicManifest: false }));
    expect(asic.entry('vedtak.pdf')).toMatchObject({ mimeType: 'application/pdf', mimeTypeSource: 'manifest' });
    await using bare = await openAsic(
      await zipOf([
        { name: 'brev.pdf', content: 'x' },
        { name: 'notes.txt', content: 'y' },
      ]),
    );
    expect(bare.entry('notes.txt')).toMatchObject({ mimeType: 'text/plain', mimeTypeSource: 'guessed' });
    expect(bare.manifest).toBeUndefined();
    expect(bare.mainDocument?.name).toBe('brev.pdf');
  });

  it('streams and reads entries', async () => {
    await using asic = await openAsic(await buildAsic(docs));
    const chunks: Buffer[] = [];
    for await (const c of await asic.openEntry('vedtak.pdf')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('%PDF-1.7 vedtak');
    expect((await asic.readEntry('arkivmelding.xml')).toString()).toBe('<arkivmelding/>');
    await expectAsicError(asic.readEntry('nope.pdf'), 'ENTRY_NOT_FOUND');
    await expectAsicError(asic.readEntry('vedtak.pdf', 3), 'TOO_LARGE');
  });

  it('extracts to a folder, and refuses to overwrite unless asked', async () => {
    await using asic = await openAsic(await buildAsic(docs));
    const out = join(dir, 'out');
    const files = await asic.extractTo(out);
    expect(files.map((f) => f.entry.name)).toContain('vedlegg/kart.png');
    expect(await readFile(join(out, 'vedtak.pdf'), 'utf8')).toBe('%PDF-1.7 vedtak');
    expect(await readFile(join(out, 'META-INF', 'ASiCManifest.xml'), 'utf8')).toContain('ASiCManifest');
    await expectAsicError(asic.extractTo(out), 'DUPLICATE_ENTRY');
    // Nothing this call did not write was removed.
    expect(await readFile(join(out, 'vedtak.pdf'), 'utf8')).toBe('%PDF-1.7 vedtak');
    await writeFile(join(out, 'vedtak.pdf'), 'changed');
    await asic.extractTo(out, { overwrite: true, filter: (e) => e.kind === 'document' });
    expect(await readFile(join(out, 'vedtak.pdf'), 'utf8')).toBe('%PDF-1.7 vedtak');
  });

  it('never writes through a symbolic link planted in the target folder', async () => {
    const outside = join(dir, 'outside');
    const out = join(dir, 'out');
    await mkdir(outside);
    await mkdir(out);
    await symlink(outside, join(out, 'vedlegg'));
    await using asic = await openAsic(await buildAsic(docs));
    await expectAsicError(asic.extractTo(out), 'UNSAFE_ENTRY_NAME');
    expect(await readdir(outside)).toEqual([]);
  });

  it('opens a Node stream, a web stream and a file path; a spooled copy is removed on close', async () => {
    const bytes = await buildAsic(docs);
    const spoolDir = join(dir, 'spool');
    await mkdir(spoolDir);
    const fromNode = await openAsic(Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]), { tempDir: spoolDir });
    expect(await readdir(spoolDir)).toHaveLength(1);
    expect(fromNode.documents).toHaveLength(3);
    await fromNode.close();
    await fromNode.close();
    expect(await readdir(spoolDir)).toEqual([]);
    await expectAsicError(fromNode.openEntry('vedtak.pdf'), 'CLOSED');

    const web = new Response(new Uint8Array(bytes)).body as ReadableStream<Uint8Array>;
    await using fromWeb = await openAsic(web, { tempDir: spoolDir });
    expect(fromWeb.mainDocument?.name).toBe('vedtak.pdf');

    const file = join(dir, 'asic.zip');
    await writeFile(file, bytes);
    await using fromFile = await openAsic(file);
    expect((await fromFile.readEntry('vedtak.pdf')).toString()).toBe('%PDF-1.7 vedtak');
  });
});

describe('hostile containers', () => {
  const unsafeNames: Array<[string, string | Buffer]> = [
    ['parent segment', '../evil.txt'],
    ['nested parent segment', 'docs/../../evil.txt'],
    ['absolute path', '/etc/passwd'],
    ['drive letter', 'C:/Windows/evil.dll'],
    ['drive letter with backslash', 'C:\\evil.txt'],
    ['backslash traversal', '..\\..\\evil.txt'],
    ['NUL byte', 'safe.pdf\u0000.exe'],
    ['control character', 'a\nb.txt'],
    ['dot segment', './a.txt'],
    ['empty segment', 'a//b.txt'],
    ['invalid UTF-8', Buffer.from([0x61, 0xff, 0xfe, 0x2e, 0x74])],
  ];
  for (const [label, name] of unsafeNames) {
    it(`refuses an entry name with a ${label}`, async () => {
      const zip = rawZip([
        { name: 'ok.txt', data: 'fine' },
        { name, data: 'pwned' },
      ]);
      await expectAsicError(openAsic(zip), 'UNSAFE_ENTRY_NAME');
    });
  }

  it('refuses symbolic-link entries', async () => {
    const zip = rawZip([{ name: 'link', data: '/etc/passwd', externalAttributes: (0o120777 << 16) >>> 0 }]);
    await expectAsicError(openAsic(zip), 'SYMLINK_ENTRY');
  });

  it('refuses duplicate names, case-folded duplicates and a file that is also a folder', async () => {
    await expectAsicError(
      openAsic(
        rawZip([
          { name: 'a.pdf', data: '1' },
          { name: 'a.pdf', data: '2' },
        ]),
      ),
      'DUPLICATE_ENTRY',
    );
    await expectAsicError(
      openAsic(
        rawZip([
          { name: 'A.pdf', data: '1' },
          { name: 'a.PDF', data: '2' },
        ]),
      ),
      'DUPLICATE_ENTRY',
    );
    await expectAsicError(
      openAsic(
        rawZip([
          { name: 'x', data: '1' },
          { name: 'x/y.pdf', data: '2' },
        ]),
      ),
      'DUPLICATE_ENTRY',
    );
  });

  it('enforces the entry count', async () => {
    const zip = rawZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' })));
    await expectAsicError(openAsic(zip, { limits: { maxEntries: 4 } }), 'TOO_MANY_ENTRIES');
    await using ok = await openAsic(zip, { limits: { maxEntries: 5 } });
    expect(ok.entries).toHaveLength(5);
  });

  it('enforces total and per-entry uncompressed sizes from the headers', async () => {
    const zip = rawZip([
      { name: 'a.bin', data: Buffer.alloc(600), method: 8 },
      { name: 'b.bin', data: Buffer.alloc(600), method: 8 },
    ]);
    await expectAsicError(openAsic(zip, { limits: { maxTotalUncompressedBytes: 1000 } }), 'TOO_LARGE');
    await expectAsicError(openAsic(zip, { limits: { maxEntryUncompressedBytes: 500 } }), 'TOO_LARGE');
  });

  it('refuses a zip bomb by its compression ratio', async () => {
    const zip = rawZip([{ name: 'bomb.bin', data: Buffer.alloc(8 * 1024 * 1024), method: 8 }]);
    expect(zip.length).toBeLessThan(20_000);
    await expectAsicError(openAsic(zip), 'COMPRESSION_RATIO');
  });

  it('does not trust a header that understates the size: inflating stops and nothing is left behind', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const zip = rawZip([{ name: 'liar.bin', data: big, method: 8, uncompressedSize: 100 }]);
    await using asic = await openAsic(zip);
    expect(asic.entry('liar.bin')?.size).toBe(100);
    await expectAsicError(asic.extractTo(join(dir, 'out')), 'CORRUPT');
    expect(await readdir(join(dir, 'out'))).toEqual([]);
  });

  it('detects a CRC-32 mismatch', async () => {
    const zip = rawZip([{ name: 'a.txt', data: 'hello', crc: 12345 }]);
    await using asic = await openAsic(zip);
    await expectAsicError(asic.readEntry('a.txt'), 'CORRUPT');
  });

  it('detects corrupt deflate data', async () => {
    const zip = rawZip([{ name: 'a.txt', data: 'hello world', method: 8, compressed: Buffer.from([0xff, 0xff, 0xff, 0xff]) }]);
    await using asic = await openAsic(zip);
    await expectAsicError(asic.readEntry('a.txt'), 'CORRUPT');
  });

  it('refuses encrypted entries and unknown compression methods', async () => {
    await expectAsicError(openAsic(rawZip([{ name: 'a.txt', data: 'x', flags: 0x0801 }])), 'ENCRYPTED');
    await expectAsicError(
      openAsic(rawZip([{ name: 'a.txt', data: 'x', method: 12, compressed: deflateRawSync('x') }])),
      'UNSUPPORTED_COMPRESSION',
    );
  });

  it('refuses bytes that are not a zip, and a truncated zip', async () => {
    await expectAsicError(openAsic(Buffer.from('<html>502 Bad Gateway</html>')), 'CORRUPT');
    const good = await buildAsic(docs);
    await expectAsicError(openAsic(good.subarray(0, good.length - 30)), 'CORRUPT');
  });

  it('stops spooling a stream that exceeds the container limit, leaving no temp file', async () => {
    const spoolDir = join(dir, 'spool');
    await mkdir(spoolDir);
    const endless = Readable.from(
      (function* () {
        for (let i = 0; i < 100; i++) yield Buffer.alloc(64 * 1024);
      })(),
    );
    await expectAsicError(openAsic(endless, { tempDir: spoolDir, limits: { maxContainerBytes: 1024 * 1024 } }), 'TOO_LARGE');
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('rejects bad limits', async () => {
    await expect(openAsic(Buffer.alloc(0), { limits: { maxEntries: 0 } })).rejects.toThrow(RequestValidationError);
    await expect(openAsic(Buffer.alloc(0), { limits: { maxPathDepth: Number.NaN } })).rejects.toMatchObject({
      field: 'limits.maxPathDepth',
    });
  });
});
