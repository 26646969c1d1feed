import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { spoolToFile } from '../internal/spool.js';
import { readCatalog } from './catalog.js';
import { AsicContainer } from './container.js';
import { scanDirectory } from './directory.js';
import { AsicError } from './errors.js';
import { type AsicLimits, resolveLimits } from './limits.js';

/** Options for {@link openAsic}. @category ASiC */
export interface OpenAsicOptions {
  /** Size and count limits. */
  limits?: AsicLimits;
  /** Folder for the temporary copy of a streamed container (the zip format needs random access). @defaultValue `os.tmpdir()` */
  tempDir?: string;
  /** Cancels spooling a streamed container. */
  signal?: AbortSignal;
}

/**
 * Where a container comes from: a file path, bytes in memory, or a stream (Node or web), which is first spooled to a
 * temporary file so it never sits in memory.
 * @category ASiC
 */
export type AsicSource = string | Uint8Array | Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Opens an ASiC-E container (the zip `pop` returns), checks every entry against hostile-container rules, and reads
 * its manifests. Close it when done (or use `await using`).
 *
 * @param source - A file path, bytes, or a stream.
 * @param options - Limits, a temp folder, a signal.
 * @returns The opened container.
 * @throws {@link AsicError} for a hostile, broken or oversized container.
 * @example
 * ```ts
 * await using asic = await openAsic('./asic.zip');
 * console.log(asic.mainDocument?.name, asic.entries.map((e) => `${e.name} ${e.mimeType} ${e.size}`));
 * await asic.extractTo('./inbox/123');
 * ```
 * @category ASiC
 */
export async function openAsic(source: AsicSource, options: OpenAsicOptions = {}): Promise<AsicContainer> {
  const limits = resolveLimits(options.limits);
  let tempDir: string | undefined;
  let zip: yauzl.ZipFile;
  try {
    if (typeof source === 'string') {
      zip = await openZip(() => yauzl.openPromise(source, ZIP_OPTIONS));
    } else if (source instanceof Uint8Array) {
      if (source.byteLength > limits.maxContainerBytes)
        throw new AsicError('TOO_LARGE', `the container exceeds ${limits.maxContainerBytes} bytes`);
      const buffer = Buffer.isBuffer(source) ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
      zip = await openZip(() => yauzl.fromBufferPromise(buffer, ZIP_OPTIONS));
    } else {
      tempDir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'eformidling-asic-'));
      const file = join(tempDir, 'asic.zip');
      await spoolToFile(source, file, {
        maxBytes: limits.maxContainerBytes,
        tooLarge: (max) => new AsicError('TOO_LARGE', `the container exceeds ${max} bytes`),
        signal: options.signal,
      });
      zip = await openZip(() => yauzl.openPromise(file, ZIP_OPTIONS));
    }
  } catch (error) {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
  try {
    const catalog = await readCatalog(zip, await scanDirectory(zip, limits), limits);
    return new AsicContainer(zip, limits, tempDir, catalog);
  } catch (error) {
    zip.close();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
}

const ZIP_OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  // Sizes are checked by our own guard (and the stored-size rule in scanDirectory()), so an encrypted entry is reported as such.
  validateEntrySizes: false,
  strictFileNames: true,
};

async function openZip(open: () => Promise<yauzl.ZipFile>): Promise<yauzl.ZipFile> {
  try {
    return await open();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    throw new AsicError('CORRUPT', `not a readable zip: ${(error as Error).message}`, { cause: error });
  }
}
