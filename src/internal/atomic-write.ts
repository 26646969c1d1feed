import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ByteSource, toReadable } from './spool.js';

/** What {@link writeFileAtomic} can write: text, bytes, or a stream (Node, web, or async iterable of bytes). */
export type AtomicWriteData = string | Uint8Array | ByteSource;

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode of the new file, e.g. `0o600` for state that holds message ids. @defaultValue `0o666` (less the umask) */
  mode?: number | undefined;
  /** The temporary file's path (same directory as the target); {@link atomicTempPath} by default. */
  tempPath?: string | undefined;
  /** Create the target's directory when missing. @defaultValue false */
  createDir?: boolean | undefined;
  /** Cancels writing a stream; the temporary file is removed. */
  signal?: AbortSignal | undefined;
}

/**
 * The default temporary name for `path`: `<path>.<pid>.<8 hex>.tmp`, in the same directory (so the rename is atomic)
 * and recognisable by its writer's pid (so a store can clean up what a crashed process left).
 */
export function atomicTempPath(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Writes a file so that a crash leaves either the old file or the complete new one, never a torn one: the data goes
 * to a temporary file in the same directory (created exclusively), which is flushed (`fsync`) and renamed over the
 * target; the directory is then flushed too where the platform allows it. On any failure the temporary file is
 * removed and the target is untouched.
 */
export async function writeFileAtomic(path: string, data: AtomicWriteData, options: AtomicWriteOptions = {}): Promise<void> {
  if (options.createDir) await mkdir(dirname(path), { recursive: true });
  const temp = options.tempPath ?? atomicTempPath(path);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) {
      const handle = await open(temp, 'wx', options.mode);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } else {
      await writeStreamDurably(temp, data, options);
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dirname(path));
}

/**
 * Builds a directory under a temporary name beside `dir` (`build` fills it), then renames it to `dir`; a failure
 * removes the temporary directory and leaves `dir` as it was. With `replace`, an existing `dir` is removed just
 * before the rename (a reader may briefly see neither).
 * @returns what `build` returned.
 */
export async function writeDirAtomic<T>(
  dir: string,
  build: (tempDir: string) => Promise<T>,
  options: { replace?: boolean | undefined; tempPath?: string | undefined } = {},
): Promise<T> {
  const temp = options.tempPath ?? atomicTempPath(dir);
  await mkdir(temp);
  try {
    const result = await build(temp);
    if (options.replace) await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
    await syncDir(dirname(dir));
    return result;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * How much a stream writes between two flushes. Flushing as the data arrives, not all at the end, lets the disk work
 * while the network delivers: with one `fsync` after a 1 GiB download the whole gigabyte waited in the page cache and
 * the save took about 0.85x the time of a plain pipe to a file; flushing every 32 MiB in the background brought it to
 * the pipe's speed (bench/receive.bench.mjs, "1 GiB download to disk"). It also keeps the dirty pages of one save small.
 */
const FLUSH_EVERY_BYTES = 32 * 1024 * 1024;

/** Streams `data` into a new file at `temp`, flushing every {@link FLUSH_EVERY_BYTES} in the background and at the end. */
async function writeStreamDurably(temp: string, data: ByteSource, options: AtomicWriteOptions): Promise<void> {
  const handle = await open(temp, 'wx', options.mode);
  let unflushed = 0;
  let flushing: Promise<void> | undefined;
  // Kept, not swallowed: Linux reports a writeback error to one fsync of a file description only, so the final
  // flush may not see an error a background flush already saw.
  let flushError: unknown;
  const flushAsWritten = new Transform({
    transform(chunk: Uint8Array, _encoding, done) {
      unflushed += chunk.byteLength;
      if (unflushed >= FLUSH_EVERY_BYTES && flushing === undefined) {
        unflushed = 0;
        // Not awaited: the next chunks are written meanwhile.
        flushing = handle.datasync().then(
          () => {
            flushing = undefined;
          },
          (error: unknown) => {
            flushError ??= error;
            flushing = undefined;
          },
        );
      }
      done(null, chunk);
    },
  });
  // The stream owns the handle: it flushes it (`fsync`) before closing it when done, and closes it when destroyed.
  const out = handle.createWriteStream({ flush: true });
  try {
    await pipeline(toReadable(data), flushAsWritten, out, options.signal ? { signal: options.signal } : {});
  } finally {
    await flushing;
  }
  if (flushError !== undefined) throw flushError;
}

async function syncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory entry (the rename) to disk; not possible on every platform (Windows), where it is skipped. */
async function syncDir(dir: string): Promise<void> {
  try {
    await syncPath(dir, 'r');
  } catch {
    // EISDIR/EPERM/EINVAL where directories cannot be opened or flushed: the rename itself is still atomic.
  }
}
