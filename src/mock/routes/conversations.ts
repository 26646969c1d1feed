import { empty, filters, json, longParam, type RouteGroup, route } from './http.js';
import { CONVERSATION_SORT, page } from './paging.js';
import { conversationView } from './views.js';

/** `/api/conversations/**`, as the IP's `ConversationController` serves it. @module */

/** @internal */
export const conversationRoutes: RouteGroup = (model) => [
  route('GET', '/api/conversations', ({ ip, url }) =>
    json(
      page(url, model.conversations.listConversations(ip, filters(url)), CONVERSATION_SORT, 'Conversation', conversationView, [
        'lastUpdate,desc',
      ]),
    ),
  ),
  route('GET', '/api/conversations/queue', ({ ip, url }) =>
    json(
      page(url, model.conversations.listConversations(ip, {}, true), CONVERSATION_SORT, 'Conversation', conversationView, [
        'lastUpdate,desc',
      ]),
    ),
  ),
  route('GET', '/api/conversations/messageId/{messageId}', ({ ip, params }) =>
    json(conversationView(model.conversations.byMessageId(ip, params[0] as string))),
  ),
  route('DELETE', '/api/conversations/messageId/{messageId}', ({ ip, params }) => {
    model.conversations.delete(ip, (c) => c.messageId === params[0]);
    return empty();
  }),
  route('GET', '/api/conversations/{id}', ({ ip, params }) =>
    json(conversationView(model.conversations.byId(ip, longParam('id', params[0] as string)))),
  ),
  route('DELETE', '/api/conversations/{id}', ({ ip, params }) => {
    const id = longParam('id', params[0] as string);
    model.conversations.delete(ip, (c) => c.id === id);
    return empty();
  }),
];
