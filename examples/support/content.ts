/**
 * Content for the examples: a minimal Noark 5 `arkivmelding.xml`, small PDF documents, a large file written to
 * disk, and SHA-256 checks of what was received.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ReceivedMessage } from 'eformidling';

/** What a sender remembers about a file, to check the receiver got the same bytes. */
export interface FileFingerprint {
  size: number;
  sha256: string;
}

/**
 * A minimal arkivmelding (Noark 5) from the SDK: one saksmappe with one journalpost whose documents are `files`, in
 * order (the first is the main document). Every file sent besides `arkivmelding.xml` must be named, and every name
 * must be sent.
 */
export { arkivmeldingXml } from 'eformidling';

/** A small, valid one-page PDF showing `text` (enough for a viewer to open it). */
export function pdf(text: string): Buffer {
  const stream = `BT /F1 18 Tf 72 760 Td (${text.replace(/[()\\]/g, '\\$&')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** SHA-256 (hex) and size of some bytes. */
export function fingerprint(bytes: Buffer | string): FileFingerprint {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return { size: buffer.length, sha256: createHash('sha256').update(buffer).digest('hex') };
}

/** SHA-256 (hex) and size of a stream, read to the end. */
export async function fingerprintStream(stream: Readable): Promise<FileFingerprint> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    hash.update(bytes);
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * Writes a large "PDF" of `size` bytes to `path` (a PDF header, then random bytes), 1 MiB at a time, and returns its
 * fingerprint. Nothing of the size is ever held in memory.
 */
export async function writeLargeFile(path: string, size: number): Promise<FileFingerprint> {
  const out = createWriteStream(path, { flags: 'wx' });
  const hash = createHash('sha256');
  const header = Buffer.from('%PDF-1.7\n% large attachment written by the eformidling examples\n', 'latin1');
  let written = 0;
  const write = async (chunk: Buffer) => {
    hash.update(chunk);
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  try {
    await write(header.subarray(0, Math.min(header.length, size)));
    while (written < size) await write(randomBytes(Math.min(1024 * 1024, size - written)));
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    throw error;
  }
  return { size: written, sha256: hash.digest('hex') };
}

/** One document of a received message compared with what was sent. */
export interface EntryCheck {
  name: string;
  size: number;
  ok: boolean;
}

/**
 * Reads every document of a received message's ASiC-E, streaming, and compares size and SHA-256 with what the sender
 * sent. Throws when a document is missing, extra or different.
 */
export async function verifyDocuments(message: ReceivedMessage, expected: ReadonlyMap<string, FileFingerprint>): Promise<EntryCheck[]> {
  if (!message.asic) throw new Error(`message ${message.messageId} has no ASiC-E`);
  const container = await message.asic.open();
  const checks: EntryCheck[] = [];
  for (const entry of container.documents) {
    const want = expected.get(entry.name);
    if (!want) throw new Error(`message ${message.messageId}: unexpected document '${entry.name}'`);
    const got = await fingerprintStream(await container.openEntry(entry));
    const ok = got.size === want.size && got.sha256 === want.sha256;
    if (!ok) {
      throw new Error(
        `message ${message.messageId}: '${entry.name}' differs (got ${got.size} bytes, sha256 ${got.sha256.slice(0, 12)}…; ` +
          `sent ${want.size} bytes, sha256 ${want.sha256.slice(0, 12)}…)`,
      );
    }
    checks.push({ name: entry.name, size: got.size, ok });
  }
  const missing = [...expected.keys()].filter((name) => !checks.some((c) => c.name === name));
  if (missing.length > 0) throw new Error(`message ${message.messageId}: missing ${missing.join(', ')}`);
  return checks;
}
