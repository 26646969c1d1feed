import { frameworkError } from '../ip-error.js';
import type { ConversationRecord, MessageRecord, StatusRecord, SubscriptionRecord } from '../model/index.js';

/**
 * Paging and sorting as Spring Data's `Pageable` does it for the IP's list endpoints (`@PageableDefault` of each
 * controller): `page`, `size` (at most 2000), repeated `sort=property,direction`, and the `Page` JSON.
 * @module
 */

const MAX_PAGE_SIZE = 2000;

type Getter<T> = (item: T) => string | number | boolean | undefined;

const messageSort = (extra: Record<string, Getter<MessageRecord>> = {}): Record<string, Getter<MessageRecord>> => ({
  id: (m) => m.id,
  conversationId: (m) => m.conversationId,
  messageId: (m) => m.messageId,
  processIdentifier: (m) => m.process,
  receiverIdentifier: (m) => m.receiverIdentifier,
  senderIdentifier: (m) => m.senderIdentifier,
  serviceIdentifier: (m) => m.service,
  lastUpdated: (m) => m.lastUpdated,
  ...extra,
});
/** @internal */
export const OUT_SORT = messageSort();
/** @internal */
export const IN_SORT = messageSort({ lockTimeout: (m) => m.lockTimeout });
const CONVERSATION_FIELDS: Record<string, Getter<ConversationRecord>> = {
  id: (c) => c.id,
  conversationId: (c) => c.conversationId,
  messageId: (c) => c.messageId,
  sender: (c) => c.sender,
  senderIdentifier: (c) => c.senderIdentifier,
  receiver: (c) => c.receiver,
  receiverIdentifier: (c) => c.receiverIdentifier,
  processIdentifier: (c) => c.processIdentifier,
  documentIdentifier: (c) => c.documentIdentifier,
  messageReference: (c) => c.messageReference,
  messageTitle: (c) => c.messageTitle,
  lastUpdate: (c) => c.lastUpdate,
  pollable: (c) => c.pollable,
  finished: (c) => c.finished,
  expiry: (c) => c.expiry,
  direction: (c) => c.direction,
  serviceIdentifier: (c) => c.serviceIdentifier,
  externalSystemReference: () => undefined,
};
/** @internal */
export const CONVERSATION_SORT = CONVERSATION_FIELDS;
/** @internal */
export const STATUS_SORT: Record<string, Getter<StatusRecord>> = {
  id: (s) => s.id,
  lastUpdate: (s) => s.lastUpdate,
  status: (s) => s.status,
  description: (s) => s.description,
  ...Object.fromEntries(
    Object.entries(CONVERSATION_FIELDS).map(([k, get]) => [`conversation.${k}`, (s: StatusRecord) => get(s.conversation)]),
  ),
};
/** @internal */
export const SUBSCRIPTION_SORT: Record<string, Getter<SubscriptionRecord>> = {
  id: (s) => s.id,
  name: (s) => s.name,
  pushEndpoint: (s) => s.pushEndpoint,
  resource: (s) => s.resource,
  event: (s) => s.event,
  filter: (s) => s.filter,
};

function compare(a: string | number | boolean | undefined, b: string | number | boolean | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

/** One page of `items`, sorted as the query asks (or by `defaultSort`). @internal */
export function page<T>(
  url: URL,
  items: readonly T[],
  sortable: Record<string, Getter<T>>,
  entity: string,
  view: (item: T) => unknown,
  defaultSort: string[] = [],
): Record<string, unknown> {
  const pageParam = Number(url.searchParams.get('page') ?? '0');
  const sizeParam = Number(url.searchParams.get('size') ?? '10');
  const pageIndex = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 0;
  const size = Number.isInteger(sizeParam) && sizeParam >= 1 ? Math.min(sizeParam, MAX_PAGE_SIZE) : 10;
  const given = url.searchParams.getAll('sort').filter((s) => s.trim().length > 0);
  const sorts = (given.length ? given : defaultSort).map((s) => {
    const [property = '', direction = 'asc'] = s.split(',').map((p) => p.trim());
    const get = sortable[property];
    if (!get) {
      throw frameworkError(
        500,
        'org.springframework.data.mapping.PropertyReferenceException',
        `No property '${property}' found for type '${entity}'`,
      );
    }
    return { get, desc: direction.toLowerCase() === 'desc' };
  });
  const sorted = sorts.length
    ? [...items].sort((a, b) => {
        for (const s of sorts) {
          const c = compare(s.get(a), s.get(b));
          if (c !== 0) return s.desc ? -c : c;
        }
        return 0;
      })
    : [...items];
  const total = sorted.length;
  const content = sorted.slice(pageIndex * size, pageIndex * size + size).map(view);
  const totalPages = Math.ceil(total / size);
  const sort = { sorted: sorts.length > 0, unsorted: sorts.length === 0, empty: sorts.length === 0 };
  return {
    content,
    pageable: { sort, offset: pageIndex * size, pageNumber: pageIndex, pageSize: size, paged: true, unpaged: false },
    last: pageIndex >= totalPages - 1,
    totalElements: total,
    totalPages,
    size,
    number: pageIndex,
    sort,
    numberOfElements: content.length,
    first: pageIndex === 0,
    empty: content.length === 0,
  };
}
