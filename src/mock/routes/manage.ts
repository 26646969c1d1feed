import { empty, json, type RouteGroup, route } from './http.js';

/**
 * Spring Boot Actuator's `/manage/health` and `/manage/info` of the IP, and the service-registry relay
 * `/servicerecord/{identifier}` (`IdentifierRelayController`).
 * @module
 */

/** @internal */
export const manageRoutes: RouteGroup = (model) => [
  route('GET', '/manage/health', ({ ip }) =>
    json(model.health(ip), 200, { 'content-type': 'application/vnd.spring-boot.actuator.v3+json' }),
  ),
  route('GET', '/manage/health/liveness', () => json({ status: 'UP' })),
  route('GET', '/manage/health/readiness', () => json({ status: 'UP' })),
  route('GET', '/manage/info', ({ ip }) => json({ simulator: { organisation: ip.orgnr, name: ip.participant.name } })),
  route('GET', '/servicerecord/{identifier}', ({ params }) => {
    const records = model.registry.lookup(params[0] as string);
    if (!records) return empty(404);
    return json({ infoRecord: { identifier: params[0] }, serviceRecords: records });
  }),
];
