import { empty, json, longParam, type RouteGroup, readJson, route } from './http.js';
import { page, SUBSCRIPTION_SORT } from './paging.js';
import { subscriptionView } from './views.js';

/** `/api/subscriptions/**`, as the IP's `SubscriptionController` serves it. @module */

/** @internal */
export const subscriptionRoutes: RouteGroup = (model) => [
  route('GET', '/api/subscriptions', ({ ip, url }) =>
    json(page(url, model.subscriptions.list(ip), SUBSCRIPTION_SORT, 'Subscription', subscriptionView)),
  ),
  route('POST', '/api/subscriptions', async ({ ip, request }) =>
    json(subscriptionView(await model.subscriptions.create(ip, await readJson(request)))),
  ),
  route('DELETE', '/api/subscriptions', ({ ip }) => {
    model.subscriptions.deleteAll(ip);
    return empty();
  }),
  route('GET', '/api/subscriptions/{id}', ({ ip, params }) =>
    json(subscriptionView(model.subscriptions.get(ip, longParam('id', params[0] as string)))),
  ),
  route('PUT', '/api/subscriptions/{id}', async ({ ip, request, params }) => {
    await model.subscriptions.update(ip, longParam('id', params[0] as string), await readJson(request));
    return empty();
  }),
  route('DELETE', '/api/subscriptions/{id}', ({ ip, params }) => {
    model.subscriptions.delete(ip, longParam('id', params[0] as string));
    return empty();
  }),
];
