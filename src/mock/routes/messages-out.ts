import { type HeaderParseError, parseContentDisposition } from '../http-parsing.js';
import { frameworkError } from '../ip-error.js';
import { empty, filters, json, missingHeader, type RouteGroup, readJson, route } from './http.js';
import { readMultipart } from './multipart.js';
import { OUT_SORT, page } from './paging.js';
import { sbdView } from './views.js';

/** `/api/messages/out/**`, as the IP's `NextMoveMessageOutController` serves it. @module */

/** @internal */
export const outgoingRoutes: RouteGroup = (model) => [
  // NextMoveMessageOutController.createMessage: `consumes = application/json`.
  route('POST', '/api/messages/out', async ({ ip, request }) => json(model.outgoing.create(ip, await readJson(request, true)).sbd)),
  route('GET', '/api/messages/out', ({ ip, url }) =>
    json(page(url, model.outgoing.list(ip, filters(url)), OUT_SORT, 'NextMoveOutMessage', sbdView)),
  ),
  route('POST', '/api/messages/out/multipart', async ({ ip, request }) => {
    const { sbd, files } = await readMultipart(request);
    return json((await model.outgoing.multipart(ip, sbd, files)).sbd);
  }),
  route('PUT', '/api/messages/out/{messageId}', async ({ ip, request, url, params }) => {
    const type = request.headers.get('content-type');
    const disposition = request.headers.get('content-disposition');
    if (type === null) throw missingHeader('Content-Type');
    if (disposition === null) throw missingHeader('Content-Disposition');
    let parsed: ReturnType<typeof parseContentDisposition>;
    try {
      parsed = parseContentDisposition(disposition);
    } catch (error) {
      // ContentDisposition.parse (the IP's own copy): a parameter without '='.
      void (error as HeaderParseError);
      throw frameworkError(500, 'java.lang.IllegalArgumentException', 'Invalid content disposition format');
    }
    const filename = parsed.params.filename;
    if (!filename)
      throw frameworkError(500, 'java.lang.NullPointerException', 'Cannot invoke "String.isEmpty()" because "filename" is null');
    const length = request.headers.get('content-length');
    await model.outgoing.upload(ip, params[0] as string, {
      filename,
      title: url.searchParams.get('title') ?? parsed.params.name,
      mimeType: type,
      contentLength: length === null ? undefined : Number(length),
      body: (request.body ?? []) as AsyncIterable<Uint8Array>,
    });
    return empty();
  }),
  route('POST', '/api/messages/out/{messageId}', ({ ip, params }) => {
    model.outgoing.send(ip, params[0] as string);
    return empty();
  }),
  route('GET', '/api/messages/out/{messageId}', ({ ip, params }) => json(model.outgoing.get(ip, params[0] as string).sbd)),
  route('DELETE', '/api/messages/out/{messageId}', ({ ip, params }) => {
    model.outgoing.delete(ip, params[0] as string);
    return empty();
  }),
];
