import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { RequestValidationError } from '../errors.js';
import type { StandardBusinessDocument } from '../models/sbd.js';
import { StandardBusinessDocumentSchema } from '../models/sbd.js';
import type { RequestOptions, Transport } from '../transport/http.js';
import { isFileContent, isReplayableContent, mimeTypeOf, prepareBody, type RequestBody, type Upload } from '../uploads.js';

/**
 * The IP's per-part limit for the one-step endpoint, 5 MiB (NextMoveMessageOutController `MAX_SIZE`,
 * `MultipartFileToLargeException`).
 * @category Sending
 */
export const MULTIPART_PART_LIMIT = 5 * 1024 * 1024;

/** Progress of one file of a send. @category Sending */
export interface SendProgress {
  /** The file's name (as in the ASiC). */
  file: string;
  /** Bytes of this file handed to the connection so far. */
  bytesSent: number;
  /** The file's size, when known. */
  totalBytes: number | undefined;
}

/** @internal */
export interface MultipartBody {
  /** A fresh body for each attempt. */
  open: () => RequestBody;
  contentType: string;
  /** Total bytes, when every part's size is known (then sent as `Content-Length`). */
  length: number | undefined;
  /** True when `open` can be called more than once. */
  replayable: boolean;
}

type Chunk = Uint8Array;
type PartSource =
  | { kind: 'bytes'; bytes: Chunk }
  | { kind: 'blob'; blob: Blob }
  | { kind: 'file'; path: string; size: number }
  | { kind: 'stream'; open: () => RequestBody; size: number | undefined };

interface EncodedPart {
  head: Chunk;
  filename: string;
  source: PartSource;
  size: number | undefined;
}

const CRLF = Buffer.from('\r\n');

/**
 * Escapes a multipart header parameter value the way browsers do (WHATWG "multipart/form-data encoding"):
 * `"` → `%22`, CR → `%0D`, LF → `%0A`; other characters, æøå included, go as raw UTF-8. RFC 7578 section 4.2
 * forbids the RFC 5987 `filename*` form inside multipart/form-data; the IP (Spring Boot) reads part headers as UTF-8.
 */
function escapeParam(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * Builds the one-step body by hand, as NextMoveMessageOutController.createAndSendMessage reads it: a part `sbd` as a
 * plain form field (no filename) with `Content-Type: application/json`, then one part per file with `name` = title,
 * `filename` and the file's real content type. In-memory parts are joined into one buffer (the fastest body the benchmark found); files from disk
 * and streams are streamed part by part, with the total length computed up front when every size is known.
 *
 * Measured against the alternatives (bench/send.bench.mjs, README "Design notes"): platform `FormData`
 * ran at about half the rate of this body for 1 KB messages, and the `form-data` package about 0.85-0.95x.
 * @internal
 */
export function encodeMultipart(
  sbd: StandardBusinessDocument,
  files: readonly Upload[],
  onProgress?: (progress: SendProgress) => void,
): MultipartBody {
  const boundary = `----eformidling${randomUUID()}`;
  const delimiter = `--${boundary}\r\n`;
  const sbdPart = Buffer.from(
    `${delimiter}Content-Disposition: form-data; name="sbd"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(sbd)}\r\n`,
  );
  const parts: EncodedPart[] = files.map((file, i) => {
    const type = file.mimeType ?? mimeTypeOf(file.filename);
    const name = file.title ?? file.filename;
    const head = Buffer.from(
      `${delimiter}Content-Disposition: form-data; name="${escapeParam(name)}"; filename="${escapeParam(file.filename)}"\r\n` +
        `Content-Type: ${type}\r\n\r\n`,
    );
    const source = partSource(file, `files[${i}]`);
    const size = source.kind === 'bytes' ? source.bytes.byteLength : source.kind === 'blob' ? source.blob.size : source.size;
    return { head, filename: file.filename, source, size };
  });
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const contentType = `multipart/form-data; boundary=${boundary}`;
  let length: number | undefined = sbdPart.byteLength + tail.byteLength;
  for (const part of parts) {
    length = part.size === undefined || length === undefined ? undefined : length + part.head.byteLength + part.size + CRLF.byteLength;
  }
  const replayable = files.every((file) => isReplayableContent(file.content));

  if (!onProgress && parts.every((p) => p.source.kind === 'bytes')) {
    // Fast path: one contiguous buffer (no stream machinery per request).
    const chunks: Chunk[] = [sbdPart];
    for (const part of parts) chunks.push(part.head, (part.source as { bytes: Chunk }).bytes, CRLF);
    chunks.push(tail);
    const body = Buffer.concat(chunks, length);
    return { open: () => body, contentType, length, replayable: true };
  }

  async function* generate(): AsyncGenerator<Chunk> {
    yield sbdPart;
    for (const part of parts) {
      yield part.head;
      let sent = 0;
      for await (const chunk of iterate(part.source)) {
        if (chunk.byteLength === 0) continue; // nothing to send or report (an empty file is reported once, below)
        sent += chunk.byteLength;
        yield chunk;
        onProgress?.({ file: part.filename, bytesSent: sent, totalBytes: part.size });
      }
      if (sent === 0) onProgress?.({ file: part.filename, bytesSent: 0, totalBytes: part.size });
      yield CRLF;
    }
    yield tail;
  }
  return { open: () => generate() as unknown as RequestBody, contentType, length, replayable };
}

function partSource(file: Upload, field: string): PartSource {
  const content = file.content;
  if (typeof content === 'string') return { kind: 'bytes', bytes: Buffer.from(content, 'utf8') };
  if (content instanceof Uint8Array) return { kind: 'bytes', bytes: content };
  if (content instanceof ArrayBuffer) return { kind: 'bytes', bytes: new Uint8Array(content) };
  if (content instanceof Blob) return { kind: 'blob', blob: content };
  if (isFileContent(content)) return { kind: 'file', path: content.path, size: content.size };
  const prepared = prepareBody(file, field);
  return { kind: 'stream', open: prepared.open, size: prepared.size };
}

async function* iterate(source: PartSource): AsyncGenerator<Chunk> {
  switch (source.kind) {
    case 'bytes':
      yield source.bytes;
      return;
    case 'blob':
      yield* source.blob.stream() as unknown as AsyncIterable<Chunk>;
      return;
    case 'file':
      // Never read whole: parts are at most 5 MiB, so 256 KiB chunks keep memory flat.
      yield* createReadStream(source.path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Chunk>;
      return;
    case 'stream':
      yield* source.open() as unknown as AsyncIterable<Chunk>;
      return;
  }
}

/**
 * One-step send (`POST /api/messages/out/multipart`). Sent once, never retried here: the caller (`ip.send()`)
 * decides what a failure means (the IP commits create and upload before its send stage, so a send-stage 400 leaves
 * the message stored).
 * @internal
 */
export async function sendMultipart(
  transport: Transport,
  sbd: StandardBusinessDocument,
  files: readonly Upload[],
  options: RequestOptions & { onProgress?: ((progress: SendProgress) => void) | undefined } = {},
): Promise<StandardBusinessDocument> {
  const { onProgress, ...requestOptions } = options;
  for (const [i, file] of files.entries()) {
    const size = sizeOf(file);
    // NextMoveMessageOutController: any part > 5 MiB → 400 MultipartFileToLargeException.
    if (size !== undefined && size > MULTIPART_PART_LIMIT) {
      throw new RequestValidationError(`files[${i}]`, `'${file.filename}' (${size} bytes) is larger than the one-step limit of 5 MiB`);
    }
  }
  const body = encodeMultipart(sbd, files, onProgress);
  const headers: Record<string, string> = { 'content-type': body.contentType };
  if (body.length !== undefined) headers['content-length'] = String(body.length);
  return transport.json(
    { method: 'POST', path: '/api/messages/out/multipart', body: body.open, headers, retry: false, upload: true },
    StandardBusinessDocumentSchema,
    requestOptions,
  );
}

/** The size of an upload's content, when it can be known without reading it. @internal */
export function sizeOf(file: Upload): number | undefined {
  const content = file.content;
  if (typeof content === 'string') return Buffer.byteLength(content, 'utf8');
  if (content instanceof Uint8Array || content instanceof ArrayBuffer) return content.byteLength;
  if (content instanceof Blob) return content.size;
  if (isFileContent(content)) return content.size;
  return file.size;
}
