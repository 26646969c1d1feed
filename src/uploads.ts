import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Readable } from 'node:stream';
import { RequestValidationError } from './errors.js';

/**
 * A request body as `fetch` takes it. Named from `RequestInit` (which @types/node declares) rather than the DOM's
 * `BodyInit`, so the declarations compile for consumers without the DOM lib. @internal
 */
export type RequestBody = NonNullable<RequestInit['body']>;

/** Where a file's bytes come from. @category Uploads */
export type UploadContent = string | Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | NodeJS.ReadableStream | FileContent;

/** A file on disk, streamed when sent (made by {@link fromPath}). @category Uploads */
export interface FileContent {
  readonly kind: 'file';
  readonly path: string;
  readonly size: number;
}

/**
 * One file to attach to a message.
 * @example
 * ```ts
 * const files: Upload[] = [
 *   { filename: 'arkivmelding.xml', content: xml },
 *   await fromPath('./vedtak.pdf', { title: 'Vedtak' }),
 * ];
 * ```
 * @category Uploads
 */
export interface Upload {
  /** The file name inside the ASiC-E (æøå are fine). */
  filename: string;
  content: UploadContent;
  /** MIME type; inferred from the extension when left out. */
  mimeType?: string | undefined;
  /** The attachment's title (required by DPV, and by DPI for attachments). */
  title?: string | undefined;
  /** Size in bytes, for a stream whose size you know (lets a stream go with Content-Length). */
  size?: number | undefined;
}

/** Options for {@link fromPath}. @category Uploads */
export interface FromPathOptions {
  /** File name in the message; defaults to the file's own name. */
  filename?: string;
  mimeType?: string;
  title?: string;
}

/**
 * An {@link Upload} that streams a file from disk (never read whole into memory, reopened on a retry). The file is
 * checked now (it must exist and be a regular file); its size decides between one-step and three-step sending.
 * @param path - the file on disk.
 * @param options - the name inside the message (defaults to the file's own name), its MIME type (from the extension
 * when left out) and its title (required by DPV, and by DPI for attachments).
 * @throws {@link RequestValidationError} with field `path` when the file cannot be read or is not a regular file.
 * @example
 * ```ts
 * import { arkivmelding, arkivmeldingXml, fromPath } from 'eformidling';
 *
 * const pdf = await fromPath('./saker/2026-123/vedtak.pdf', { title: 'Vedtak i sak 2026/123' });
 * await ip.send({
 *   sbd: arkivmelding({ sender: '910077473', receiver: '910075918', hoveddokument: pdf.filename }),
 *   files: [{ filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel: 'Vedtak', files: [pdf.filename] }) }, pdf],
 * });
 * ```
 * @category Uploads
 */
export async function fromPath(path: string, options: FromPathOptions = {}): Promise<Upload> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new RequestValidationError('path', `'${path}' is not a regular file`);
    size = info.size;
  } catch (error) {
    if (error instanceof RequestValidationError) throw error;
    throw new RequestValidationError('path', `cannot read '${path}': ${(error as Error).message}`);
  }
  const filename = options.filename ?? basename(path);
  return {
    filename,
    content: { kind: 'file', path, size },
    mimeType: options.mimeType ?? mimeTypeOf(filename),
    title: options.title,
    size,
  };
}

const MIME_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.xml': 'application/xml',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.csv': 'text/csv',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.xltx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.template',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.ods': 'application/vnd.oasis.opendocument.spreadsheet',
  '.odp': 'application/vnd.oasis.opendocument.presentation',
  '.odf': 'application/vnd.oasis.opendocument.formula',
  '.fods': 'application/vnd.oasis.opendocument.spreadsheet',
  '.fodp': 'application/vnd.oasis.opendocument.presentation',
  '.fodg': 'application/vnd.oasis.opendocument.graphics',
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.zip': 'application/zip',
  '.asice': 'application/vnd.etsi.asic-e+zip',
};

/** The MIME type for a file name's extension; `application/octet-stream` when unknown. @category Uploads */
export function mimeTypeOf(filename: string): string {
  return MIME_TYPES[extname(filename).toLowerCase()] ?? 'application/octet-stream';
}

/** A resolved upload body. @internal */
export interface PreparedBody {
  /** A fresh body for each attempt, or `undefined` when the content is a one-shot stream. */
  open: () => RequestBody;
  /** Bytes, when known. */
  size: number | undefined;
  /** True when `open` can be called again (retries are safe). */
  replayable: boolean;
}

/** @internal */
export function isFileContent(content: UploadContent): content is FileContent {
  return (
    typeof content === 'object' &&
    content !== null &&
    (content as FileContent).kind === 'file' &&
    typeof (content as FileContent).path === 'string'
  );
}

/**
 * True when the content can be read again for another attempt (text, bytes, a Blob, a file from `fromPath()`); a
 * stream can be sent only once. The one "replayable?" check for uploads.
 * @internal
 */
export function isReplayableContent(content: unknown): boolean {
  return (
    typeof content === 'string' ||
    content instanceof Uint8Array ||
    content instanceof ArrayBuffer ||
    content instanceof Blob ||
    isFileContent(content as UploadContent)
  );
}

/**
 * Turns upload content into a fetch body without reading streams or files into memory.
 * @internal
 */
export function prepareBody(upload: Upload, field = 'file'): PreparedBody {
  const content = upload.content;
  if (typeof content === 'string') {
    const bytes = Buffer.from(content, 'utf8');
    return { open: () => bytes, size: bytes.byteLength, replayable: true };
  }
  if (content instanceof Uint8Array) return { open: () => content as Uint8Array<ArrayBuffer>, size: content.byteLength, replayable: true };
  if (content instanceof ArrayBuffer) return { open: () => new Uint8Array(content), size: content.byteLength, replayable: true };
  if (content instanceof Blob) return { open: () => content, size: content.size, replayable: true };
  if (isFileContent(content)) {
    return {
      // A read stream (not a file-backed Blob): measured faster as a PUT body (bench/send.bench.mjs). The default
      // 64 KiB chunks: 1 MiB chunks grew peak RSS by ~60 MiB more than raw in bench/send.bench.mjs.
      open: () => createReadStream(content.path) as unknown as RequestBody,
      size: content.size,
      replayable: true,
    };
  }
  if (content instanceof ReadableStream) {
    if (content.locked) throw spent(field);
    return oneShot(field, upload.size, () => content);
  }
  if (content && typeof (content as NodeJS.ReadableStream).pipe === 'function') {
    const node = content as Readable;
    if (node.readableDidRead || node.destroyed || node.readableEnded) throw spent(field);
    // A stream from another copy of `stream` (e.g. the readable-stream package) is not a Readable here: wrap it.
    return oneShot(
      field,
      upload.size,
      () => (content instanceof Readable ? content : Readable.from(content as AsyncIterable<Uint8Array>)) as unknown as RequestBody,
    );
  }
  throw new RequestValidationError(
    `${field}.content`,
    'expected a string, Uint8Array, ArrayBuffer, Blob, ReadableStream, Node Readable or fromPath()',
  );
}

/**
 * `Content-Disposition` for an upload (`NextMoveMessageOutController`'s PUT): `attachment; name="<title>"; filename="<name>"`, with an
 * RFC 6266 / RFC 5987 `filename*` (and `name*`) for non-ASCII names such as æøå.
 * @internal
 */
export function contentDisposition(filename: string, title?: string): string {
  const parts = ['attachment'];
  if (title !== undefined) parts.push(...param('name', title));
  parts.push(...param('filename', filename));
  return parts.join('; ');
}

function spent(field: string): RequestValidationError {
  return new RequestValidationError(`${field}.content`, 'the stream was already read (a stream can be sent only once)');
}

/** A body that can be opened once: a second `open` (a retry of a one-shot stream) fails instead of sending nothing. */
function oneShot(field: string, size: number | undefined, body: () => RequestBody): PreparedBody {
  let used = false;
  return {
    open: () => {
      if (used) throw new RequestValidationError(field, 'a stream can be sent only once');
      used = true;
      return body();
    },
    size,
    replayable: false,
  };
}

function param(name: string, value: string): string[] {
  const ascii = /^[\x20-\x7e]*$/.test(value);
  const quoted = `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  if (ascii) return [`${name}=${quoted}`];
  const fallback = `"${value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/[\\"]/g, '_')}"`;
  return [`${name}=${fallback}`, `${name}*=UTF-8''${encodeRfc5987(value)}`];
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
