import { createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AsicError } from '../asic/errors.js';
import type { AsicLimits } from '../asic/reader.js';
import { isApiError, RequestValidationError, TimeoutError } from '../errors.js';
import { path } from '../internal/path.js';
import { parseIdentifier, toPartOrPrimaryIdentifier, toPrimaryIdentifier } from '../models/identifiers.js';
import { type StandardBusinessDocument, StandardBusinessDocumentSchema } from '../models/sbd.js';
import type { ServiceIdentifier } from '../models/status.js';
import type { PagedAsyncIterable } from '../pagination.js';
import { LockExpiredError } from '../receive/errors.js';
import { inferServiceIdentifier, ReceivedAsic, type ReceivedMessage, toReceivedMessage } from '../receive/message.js';
import type { RequestOptions } from '../transport/http.js';
import { checkString, Resource } from './resource.js';

/**
 * Filters for the incoming queue (`NextMoveMessageInController`). The IP silently ignores unknown filter names (a misspelt filter
 * would lock someone else's message), so the SDK rejects them; identifiers are sent bare (`0192:` stripped) and
 * service identifiers upper-case.
 * @category Resources
 */
export interface IncomingFilter {
  conversationId?: string;
  messageId?: string;
  receiverIdentifier?: string;
  senderIdentifier?: string;
  serviceIdentifier?: ServiceIdentifier;
  process?: string;
}

const FILTER_KEYS = new Set(['conversationId', 'messageId', 'receiverIdentifier', 'senderIdentifier', 'serviceIdentifier', 'process']);

/**
 * Checks and normalises an incoming filter; an unknown key is a {@link RequestValidationError}, never sent.
 * @category Resources
 */
export function normalizeIncomingFilter(filter: IncomingFilter = {}): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new RequestValidationError('filter', 'must be an object such as { serviceIdentifier: "DPO" }');
  }
  for (const [key, value] of Object.entries(filter)) {
    if (!FILTER_KEYS.has(key)) {
      throw new RequestValidationError(
        `filter.${key}`,
        `unknown filter; the IP would silently ignore it. Known: ${[...FILTER_KEYS].join(', ')}`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '') throw new RequestValidationError(`filter.${key}`, 'must be a non-empty string');
    if (key === 'receiverIdentifier') out[key] = toPrimaryIdentifier(parseIdentifier(value, `filter.${key}`).value);
    else if (key === 'senderIdentifier') out[key] = toPartOrPrimaryIdentifier(parseIdentifier(value, `filter.${key}`).value);
    else if (key === 'serviceIdentifier') out[key] = value.trim().toUpperCase();
    else out[key] = value.trim();
  }
  return out;
}

/**
 * A downloaded ASiC-E, not yet read. Read it once: as a stream, into memory, or to a file.
 * @category Resources
 */
export interface Download {
  /** The body as a web stream. */
  readonly stream: ReadableStream<Uint8Array>;
  /** `Content-Type` (normally `application/vnd.etsi.asic-e+zip`). */
  readonly contentType: string | undefined;
  /** `Content-Length`, when the IP sent one. */
  readonly size: number | undefined;
  /** Reads the whole body into memory (only for small containers). */
  arrayBuffer(): Promise<ArrayBuffer>;
  /** Streams the body to a file; written to a temporary name first and renamed when complete. */
  saveTo(filePath: string): Promise<void>;
}

/** @internal */
export function toDownload(res: Response): Download {
  const body = res.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  const length = res.headers.get('content-length');
  return {
    stream: body,
    contentType: res.headers.get('content-type') ?? undefined,
    size: length === null ? undefined : Number(length),
    arrayBuffer: () => new Response(body).arrayBuffer(),
    async saveTo(filePath: string) {
      const temp = `${filePath}.part-${process.pid}-${Date.now()}`;
      try {
        await pipeline(
          Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
          createWriteStream(temp, { flags: 'wx' }),
        );
        await rename(temp, filePath);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
  };
}

/**
 * `/api/messages/in`: peek (lock), pop (download), delete (acknowledge).
 * Most integrators use `ip.receive()`, which never deletes before the handler succeeded.
 * @category Resources
 */
export class IncomingResource extends Resource {
  /** Lists queued incoming messages, locked ones included, without locking anything. */
  list(
    filter: IncomingFilter & { pageSize?: number; sort?: string | string[] } = {},
    options: RequestOptions = {},
  ): PagedAsyncIterable<StandardBusinessDocument> {
    return this.pagedCall(() => {
      const { pageSize, sort, ...rest } = filter ?? {};
      if (sort !== undefined) for (const s of Array.isArray(sort) ? sort : [sort]) checkString(s, 'filter.sort');
      const query = { ...normalizeIncomingFilter(rest), sort };
      return this.paged('/api/messages/in', StandardBusinessDocumentSchema, query, options, pageSize);
    });
  }

  /**
   * Locks the oldest unlocked message matching the filter and returns its SBD, or `null` when there is none.
   * The lock lasts the IP's `lockTimeoutMinutes` (default 5) and cannot be renewed or released.
   * @remarks Not retried: a repeat after a lost response would lock a second message.
   */
  peek(filter: IncomingFilter = {}, options: RequestOptions = {}): Promise<StandardBusinessDocument | null> {
    return this.call(() => {
      const query = normalizeIncomingFilter(filter);
      return this.transport.jsonOrNull(
        { method: 'GET', path: '/api/messages/in/peek', query, retry: false },
        StandardBusinessDocumentSchema,
        options,
      );
    });
  }

  /**
   * Downloads the ASiC-E of a locked message as a stream; `null` for receipt types (204). Repeatable while locked.
   * @throws {@link BadRequestError} `MessageNotLockedException` when not locked; {@link NotFoundError} when unknown.
   */
  async pop(messageId: string, options: RequestOptions = {}): Promise<Download | null> {
    checkString(messageId, 'messageId');
    const res = await this.transport.stream({ method: 'GET', path: path`/api/messages/in/pop/${messageId}` }, options);
    if (res.status === 204) {
      await res.body?.cancel();
      return null;
    }
    return toDownload(res);
  }

  /**
   * Acknowledges (removes) a locked message and returns its SBD. The sender then sees `LEVERT` (DPO/DPE).
   * @throws {@link BadRequestError} `MessageNotLockedException` when the lock has expired.
   */
  delete(messageId: string, options: RequestOptions = {}): Promise<StandardBusinessDocument> {
    return this.call(() => {
      checkString(messageId, 'messageId');
      return this.transport.json({ method: 'DELETE', path: path`/api/messages/in/${messageId}` }, StandardBusinessDocumentSchema, options);
    });
  }

  /**
   * For scripts: peeks one message (locking it), downloads its ASiC-E, and hands it over with `ack()`. Call `ack()`
   * after you have stored it; without it the lock expires and the IP redelivers. `null` when the queue is empty.
   *
   * @param filter - Which messages to take (unknown keys are a {@link RequestValidationError}).
   * @example
   * ```ts
   * await using message = await ip.incoming.receiveOne({ serviceIdentifier: 'DPO' });
   * if (message) {
   *   await message.asic?.saveTo(`./inbox/${message.messageId}`);
   *   await message.ack();
   * }
   * ```
   */
  async receiveOne(filter: IncomingFilter = {}, options: ReceiveOneOptions = {}): Promise<ReceivedOne | null> {
    const normalized = normalizeIncomingFilter(filter);
    const lockTimeoutMs = options.lockTimeoutMs ?? 300_000;
    const peekedAt = Date.now();
    const sbd = await this.peek(filter, options);
    if (!sbd) return null;
    const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
    if (!messageId) throw new RequestValidationError('messageId', 'the peeked SBD has no instanceIdentifier');
    const spooled = await this.fetchAsic(messageId, options);
    const asic = spooled ? new ReceivedAsic(spooled, options.asicLimits) : null;
    const message = toReceivedMessage(sbd, {
      asic,
      attempt: 1,
      lockDeadline: new Date(peekedAt + lockTimeoutMs),
      signal: options.signal ?? new AbortController().signal,
      serviceIdentifier: inferServiceIdentifier(
        sbd.standardBusinessDocumentHeader.documentIdentification.type,
        normalized.serviceIdentifier,
      ),
    });
    const dispose = async () => {
      await asic?.dispose();
    };
    return {
      ...message,
      ack: async (ackOptions: RequestOptions = {}) => {
        const result = await this.acknowledge(messageId, ackOptions);
        if (result === 'not-locked') throw new LockExpiredError(messageId);
        await dispose();
      },
      dispose,
      [Symbol.asyncDispose]: dispose,
    };
  }

  /**
   * Downloads a locked message's ASiC-E into memory (small) or a temporary file; `null` for 204. The download and
   * the body are retried together under the client's policy (pop is repeatable while the lock lasts).
   * @internal
   */
  async fetchAsic(messageId: string, options: RequestOptions & SpoolOptions = {}): Promise<SpooledAsic | null> {
    checkString(messageId, 'messageId');
    const threshold = options.spoolThresholdBytes ?? DEFAULT_SPOOL_THRESHOLD;
    const maxBytes = options.asicLimits?.maxContainerBytes ?? 4 * 1024 ** 3;
    const timeoutMs = options.timeoutMs ?? this.transport.timeoutMs;
    const once = () =>
      this.transport.execute(
        { method: 'GET', path: path`/api/messages/in/pop/${messageId}`, retry: false },
        async (res, ctx) => {
          if (res.status === 204 || !res.body) {
            await res.body?.cancel().catch(() => {});
            return null;
          }
          const declared = Number(res.headers.get('content-length') ?? Number.NaN);
          if (declared > maxBytes) {
            await res.body.cancel().catch(() => {});
            throw new AsicError('TOO_LARGE', `the container is ${declared} bytes; the limit is ${maxBytes}`);
          }
          if (Number.isFinite(declared) && declared <= threshold) {
            const bytes = await readBody(res.body, ctx.signal, timeoutMs);
            return { size: bytes.length, bytes };
          }
          const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'eformidling-pop-'));
          const file = join(dir, 'asic.zip');
          try {
            const size = await spoolBody(res.body, file, maxBytes, timeoutMs, ctx.signal, `GET /api/messages/in/pop/${messageId}`);
            return { size, path: file, dir };
          } catch (error) {
            await rm(dir, { recursive: true, force: true });
            throw error;
          }
        },
        options,
      );
    return this.transport.withRetry(once, { signal: options.signal });
  }

  /**
   * Deletes (acknowledges) a locked message: `deleted`; `gone` when the IP answers 404 (already deleted, e.g. the
   * first attempt got through but its response was lost); `not-locked` for `MessageNotLockedException`.
   * @internal
   */
  async acknowledge(messageId: string, options: RequestOptions = {}): Promise<'deleted' | 'gone' | 'not-locked'> {
    checkString(messageId, 'messageId');
    try {
      const status = await this.transport.empty(
        { method: 'DELETE', path: path`/api/messages/in/${messageId}`, acceptStatus: [404] },
        options,
      );
      return status === 404 ? 'gone' : 'deleted';
    } catch (error) {
      if (isApiError(error) && error.status === 400 && error.exception === 'MessageNotLockedException') return 'not-locked';
      throw error;
    }
  }
}

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

/** Options for {@link IncomingResource.receiveOne}. @category Receiving */
export interface ReceiveOneOptions extends RequestOptions, SpoolOptions {
  /** How long the IP's lock lasts (`lockTimeoutMinutes`), for {@link ReceivedMessage.lockDeadline}. @defaultValue 300 000 */
  lockTimeoutMs?: number | undefined;
}

/**
 * One message from {@link IncomingResource.receiveOne}: the message plus `ack()` (delete) and `dispose()`.
 * @category Receiving
 */
export interface ReceivedOne extends ReceivedMessage {
  /**
   * Deletes the message from the IP (acknowledges it) and disposes the ASiC. A 404 (already gone, e.g. after a lost
   * response) counts as deleted.
   * @throws {@link LockExpiredError} when the lock ran out first.
   */
  ack(options?: RequestOptions): Promise<void>;
  /** Removes the temporary ASiC copy without deleting the message (it is redelivered when the lock expires). */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const DEFAULT_SPOOL_THRESHOLD = 1024 * 1024;

async function readBody(body: ReadableStream<Uint8Array>, signal: AbortSignal | undefined, timeoutMs: number): Promise<Buffer> {
  const reader = body.getReader();
  const timer = setTimeout(
    () => reader.cancel(new TimeoutError(`reading the ASiC timed out after ${timeoutMs} ms`)).catch(() => {}),
    timeoutMs,
  );
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
    return chunks.length === 1
      ? Buffer.from((chunks[0] as Uint8Array).buffer, (chunks[0] as Uint8Array).byteOffset, size)
      : Buffer.concat(chunks, size);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Streams a body to a file with a size cap and a stall timeout (no bytes for `timeoutMs`). */
async function spoolBody(
  body: ReadableStream<Uint8Array>,
  file: string,
  maxBytes: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<number> {
  let total = 0;
  let last = Date.now();
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      last = Date.now();
      if (total > maxBytes) done(new AsicError('TOO_LARGE', `the container exceeds ${maxBytes} bytes`));
      else done(null, chunk);
    },
  });
  const stall = new AbortController();
  const watchdog = setInterval(
    () => {
      if (Date.now() - last > timeoutMs) stall.abort(new TimeoutError(`${what}: no data for ${timeoutMs} ms`));
    },
    Math.max(50, Math.min(timeoutMs / 4, 5_000)),
  );
  watchdog.unref();
  const onAbort = () => stall.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await pipeline(
      Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
      counter,
      createWriteStream(file, { flags: 'wx' }),
      { signal: stall.signal },
    );
    return total;
  } catch (error) {
    throw stall.signal.aborted ? stall.signal.reason : error;
  } finally {
    clearInterval(watchdog);
    signal?.removeEventListener('abort', onAbort);
  }
}
