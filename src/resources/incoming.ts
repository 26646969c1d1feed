import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RequestValidationError } from '../errors.js';
import { path } from '../internal/path.js';
import { toPartOrPrimaryIdentifier, toPrimaryIdentifier } from '../models/identifiers.js';
import { PageSchema } from '../models/page.js';
import { type StandardBusinessDocument, StandardBusinessDocumentSchema } from '../models/sbd.js';
import type { ServiceIdentifier } from '../models/status.js';
import { type PagedAsyncIterable, paginate } from '../pagination.js';
import type { RequestOptions } from '../transport/http.js';
import { Resource } from './resource.js';

const SbdPageSchema = PageSchema(StandardBusinessDocumentSchema);

/**
 * Filters for the incoming queue (reference 3.3). The IP silently ignores unknown filter names (a misspelt filter
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
  for (const [key, value] of Object.entries(filter)) {
    if (!FILTER_KEYS.has(key)) {
      throw new RequestValidationError(
        `filter.${key}`,
        `unknown filter; the IP would silently ignore it. Known: ${[...FILTER_KEYS].join(', ')}`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '') throw new RequestValidationError(`filter.${key}`, 'must be a non-empty string');
    if (key === 'receiverIdentifier') out[key] = toPrimaryIdentifier(value);
    else if (key === 'senderIdentifier') out[key] = toPartOrPrimaryIdentifier(value);
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
    const { pageSize, sort, ...rest } = filter;
    const query = { ...normalizeIncomingFilter(rest), sort };
    return paginate(
      (page, size) =>
        this.transport.json({ method: 'GET', path: '/api/messages/in', query: { ...query, page, size } }, SbdPageSchema, options),
      { pageSize },
    );
  }

  /**
   * Locks the oldest unlocked message matching the filter and returns its SBD, or `null` when there is none.
   * The lock lasts the IP's `lockTimeoutMinutes` (default 5) and cannot be renewed or released.
   * @remarks Not retried: a repeat after a lost response would lock a second message.
   */
  peek(filter: IncomingFilter = {}, options: RequestOptions = {}): Promise<StandardBusinessDocument | null> {
    const query = normalizeIncomingFilter(filter);
    return this.transport.jsonOrNull(
      { method: 'GET', path: '/api/messages/in/peek', query, retry: false },
      StandardBusinessDocumentSchema,
      options,
    );
  }

  /**
   * Downloads the ASiC-E of a locked message as a stream; `null` for receipt types (204). Repeatable while locked.
   * @throws {@link BadRequestError} `MessageNotLockedException` when not locked; {@link NotFoundError} when unknown.
   */
  async pop(messageId: string, options: RequestOptions = {}): Promise<Download | null> {
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
    return this.transport.json({ method: 'DELETE', path: path`/api/messages/in/${messageId}` }, StandardBusinessDocumentSchema, options);
  }
}
