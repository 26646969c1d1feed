import type { Readable } from 'node:stream';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import type yauzl from 'yauzl';
import type { Slot } from './entries.js';
import { AsicError } from './errors.js';
import { type AsicLimits, RATIO_FLOOR } from './limits.js';

/**
 * Streams one entry's content, inflating with the size, ratio and CRC-32 checks applied (an {@link EntryGuard}).
 * `budget` counts the bytes inflated by one read or one extraction, against `maxTotalUncompressedBytes`.
 * @throws {@link AsicError} `CORRUPT` when the entry cannot be read; the stream fails with `TOO_LARGE`,
 * `COMPRESSION_RATIO` or `CORRUPT`.
 * @internal
 */
export async function openEntryStream(
  zip: yauzl.ZipFile,
  { raw, entry }: Slot,
  limits: Required<AsicLimits>,
  budget: { used: number },
): Promise<Readable> {
  let source: Readable;
  try {
    source = await zip.openReadStreamPromise(raw);
  } catch (error) {
    throw new AsicError('CORRUPT', `cannot read the entry: ${(error as Error).message}`, { entry: entry.name, cause: error });
  }
  const guard = new EntryGuard(entry.name, raw, limits, budget);
  source.on('error', (error) => guard.destroy(mapReadError(error, entry.name)));
  guard.on('close', () => {
    if (!source.destroyed) source.destroy();
  });
  return source.pipe(guard);
}

function mapReadError(error: Error, entry: string): AsicError {
  if (error instanceof AsicError) return error;
  return new AsicError('CORRUPT', `the entry data is corrupt: ${error.message}`, { entry, cause: error });
}

/** Counts inflated bytes (per entry and per extraction) and checks the CRC-32, whatever the headers claim. */
class EntryGuard extends Transform {
  #count = 0;
  #crc = 0;
  readonly #name: string;
  readonly #raw: yauzl.Entry;
  readonly #limits: Required<AsicLimits>;
  readonly #budget: { used: number };

  constructor(name: string, raw: yauzl.Entry, limits: Required<AsicLimits>, budget: { used: number }) {
    super();
    this.#name = name;
    this.#raw = raw;
    this.#limits = limits;
    this.#budget = budget;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#count += chunk.length;
    this.#budget.used += chunk.length;
    const limits = this.#limits;
    if (this.#count > this.#raw.uncompressedSize) {
      done(new AsicError('CORRUPT', 'the entry inflates beyond the size in its header', { entry: this.#name }));
    } else if (this.#count > limits.maxEntryUncompressedBytes || this.#budget.used > limits.maxTotalUncompressedBytes) {
      done(new AsicError('TOO_LARGE', 'the size limit was reached while inflating', { entry: this.#name }));
    } else if (this.#count > RATIO_FLOOR && this.#count > Math.max(this.#raw.compressedSize, 1) * limits.maxCompressionRatio) {
      done(new AsicError('COMPRESSION_RATIO', `the entry inflates more than ${limits.maxCompressionRatio} times`, { entry: this.#name }));
    } else {
      this.#crc = crc32(chunk, this.#crc);
      done(null, chunk);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.#count !== this.#raw.uncompressedSize) {
      done(new AsicError('CORRUPT', 'the entry is shorter than its header says', { entry: this.#name }));
    } else if (this.#crc >>> 0 !== this.#raw.crc32 >>> 0) {
      done(new AsicError('CORRUPT', 'CRC-32 mismatch', { entry: this.#name }));
    } else {
      done();
    }
  }
}
