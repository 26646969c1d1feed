import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { arkivmelding, fromPath, mimeTypeOf, RequestValidationError, type Upload, type UploadContent } from 'eformidling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDisposition, prepareBody } from '../../src/uploads.js';
import { type Captured, filenameFromDisposition } from './fake-ip.js';
import { arkivmeldingXml, RECEIVER } from './fixtures.js';
import { useFakeIpServer } from './harness.js';

const { serve } = useFakeIpServer();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'efm-uploads-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A created message on a fake IP, ready for uploads. */
async function created() {
  const { ip, client } = serve();
  const sbd = await client.outgoing.create(arkivmelding({ receiver: RECEIVER }));
  const id = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
  const puts = () => ip.requests.filter((c) => c.method === 'PUT');
  return { ip, client, id, puts };
}

const TEXT = 'Blåbærsyltetøy\n';
const BYTES = Buffer.from(TEXT, 'utf8');

function webStream(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });
}

async function errorOf(p: Promise<unknown>): Promise<RequestValidationError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestValidationError);
  return error as RequestValidationError;
}

describe('upload content kinds: each arrives byte for byte', () => {
  const kinds: Array<[string, () => Promise<Upload> | Upload, string | undefined]> = [
    ['a string (UTF-8)', () => ({ filename: 'a.txt', content: TEXT }), String(BYTES.length)],
    ['a Uint8Array', () => ({ filename: 'a.txt', content: new Uint8Array(BYTES) }), String(BYTES.length)],
    ['an ArrayBuffer', () => ({ filename: 'a.txt', content: new Uint8Array(BYTES).buffer }), String(BYTES.length)],
    ['a Blob', () => ({ filename: 'a.txt', content: new Blob([BYTES]) }), String(BYTES.length)],
    [
      'a web ReadableStream with its size',
      () => ({ filename: 'a.txt', content: webStream(BYTES.subarray(0, 4), BYTES.subarray(4)), size: BYTES.length }),
      String(BYTES.length),
    ],
    ['a web ReadableStream of unknown size (chunked)', () => ({ filename: 'a.txt', content: webStream(BYTES) }), undefined],
    [
      'a Node Readable with its size',
      () => ({ filename: 'a.txt', content: Readable.from([BYTES.subarray(0, 3), BYTES.subarray(3)]), size: BYTES.length }),
      String(BYTES.length),
    ],
    ['a Node Readable of unknown size (chunked)', () => ({ filename: 'a.txt', content: Readable.from([BYTES]) }), undefined],
    [
      'a stream from another copy of node:stream (pipe + async iterator, not a Readable here)',
      () => {
        const foreign = {
          readableDidRead: false,
          destroyed: false,
          readableEnded: false,
          pipe: () => {
            throw new Error('not used');
          },
          async *[Symbol.asyncIterator]() {
            yield BYTES;
          },
        };
        return { filename: 'a.txt', content: foreign as unknown as UploadContent, size: BYTES.length };
      },
      String(BYTES.length),
    ],
    [
      'a file from disk (fromPath)',
      async () => {
        await writeFile(join(dir, 'a.txt'), BYTES);
        return fromPath(join(dir, 'a.txt'));
      },
      String(BYTES.length),
    ],
  ];
  for (const [what, make, length] of kinds) {
    it(what, async () => {
      const { client, id, puts } = await created();
      await client.outgoing.upload(id, await make());
      const [put] = puts() as [Captured];
      expect(put.body.equals(BYTES)).toBe(true);
      expect(put.headers['content-length']).toBe(length);
      expect(put.headers['content-type']).toBe('text/plain');
      expect(filenameFromDisposition(put.headers['content-disposition'] ?? '')).toBe('a.txt');
    });
  }

  it('reports progress for in-memory content too, ending at the full size', async () => {
    const { client, id } = await created();
    const contents: UploadContent[] = [TEXT, new Uint8Array(BYTES), new Blob([BYTES])];
    for (const [i, content] of contents.entries()) {
      const progress: Array<{ bytesSent: number; totalBytes: number | undefined }> = [];
      await client.outgoing.upload(id, { filename: `f${i}.txt`, content }, { onProgress: (p) => progress.push(p) });
      expect(progress.at(-1)).toEqual({ bytesSent: BYTES.length, totalBytes: BYTES.length });
    }
  });
});

describe('one-shot streams', () => {
  it('a Node stream sent once is refused the second time, before any request', async () => {
    const { client, id, puts } = await created();
    const stream = Readable.from([BYTES]);
    await client.outgoing.upload(id, { filename: 'a.txt', content: stream });
    const error = await errorOf(client.outgoing.upload(id, { filename: 'b.txt', content: stream }));
    expect(error.field).toBe('file.content');
    expect(error.message).toContain('only once');
    expect(puts()).toHaveLength(1);
  });

  it('a web stream someone is already reading, and a destroyed Node stream, are refused', async () => {
    const { client, id, puts } = await created();
    const locked = webStream(BYTES);
    locked.getReader();
    expect((await errorOf(client.outgoing.upload(id, { filename: 'a.txt', content: locked }))).field).toBe('file.content');
    const destroyed = Readable.from([BYTES]);
    destroyed.destroy();
    expect((await errorOf(client.outgoing.upload(id, { filename: 'a.txt', content: destroyed }))).field).toBe('file.content');
    expect(puts()).toEqual([]);
  });

  it('a send names the file whose stream was already read (files[i].content)', async () => {
    const { client } = await created();
    const stream = Readable.from([BYTES]);
    for await (const _ of stream) {
      // read it to the end
    }
    for (const strategy of ['one-step', 'multi-step'] as const) {
      const files: Upload[] = [
        { filename: 'arkivmelding.xml', content: arkivmeldingXml([]) },
        { filename: 'a.txt', content: stream, size: BYTES.length },
      ];
      const sbd = arkivmelding({ receiver: RECEIVER });
      const error = await client.send({ sbd, files }, { strategy }).catch((e: unknown) => e);
      if (strategy === 'one-step') expect(error).toMatchObject({ field: 'files[1].content' });
      else expect(error).toMatchObject({ step: 'upload', filename: 'a.txt', cause: { field: 'file.content' } });
    }
  });

  it('a prepared one-shot body opens once: a second open throws instead of sending an empty file', () => {
    for (const content of [webStream(BYTES), Readable.from([BYTES])] as UploadContent[]) {
      const body = prepareBody({ filename: 'a.txt', content, size: 3 }, 'files[0]');
      expect(body).toMatchObject({ size: 3, replayable: false });
      body.open();
      expect(() => body.open()).toThrow(RequestValidationError);
    }
  });

  it('content that is none of the supported kinds is refused with the field named', async () => {
    const { client, id, puts } = await created();
    for (const content of [42, null, { kind: 'file' }, {}] as unknown as UploadContent[]) {
      const error = await errorOf(client.outgoing.upload(id, { filename: 'a.txt', content }));
      expect(error.field).toBe('file.content');
    }
    expect(puts()).toEqual([]);
  });
});

describe('fromPath', () => {
  it('takes the name, size and MIME type from the file; options override them', async () => {
    await writeFile(join(dir, 'Vedtak.PDF'), 'x'.repeat(10));
    expect(await fromPath(join(dir, 'Vedtak.PDF'))).toEqual({
      filename: 'Vedtak.PDF',
      content: { kind: 'file', path: join(dir, 'Vedtak.PDF'), size: 10 },
      mimeType: 'application/pdf',
      title: undefined,
      size: 10,
    });
    expect(
      await fromPath(join(dir, 'Vedtak.PDF'), { filename: 'vedtak æøå.pdf', mimeType: 'application/x-test', title: 'Vedtak' }),
    ).toMatchObject({ filename: 'vedtak æøå.pdf', mimeType: 'application/x-test', title: 'Vedtak' });
  });

  it('refuses a missing file and a directory with field path', async () => {
    const missing = await errorOf(fromPath(join(dir, 'finnes-ikke.pdf')));
    expect(missing.field).toBe('path');
    expect(missing.message).toMatch(/cannot read .*finnes-ikke\.pdf.*ENOENT/);
    const directory = await errorOf(fromPath(dir));
    expect(directory.field).toBe('path');
    expect(directory.message).toContain('is not a regular file');
  });
});

describe("Content-Disposition (the IP's ContentDisposition, RFC 6266)", () => {
  it('plain ASCII names and titles are quoted; quotes and backslashes escaped', () => {
    expect(contentDisposition('vedtak.pdf')).toBe('attachment; filename="vedtak.pdf"');
    expect(contentDisposition('vedtak.pdf', 'Vedtak 1')).toBe('attachment; name="Vedtak 1"; filename="vedtak.pdf"');
    expect(contentDisposition('a "b"\\c.pdf')).toBe('attachment; filename="a \\"b\\"\\\\c.pdf"');
  });

  it('non-ASCII names get an ASCII fallback and an exact filename* (and name*)', () => {
    const value = contentDisposition('Søknad "å" (1).pdf', 'Tittel æ');
    expect(value).toBe(
      'attachment; name="Tittel _"; name*=UTF-8\'\'Tittel%20%C3%A6; ' +
        'filename="S_knad _a_ (1).pdf"; filename*=UTF-8\'\'S%C3%B8knad%20%22%C3%A5%22%20%281%29.pdf',
    );
    expect(filenameFromDisposition(value)).toBe('Søknad "å" (1).pdf');
  });
});

describe('mimeTypeOf', () => {
  it('infers from the extension, case-insensitively; unknown or none is application/octet-stream', () => {
    expect(mimeTypeOf('a.PDF')).toBe('application/pdf');
    expect(mimeTypeOf('arkivmelding.xml')).toBe('application/xml');
    expect(mimeTypeOf('pakke.asice')).toBe('application/vnd.etsi.asic-e+zip');
    expect(mimeTypeOf('data.bin')).toBe('application/octet-stream');
    expect(mimeTypeOf('README')).toBe('application/octet-stream');
  });
});
