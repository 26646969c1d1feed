import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsicError } from '../asic/errors.js';
import type { AsicLimits } from '../asic/index.js';
import { ConnectionError, EformidlingError, RequestValidationError, TimeoutError } from '../errors.js';
import { readAll, spoolToFile } from '../internal/spool.js';
import type { RequestOptions } from '../transport/http.js';
import type { ReceiveContext } from './context.js';

/**
 * A popped ASiC-E held for the handler: bytes in memory (small) or a temporary file.
 * @internal
 */
export interface SpooledAsic {
  size: number;
  bytes?: Buffer | undefined;
  path?: string | undefined;
  /** The temporary folder holding `path`; removed when done. */
  dir?: string | undefined;
}

/** How a popped ASiC-E is held. @category Receiving */
export interface SpoolOptions {
  /** Containers up to this size (by `Content-Length`) are kept in memory; larger ones go to a temp file. @defaultValue 1 MiB */
  spoolThresholdBytes?: number | undefined;
  /** Folder for temporary copies. @defaultValue `os.tmpdir()` */
  tempDir?: string | undefined;
  /** Size and count limits for the ASiC-E (the container size limit also stops the download). */
  asicLimits?: AsicLimits | undefined;
}

const DEFAULT_SPOOL_THRESHOLD = 1024 * 1024;
const DEFAULT_MAX_CONTAINER_BYTES = 4 * 1024 ** 3;

/**
 * Downloads a locked message's ASiC-E (`incoming.pop`) into memory (small) or a temporary file; `null` when the IP
 * has none (204, receipt types). The pop request is retried by the client; a body that breaks off or stalls is
 * popped again under the client's retry policy (pop is repeatable while the lock lasts, see the IP's
 * `NextMoveMessageInController`).
 * @throws {@link AsicError} `TOO_LARGE` past `asicLimits.maxContainerBytes` (by `Content-Length` or while streaming).
 * @internal
 */
export function downloadAsic(
  ctx: Pick<ReceiveContext, 'incoming' | 'retry' | 'timeoutMs'>,
  messageId: string,
  options: RequestOptions & SpoolOptions = {},
): Promise<SpooledAsic | null> {
  const threshold = options.spoolThresholdBytes ?? DEFAULT_SPOOL_THRESHOLD;
  const maxBytes = options.asicLimits?.maxContainerBytes ?? DEFAULT_MAX_CONTAINER_BYTES;
  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs;
  const what = `GET /api/messages/in/pop/${messageId}`;
  const bodyFailures = new WeakSet<object>();
  const once = async (): Promise<SpooledAsic | null> => {
    const download = await ctx.incoming.pop(messageId, { signal: options.signal, timeoutMs: options.timeoutMs });
    if (!download) return null;
    const body = download.stream;
    const declared = download.size ?? Number.NaN;
    if (declared > maxBytes) {
      await body.cancel().catch(() => {});
      throw new AsicError('TOO_LARGE', `the container is ${declared} bytes; the limit is ${maxBytes}`);
    }
    try {
      if (Number.isFinite(declared) && declared <= threshold) {
        const bytes = await readAll(body, {
          timeoutMs,
          timedOut: (ms) => new TimeoutError(`reading the ASiC timed out after ${ms} ms`),
          signal: options.signal,
        });
        return { size: bytes.length, bytes };
      }
      const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'eformidling-pop-'));
      const file = join(dir, 'asic.zip');
      try {
        const size = await spoolToFile(body, file, {
          maxBytes,
          tooLarge: (max) => new AsicError('TOO_LARGE', `the container exceeds ${max} bytes`),
          stallTimeoutMs: timeoutMs,
          stalled: (ms) => new TimeoutError(`${what}: no data for ${ms} ms`),
          signal: options.signal,
        });
        return { size, path: file, dir };
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    } catch (error) {
      throw bodyFailure(error, what, options.signal, bodyFailures);
    }
  };
  return ctx.retry(once, {
    signal: options.signal,
    shouldRetry: (error) => typeof error === 'object' && error !== null && bodyFailures.has(error),
  });
}

/**
 * The error for a body that failed while being read: the SDK's own errors as they are (a stall is a
 * {@link TimeoutError}), anything else (a reset connection) as a {@link ConnectionError}. Connection failures and
 * stalls are marked for another pop; size limits and aborts are not.
 */
function bodyFailure(error: unknown, what: string, signal: AbortSignal | undefined, retryable: WeakSet<object>): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof AsicError || error instanceof RequestValidationError) return error;
  const mapped = error instanceof EformidlingError ? error : new ConnectionError(`${what} failed while reading the body`, { cause: error });
  if (mapped instanceof ConnectionError) retryable.add(mapped);
  return mapped;
}
