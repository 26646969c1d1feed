import { RequestValidationError } from '../errors.js';
import { path } from '../internal/path.js';
import { type MessageStatus, MessageStatusSchema, type Status } from '../models/status.js';
import type { PagedAsyncIterable } from '../pagination.js';
import type { RequestOptions } from '../transport/http.js';
import { checkId, checkKeys, checkString, Resource } from './resource.js';

const STATUS_FILTER_KEYS = ['id', 'messageId', 'conversationId', 'status', 'fromDateTime', 'toDateTime', 'sort', 'pageSize'];

/** Filters for `GET /api/statuses` (the IP's `MessageStatusController`). @category Resources */
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
    return this.pagedCall(() => {
      // An unknown key (say `since`) would reach the IP as a parameter it ignores; refuse it instead.
      checkKeys(filter, STATUS_FILTER_KEYS);
      const { id, messageId, conversationId, status, fromDateTime, toDateTime, sort, pageSize } = filter ?? {};
      if ((fromDateTime === undefined) !== (toDateTime === undefined)) {
        throw new RequestValidationError(
          fromDateTime === undefined ? 'filter.fromDateTime' : 'filter.toDateTime',
          'the IP applies a date range only when both fromDateTime and toDateTime are given',
        );
      }
      if (id !== undefined) checkId(id, 'filter.id');
      if (messageId !== undefined) checkString(messageId, 'filter.messageId');
      if (conversationId !== undefined) checkString(conversationId, 'filter.conversationId');
      if (status !== undefined) checkString(status, 'filter.status');
      if (sort !== undefined) for (const s of Array.isArray(sort) ? sort : [sort]) checkString(s, 'filter.sort');
      const query = {
        id,
        messageId,
        conversationId,
        status,
        fromDateTime: fromDateTime === undefined ? undefined : toIso(fromDateTime, 'filter.fromDateTime'),
        toDateTime: toDateTime === undefined ? undefined : toIso(toDateTime, 'filter.toDateTime'),
        sort,
      };
      return this.paged('/api/statuses', MessageStatusSchema, query, options, pageSize);
    });
  }

  /** All statuses of one message (`GET /api/statuses/{messageId}`); an unknown id gives no items. */
  forMessage(messageId: string, options: RequestOptions & { pageSize?: number } = {}): PagedAsyncIterable<MessageStatus> {
    return this.pagedCall(() => {
      checkString(messageId, 'messageId');
      const { pageSize, ...requestOptions } = options ?? {};
      return this.paged(path`/api/statuses/${messageId}`, MessageStatusSchema, {}, requestOptions, pageSize);
    });
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
    checkId(id, 'id');
    const status = await this.transport.empty({ method: 'DELETE', path: path`/api/statuses/${id}`, acceptStatus: [404] }, options);
    return status !== 404;
  }
}

/** A date-time as the IP parses it (ISO-8601); an invalid `Date` or an unparseable string is refused. */
function toIso(value: string | Date, field: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RequestValidationError(field, 'is an invalid Date');
    return value.toISOString();
  }
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new RequestValidationError(field, 'must be a Date or an ISO-8601 date-time string');
  }
  return value;
}
