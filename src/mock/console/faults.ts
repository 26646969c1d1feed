import { z } from 'zod';
import { type ApiRoute, apiRoute, badRequest, json, notFound, readJson } from './http.js';
import type { ConsoleContext } from './network.js';
import { faultView } from './views.js';

/**
 * `/console/api/faults`: the simulator's per-route fault rules, listed with their hits, added, switched on and
 * off, and removed (docs/console-api.md, "Faults"). Rules added in code (`sim.faults.failNext`) show here too.
 * @internal
 * @module
 */

const FaultSchema = z
  .object({
    org: z
      .string()
      .regex(/^\d{9}$/, 'an organisation number (9 digits)')
      .optional(),
    method: z
      .string()
      .regex(/^(\*|[A-Za-z]+)$/, 'an HTTP method or *')
      .optional(),
    path: z.string().min(1).startsWith('/', 'starts with /').or(z.literal('*')),
    times: z.number().int().min(1).optional(),
    enabled: z.boolean().optional(),
    status: z.number().int().min(100).max(599).optional(),
    retryAfter: z.string().min(1).optional(),
    exception: z.string().min(1).optional(),
    message: z.string().optional(),
    reset: z.boolean().optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    slowBody: z.object({ delayMs: z.number().int().min(0).max(60_000), chunkBytes: z.number().int().min(1).optional() }).optional(),
    malformed: z.boolean().optional(),
    lostResponse: z.boolean().optional(),
  })
  .refine((f) => f.status !== undefined || f.reset || f.delayMs || f.slowBody || f.malformed || f.lostResponse, {
    message: 'give at least one effect: status, reset, delayMs, slowBody, malformed or lostResponse',
  });

const PatchSchema = z.object({
  enabled: z.boolean().optional(),
  times: z.number().int().min(1).nullable().optional(),
});

export function faultRoutes({ simulator, journal }: ConsoleContext): ApiRoute[] {
  const injector = simulator.injector;
  const view = (id: number) => {
    const fault = injector.rules.find((f) => f.id === id);
    if (!fault) throw notFound(`no fault rule ${id}`);
    return faultView(fault, journal.recentHits.get(id) ?? []);
  };
  const idOf = (value: string) => {
    if (!/^\d+$/.test(value)) throw badRequest(`a fault id is a number, not '${value}'`);
    return Number(value);
  };
  return [
    apiRoute('GET', '/faults', () => json({ faults: injector.rules.map((f) => faultView(f, journal.recentHits.get(f.id) ?? [])) })),
    apiRoute('POST', '/faults', async ({ request }) => {
      const { enabled, ...fields } = await readJson(request, FaultSchema);
      const added = injector.add(fields, 'console', enabled ?? true);
      return json({ fault: view(added.id) }, 201);
    }),
    apiRoute('DELETE', '/faults', () => {
      injector.clear();
      return new Response(null, { status: 204 });
    }),
    apiRoute('PATCH', '/faults/{id}', async ({ request, params }) => {
      const id = idOf(params[0] as string);
      view(id);
      const { enabled, times } = await readJson(request, PatchSchema);
      injector.update(id, {
        ...(enabled !== undefined ? { enabled } : {}),
        ...(times !== undefined ? { times: times ?? Number.POSITIVE_INFINITY } : {}),
      });
      return json({ fault: view(id) });
    }),
    apiRoute('DELETE', '/faults/{id}', ({ params }) => {
      const id = idOf(params[0] as string);
      if (!injector.remove(id)) throw notFound(`no fault rule ${id}`);
      return new Response(null, { status: 204 });
    }),
  ];
}
