import { isNotFoundError, RequestValidationError } from '../errors.js';
import { path } from '../internal/path.js';
import { type Conversation, ConversationSchema } from '../models/conversation.js';
import type { Direction, ServiceIdentifier } from '../models/status.js';
import type { PagedAsyncIterable } from '../pagination.js';
import type { RequestOptions } from '../transport/http.js';
import { checkId, checkKeys, checkString, identifierQuery, Resource } from './resource.js';

const CONVERSATION_FILTER_KEYS = [
  'conversationId',
  'messageId',
  'receiver',
  'receiverIdentifier',
  'sender',
  'senderIdentifier',
  'serviceIdentifier',
  'messageReference',
  'messageTitle',
  'pollable',
  'finished',
  'direction',
  'lastUpdateFrom',
  'lastUpdateTo',
  'sort',
  'pageSize',
];

/** Filters for `GET /api/conversations` (the IP's `ConversationController`). @category Resources */
export interface ConversationListFilter {
  conversationId?: string;
  messageId?: string;
  /** Full receiver id, e.g. `0192:910075918`. */
  receiver?: string;
  /** Primary receiver id; a `0192:` prefix is stripped. */
  receiverIdentifier?: string;
  sender?: string;
  senderIdentifier?: string;
  serviceIdentifier?: ServiceIdentifier;
  messageReference?: string;
  messageTitle?: string;
  pollable?: boolean;
  finished?: boolean;
  direction?: Direction;
  /** `yyyy-MM-dd`, whole days in Europe/Oslo. */
  lastUpdateFrom?: string;
  lastUpdateTo?: string;
  sort?: string | string[];
  pageSize?: number;
}

/**
 * `/api/conversations`: one record per message with its statuses.
 * @category Resources
 */
export class ConversationsResource extends Resource {
  /** Searches conversations, newest first by default. */
  list(filter: ConversationListFilter = {}, options: RequestOptions = {}): PagedAsyncIterable<Conversation> {
    return this.pagedCall(() => {
      checkKeys(filter, CONVERSATION_FILTER_KEYS);
      const { pageSize, ...rest } = filter ?? {};
      for (const key of ['conversationId', 'messageId', 'receiver', 'sender', 'messageReference', 'messageTitle', 'direction'] as const) {
        if (rest[key] !== undefined) checkString(rest[key], `filter.${key}`);
      }
      for (const key of ['pollable', 'finished'] as const) {
        if (rest[key] !== undefined && typeof rest[key] !== 'boolean')
          throw new RequestValidationError(`filter.${key}`, 'must be true or false');
      }
      for (const key of ['lastUpdateFrom', 'lastUpdateTo'] as const) {
        const day = rest[key];
        if (day !== undefined && (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day)))) {
          throw new RequestValidationError(`filter.${key}`, 'must be a day as yyyy-MM-dd');
        }
      }
      return this.paged('/api/conversations', ConversationSchema, identifierQuery(rest, this.transport.identifiers), options, pageSize);
    });
  }

  /** An outgoing conversation by numeric id. @throws {@link NotFoundError} */
  get(id: number, options: RequestOptions = {}): Promise<Conversation> {
    return this.call(() => {
      checkId(id, 'id');
      return this.transport.json({ method: 'GET', path: path`/api/conversations/${id}` }, ConversationSchema, options);
    });
  }

  /** An outgoing conversation by messageId. @throws {@link NotFoundError} */
  getByMessageId(messageId: string, options: RequestOptions = {}): Promise<Conversation> {
    return this.call(() => {
      checkString(messageId, 'messageId');
      return this.transport.json({ method: 'GET', path: path`/api/conversations/messageId/${messageId}` }, ConversationSchema, options);
    });
  }

  /**
   * The outgoing conversation of a messageId, or `null` when the IP has none (404): one request, not retried (a look
   * inside a retried attempt must not retry on its own).
   * @internal
   */
  lookupByMessageId(messageId: string, options: RequestOptions = {}): Promise<Conversation | null> {
    return this.call(async () => {
      checkString(messageId, 'messageId');
      try {
        return await this.transport.json(
          { method: 'GET', path: path`/api/conversations/messageId/${messageId}`, retry: false },
          ConversationSchema,
          options,
        );
      } catch (error) {
        if (isNotFoundError(error)) return null;
        throw error;
      }
    });
  }

  /** Conversations the IP still polls the transport for. */
  queue(options: RequestOptions & { pageSize?: number } = {}): PagedAsyncIterable<Conversation> {
    return this.pagedCall(() => {
      const { pageSize, ...requestOptions } = options ?? {};
      return this.paged('/api/conversations/queue', ConversationSchema, {}, requestOptions, pageSize);
    });
  }

  /** Deletes a conversation and its statuses (always succeeds, also for unknown ids). */
  async delete(id: number, options: RequestOptions = {}): Promise<void> {
    checkId(id, 'id');
    await this.transport.empty({ method: 'DELETE', path: path`/api/conversations/${id}` }, options);
  }

  /** Deletes the conversation of a messageId and its statuses. */
  async deleteByMessageId(messageId: string, options: RequestOptions = {}): Promise<void> {
    checkString(messageId, 'messageId');
    await this.transport.empty({ method: 'DELETE', path: path`/api/conversations/messageId/${messageId}` }, options);
  }
}
