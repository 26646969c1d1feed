import type { RouteGroup } from './http.js';
import { intParam, json, route } from './http.js';

/** `GET /api/capabilities/{receiverIdentifier}`, as the IP's `CapabilitiesController` serves it. @module */

/** @internal */
export const capabilityRoutes: RouteGroup = (model) => [
  route('GET', '/api/capabilities/{receiverIdentifier}', ({ params, url }) => {
    const level = url.searchParams.get('securityLevel');
    const securityLevel = level === null ? undefined : intParam('securityLevel', level);
    return json(model.registry.capabilities(params[0] as string, url.searchParams.get('process') ?? undefined, securityLevel));
  }),
];
