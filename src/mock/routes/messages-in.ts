import { Readable } from 'node:stream';
import { empty, filters, json, type RouteGroup, route } from './http.js';
import { IN_SORT, page } from './paging.js';
import { sbdView } from './views.js';

/** `/api/messages/in/**`, as the IP's `NextMoveMessageInController` serves it. @module */

/** @internal */
export const incomingRoutes: RouteGroup = (model) => [
  route('GET', '/api/messages/in', ({ ip, url }) =>
    json(page(url, model.incoming.list(ip, filters(url)), IN_SORT, 'NextMoveInMessage', sbdView)),
  ),
  route('GET', '/api/messages/in/peek', ({ ip, url }) => {
    const msg = model.incoming.peek(ip, filters(url));
    return msg ? json(msg.sbd) : empty(204);
  }),
  route('GET', '/api/messages/in/pop/{messageId}', ({ ip, params }) => {
    const stream = model.incoming.pop(ip, params[0] as string);
    if (!stream) return empty(204);
    return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
      status: 200,
      headers: { 'content-type': 'application/vnd.etsi.asic-e+zip', 'content-disposition': 'attachment; filename=asic.zip' },
    });
  }),
  route('DELETE', '/api/messages/in/{messageId}', ({ ip, params }) => json(model.incoming.delete(ip, params[0] as string))),
];
