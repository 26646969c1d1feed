import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';

/** A byte source to spool or read: a Node stream, a web stream, or an async iterable of bytes. */
export type ByteSource = Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** Options for {@link spoolToFile}. */
export interface SpoolToFileOptions {
  /** Most bytes accepted; one more fails the spool with `tooLarge()`. */
  maxBytes: number;
  /** The error for a source over `maxBytes`. */
  tooLarge: (maxBytes: number) => Error;
  /** Fail with `stalled()` when no bytes arrive for this long (ms). @defaultValue no stall timeout */
  stallTimeoutMs?: number | undefined;
  /** The error for a stall; required with `stallTimeoutMs`. */
  stalled?: ((stallTimeoutMs: number) => Error) | undefined;
  /** Cancels the spool with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/**
 * Streams `source` into a new file (created exclusively), with a size cap, an optional stall timeout and
 * cancellation; resolves with the number of bytes written. On failure the partial file stays for the caller to
 * remove (callers spool into a temporary folder they own).
 */
export async function spoolToFile(source: ByteSource, file: string, options: SpoolToFileOptions): Promise<number> {
  const { maxBytes, stallTimeoutMs } = options;
  let total = 0;
  let last = Date.now();
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      last = Date.now();
      if (total > maxBytes) done(options.tooLarge(maxBytes));
      else done(null, chunk);
    },
  });
  const stop = new AbortController();
  const signal = options.signal;
  const onAbort = () => stop.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  let watchdog: NodeJS.Timeout | undefined;
  if (stallTimeoutMs !== undefined) {
    const stalled = options.stalled ?? ((ms: number) => new Error(`no data for ${ms} ms`));
    watchdog = setInterval(
      () => {
        if (Date.now() - last > stallTimeoutMs) stop.abort(stalled(stallTimeoutMs));
      },
      Math.max(50, Math.min(stallTimeoutMs / 4, 5_000)),
    );
    watchdog.unref();
  }
  try {
    await pipeline(toReadable(source), counter, createWriteStream(file, { flags: 'wx' }), { signal: stop.signal });
    return total;
  } catch (error) {
    throw stop.signal.aborted ? stop.signal.reason : error;
  } finally {
    if (watchdog) clearInterval(watchdog);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Reads a web stream into one buffer, cancelling it and failing with `timedOut()` after `timeoutMs`, and with the
 * signal's reason on abort (never a truncated buffer).
 */
export async function readAll(
  body: ReadableStream<Uint8Array>,
  options: { timeoutMs: number; timedOut: (timeoutMs: number) => Error; signal?: AbortSignal | undefined },
): Promise<Buffer> {
  const { signal, timeoutMs } = options;
  const reader = body.getReader();
  // A cancelled reader ends its pending read as done, so the timeout is remembered and thrown after the loop.
  let timedOut: Error | undefined;
  const timer = setTimeout(() => {
    timedOut = options.timedOut(timeoutMs);
    reader.cancel(timedOut).catch(() => {});
  }, timeoutMs);
  const onAbort = () => reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    if (signal?.aborted) throw signal.reason;
    if (timedOut) throw timedOut;
    const only = chunks[0];
    return chunks.length === 1 && only ? Buffer.from(only.buffer, only.byteOffset, size) : Buffer.concat(chunks, size);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** A Node stream over any {@link ByteSource}. */
export function toReadable(source: ByteSource): Readable {
  if (source instanceof Readable) return source;
  if (typeof (source as ReadableStream).getReader === 'function') return Readable.fromWeb(source as NodeWebStream<Uint8Array>);
  return Readable.from(source as AsyncIterable<Uint8Array>, { objectMode: false });
}
