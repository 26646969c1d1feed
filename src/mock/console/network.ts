import { z } from 'zod';
import { SERVICE_IDENTIFIERS, STATUSES } from '../../models/status.js';
import type { Simulator } from '../simulator.js';
import { type ApiRoute, apiRoute, badRequest, intQuery, json, readJson } from './http.js';
import type { Journal } from './journal.js';
import { clockView } from './views.js';

/**
 * `/console/api/network`, `/clock`, `/requests` and `/webhooks`: the participants, the clock, and the two logs the
 * journal keeps (docs/console-api.md).
 * @internal
 * @module
 */

/** What every endpoint group gets. */
export interface ConsoleContext {
  simulator: Simulator;
  journal: Journal;
}

const AdvanceSchema = z.object({ ms: z.number().finite().min(0) });

export function networkRoutes({ simulator, journal }: ConsoleContext): ApiRoute[] {
  const model = simulator.model;
  return [
    apiRoute('GET', '/network', () => {
      const participants = model.view.participants().map((p) => {
        const ip = model.ips.get(p.id);
        return {
          id: p.id,
          name: p.name,
          hasIntegrationPoint: p.hasIntegrationPoint,
          baseUrl: ip ? simulator.baseUrl(p.id) : null,
          enabledServices: ip ? [...ip.enabledServices] : [],
          accepts: p.accepts.map((r) => ({
            service: r.service,
            process: r.process,
            documentTypes: [...r.documentTypes],
            securityLevel: r.securityLevel ?? 4,
          })),
          queues: ip ? model.view.queues(p.id) : null,
        };
      });
      return json({
        participants,
        root: model.ips.keys().next().value,
        pendingDeliveries: model.view.pendingDeliveries,
        clock: clockView(model),
        // The SDK's own lists of the IP's values, for the page's filters.
        statuses: STATUSES,
        services: SERVICE_IDENTIFIERS.filter((s) => s !== 'UNKNOWN'),
      });
    }),
    apiRoute('GET', '/clock', () => json(clockView(model))),
    apiRoute('POST', '/clock/advance', async ({ request }) => {
      const { ms } = await readJson(request, AdvanceSchema);
      model.clock.advance(ms);
      return json(clockView(model));
    }),
    apiRoute('GET', '/requests', ({ url }) => {
      const participant = url.searchParams.get('participant');
      const face = url.searchParams.get('face');
      if (face !== null && face !== 'http' && face !== 'msw') throw badRequest(`face must be http or msw, not '${face}'`);
      const since = intQuery(url, 'since', 0, Number.MAX_SAFE_INTEGER);
      const limit = intQuery(url, 'limit', 200, 1000);
      const requests = journal.requests.filter(
        (r) => r.id > since && (participant === null || r.org === participant) && (face === null || r.face === face),
      );
      return json({ requests: limit === 0 ? [] : requests.slice(-limit) });
    }),
    apiRoute('GET', '/webhooks', () => {
      const subscriptions = model.view.participants().flatMap((p) =>
        p.hasIntegrationPoint
          ? model.view.subscriptions(p.id).map((s) => ({
              owner: p.id,
              id: s.id,
              name: s.name,
              pushEndpoint: s.pushEndpoint,
              resource: s.resource,
              event: s.event,
              filter: s.filter ?? null,
            }))
          : [],
      );
      return json({ subscriptions, deliveries: journal.webhooks });
    }),
  ];
}
