import { empty, filters, json, longParam, type RouteGroup, route } from './http.js';
import { page, STATUS_SORT } from './paging.js';
import { statusView } from './views.js';

/** `/api/statuses/**`, as the IP's `MessageStatusController` serves it. @module */

/** @internal */
export const statusRoutes: RouteGroup = (model) => [
  route('GET', '/api/statuses', ({ ip, url }) =>
    json(page(url, model.conversations.listStatuses(ip, filters(url)), STATUS_SORT, 'MessageStatus', statusView, ['id,asc'])),
  ),
  route('GET', '/api/statuses/peek', ({ ip }) => {
    const status = model.conversations.peekStatus(ip);
    return status ? json(statusView(status)) : empty(204);
  }),
  route('GET', '/api/statuses/{messageId}', ({ ip, url, params }) =>
    json(
      page(url, model.conversations.listStatuses(ip, { messageId: params[0] as string }), STATUS_SORT, 'MessageStatus', statusView, [
        'id,asc',
      ]),
      200,
      { 'content-type': 'application/json;charset=utf-8' },
    ),
  ),
  route('DELETE', '/api/statuses/{id}', ({ ip, params }) => {
    // MessageStatusController.removeStatus(@PathVariable Long id): MethodArgumentTypeMismatchException.
    const id = longParam('id', params[0] as string);
    return empty(model.conversations.deleteQueuedStatus(ip, id) ? 200 : 404);
  }),
];
