import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/**
 * File contents of uploaded attachments. Small files stay in memory; once a file passes `spillThresholdBytes` it is
 * written to a temp directory owned by the simulator as it arrives, so a 1 GiB upload never sits in memory.
 * @internal
 * @module
 */

/** A stored file's bytes. */
export type StoredContent =
  | { kind: 'memory'; size: number; sha256: string; data: Buffer }
  | { kind: 'disk'; size: number; sha256: string; path: string };

export class FileStore {
  readonly #threshold: number;
  #dir: Promise<string> | undefined;
  #counter = 0;
  #closed = false;

  constructor(spillThresholdBytes = 1024 * 1024) {
    this.#threshold = spillThresholdBytes;
  }

  #directory(): Promise<string> {
    this.#dir ??= mkdtemp(join(tmpdir(), 'eformidling-simulator-'));
    return this.#dir;
  }

  /** Stores a buffer (multipart parts, generated content). */
  async fromBuffer(data: Buffer): Promise<StoredContent> {
    return this.write([data]);
  }

  /** Streams `source` into the store, hashing as it goes. */
  async write(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<StoredContent> {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    let out: WriteStream | undefined;
    let path: string | undefined;
    try {
      for await (const raw of source) {
        const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
        size += chunk.byteLength;
        hash.update(chunk);
        if (out) {
          if (!out.write(chunk)) await drained(out);
          continue;
        }
        chunks.push(chunk);
        if (size > this.#threshold) {
          path = join(await this.#directory(), `file-${++this.#counter}`);
          out = createWriteStream(path);
          for (const c of chunks.splice(0)) out.write(c);
          if (out.writableNeedDrain) await drained(out);
        }
      }
      if (out) {
        const stream = out;
        await new Promise<void>((resolve, reject) => {
          stream.once('error', reject);
          stream.end(resolve);
        });
        return { kind: 'disk', size, sha256: hash.digest('base64'), path: path as string };
      }
      return { kind: 'memory', size, sha256: hash.digest('base64'), data: Buffer.concat(chunks, size) };
    } catch (error) {
      if (out) {
        out.destroy();
        await unlink(path as string).catch(() => undefined);
      }
      throw error;
    }
  }

  /** A fresh readable stream over content on disk (memory content is used as a buffer directly). */
  open(content: Extract<StoredContent, { kind: 'disk' }>): Readable {
    return createReadStream(content.path, { highWaterMark: 256 * 1024 });
  }

  /** Whole content as a buffer (for small files: arkivmelding.xml). */
  async read(content: StoredContent): Promise<Buffer> {
    if (content.kind === 'memory') return content.data;
    const chunks: Buffer[] = [];
    for await (const chunk of this.open(content)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Frees the content (deletes its temp file). */
  release(content: StoredContent): void {
    if (content.kind === 'disk') void unlink(content.path).catch(() => undefined);
  }

  /** Deletes the temp directory and everything in it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#dir) await rm(await this.#dir, { recursive: true, force: true });
  }
}

function drained(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      stream.off('drain', onDrain);
      reject(e);
    };
    const onDrain = () => {
      stream.off('error', onError);
      resolve();
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}
