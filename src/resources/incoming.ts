import { RequestValidationError } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic-write.js';
import { path } from '../internal/path.js';
import { parseIdentifier, toPartOrPrimaryIdentifier, toPrimaryIdentifier } from '../models/identifiers.js';
import { type StandardBusinessDocument, StandardBusinessDocumentSchema } from '../models/sbd.js';
import type { ServiceIdentifier } from '../models/status.js';
import type { PagedAsyncIterable } from '../pagination.js';
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
  /** Streams the body to a file; written to a temporary name first, flushed, and renamed when complete. */
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
    saveTo: (filePath: string) => writeFileAtomic(filePath, body),
  };
}

/**
 * `/api/messages/in`: peek (lock), pop (download), delete (acknowledge).
 * One method per wire call; the workflows on top (`ip.receive()`, `ip.incoming.receiveOne()`) live in `receive/`.
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
}
