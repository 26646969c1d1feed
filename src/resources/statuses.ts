import { RequestValidationError } from '../errors.js';
import { path } from '../internal/path.js';
import { type MessageStatus, MessageStatusSchema, type Status } from '../models/status.js';
import type { PagedAsyncIterable } from '../pagination.js';
import type { RequestOptions } from '../transport/http.js';
import { Resource } from './resource.js';

/** Filters for `GET /api/statuses` (reference 3.4.1). @category Resources */
export interface StatusListFilter {
  /** The numeric status id. */
  id?: number;
  messageId?: string;
  conversationId?: string;
  /** Exact status value, e.g. `'LEVERT'`. */
  status?: Status;
  /** Range on `lastUpdate`; the IP applies it only when both ends are given, so give both. */
  fromDateTime?: string | Date;
  toDateTime?: string | Date;
  /** Sort, e.g. `'id,asc'` (default) or `'lastUpdate,desc'`. */
  sort?: string | string[];
  /** Page size (1-2000). */
  pageSize?: number;
}

/**
 * `/api/statuses`: the status history of messages in both directions, and the optional status queue.
 * @category Resources
 */
export class StatusesResource extends Resource {
  /**
   * Searches statuses, oldest id first by default.
   * @example
   * ```ts
   * for await (const s of ip.statuses.list({ status: 'FEIL' })) console.log(s.messageId, s.description);
   * ```
   */
  list(filter: StatusListFilter = {}, options: RequestOptions = {}): PagedAsyncIterable<MessageStatus> {
    const { fromDateTime, toDateTime, sort, pageSize, ...rest } = filter;
    if ((fromDateTime === undefined) !== (toDateTime === undefined)) {
      throw new RequestValidationError(
        fromDateTime === undefined ? 'fromDateTime' : 'toDateTime',
        'the IP applies a date range only when both fromDateTime and toDateTime are given',
      );
    }
    const query = {
      ...rest,
      fromDateTime: fromDateTime === undefined ? undefined : toIso(fromDateTime),
      toDateTime: toDateTime === undefined ? undefined : toIso(toDateTime),
      sort,
    };
    return this.paged('/api/statuses', MessageStatusSchema, query, options, pageSize);
  }

  /** All statuses of one message (`GET /api/statuses/{messageId}`); an unknown id gives no items. */
  forMessage(messageId: string, options: RequestOptions & { pageSize?: number } = {}): PagedAsyncIterable<MessageStatus> {
    const { pageSize, ...requestOptions } = options;
    return this.paged(path`/api/statuses/${messageId}`, MessageStatusSchema, {}, requestOptions, pageSize);
  }

  /**
   * The oldest entry of the status queue, or `null` when it is empty. The entry stays until {@link delete}.
   * @remarks The queue is filled only for services in the IP's `difi.move.feature.statusQueueIncludes` (empty by
   * default, so `null` on a default install), and is only correct when one client owns the IP.
   */
  peek(options: RequestOptions = {}): Promise<MessageStatus | null> {
    return this.transport.jsonOrNull({ method: 'GET', path: '/api/statuses/peek' }, MessageStatusSchema, options);
  }

  /** Removes an entry from the status queue; `false` when no entry had that id (404). */
  async delete(id: number, options: RequestOptions = {}): Promise<boolean> {
    const status = await this.transport.empty({ method: 'DELETE', path: path`/api/statuses/${id}`, acceptStatus: [404] }, options);
    return status !== 404;
  }
}

function toIso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}
