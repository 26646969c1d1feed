import { arkivmelding } from 'eformidling';
import { describe, expect, it } from 'vitest';
import { encodeMultipart } from '../../src/resources/multipart.js';
import type { Upload } from '../../src/uploads.js';

/** The body's bytes, whichever form `open()` gives (one buffer or a stream of parts). */
async function bytesOf(open: () => unknown): Promise<Buffer> {
  const body = open();
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Splits a multipart body at its boundary into [headers, content] per part. */
function partsOf(body: Buffer, contentType: string): [string, string][] {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1] as string;
  const text = body.toString('utf8');
  expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
  return text
    .slice(0, -`--${boundary}--\r\n`.length)
    .split(`--${boundary}\r\n`)
    .slice(1)
    .map((part) => {
      const at = part.indexOf('\r\n\r\n');
      expect(part.endsWith('\r\n')).toBe(true);
      return [part.slice(0, at), part.slice(at + 4, -2)];
    });
}

const sbd = arkivmelding({ receiver: '910075918' });

describe('one-step multipart body', () => {
  const cases: [string, Upload[]][] = [
    ['no files', []],
    ['one file', [{ filename: 'arkivmelding.xml', content: '<arkivmelding/>', title: 'Arkivmelding' }]],
    [
      'three files of every in-memory kind, with quotes and æøå in the names',
      [
        { filename: 'arkivmelding.xml', content: Buffer.from('<a/>') },
        { filename: 'søknad "ny".pdf', content: new Uint8Array([1, 2, 3]).buffer, title: 'Søknad\r\n"ny"', mimeType: 'application/pdf' },
        { filename: 'tom.txt', content: '' },
      ],
    ],
  ];

  it.each(cases)('the in-memory body (%s) has the same bytes as the streamed one', async (_name, files) => {
    const fast = encodeMultipart(sbd, files);
    const streamed = encodeMultipart(sbd, files, () => {});
    expect(fast.open()).toBeInstanceOf(Uint8Array);
    expect(streamed.open()).not.toBeInstanceOf(Uint8Array);
    const a = await bytesOf(fast.open);
    const b = await bytesOf(streamed.open);
    // Each encoding has its own boundary: compare with the boundary swapped in.
    const boundaryOf = (type: string) => /boundary=(.+)$/.exec(type)?.[1] as string;
    expect(a.toString('latin1').replaceAll(boundaryOf(fast.contentType), 'B')).toBe(
      b.toString('latin1').replaceAll(boundaryOf(streamed.contentType), 'B'),
    );
    expect(fast.length).toBe(a.byteLength);
    expect(streamed.length).toBe(b.byteLength);

    const parts = partsOf(a, fast.contentType);
    expect(parts).toHaveLength(files.length + 1);
    expect(parts[0]?.[0]).toBe('Content-Disposition: form-data; name="sbd"\r\nContent-Type: application/json');
    expect(JSON.parse(parts[0]?.[1] as string)).toEqual(sbd);
    files.forEach((file, i) => {
      const [head, content] = parts[i + 1] as [string, string];
      const escaped = (v: string) => v.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
      expect(head).toContain(`name="${escaped(file.title ?? file.filename)}"; filename="${escaped(file.filename)}"`);
      const expected = typeof file.content === 'string' ? file.content : Buffer.from(file.content as ArrayBuffer).toString('utf8');
      expect(content).toBe(expected);
    });
  });
});
