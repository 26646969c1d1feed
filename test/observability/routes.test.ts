import { defaultNetwork } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { SimulatorModel } from '../../src/mock/model/index.js';
import { ROUTE_GROUPS } from '../../src/mock/routes/core.js';
import { routeTemplate } from '../../src/observability/routes.js';

describe('route templates', () => {
  const model = new SimulatorModel(defaultNetwork());
  const routes = ROUTE_GROUPS.flatMap((group) => group(model)).filter((r) => !r.template.startsWith('/servicerecord'));

  it('name every route the simulator serves as the SDK names it in spans and metrics (one vocabulary for both)', () => {
    expect(routes.length).toBeGreaterThan(30);
    for (const route of routes) {
      const path = route.template.replace(/\{\w+\}/g, '0192:910075918');
      expect(`${route.method} ${routeTemplate(route.method, path)}`).toBe(`${route.method} ${route.template}`);
    }
  });

  it('prefer a literal segment over a placeholder and ignore the query', () => {
    expect(routeTemplate('GET', '/api/messages/in/peek?serviceIdentifier=DPO')).toBe('/api/messages/in/peek');
    expect(routeTemplate('GET', '/api/statuses/peek')).toBe('/api/statuses/peek');
    expect(routeTemplate('DELETE', '/api/statuses/42')).toBe('/api/statuses/{id}');
    expect(routeTemplate('GET', '/api/statuses/abc')).toBe('/api/statuses/{messageId}');
  });

  it('give no template for a path the IP does not serve, nor an empty segment', () => {
    expect(routeTemplate('GET', '/api/nothing/here')).toBeUndefined();
    expect(routeTemplate('GET', '/api/messages/out/')).toBeUndefined();
    expect(routeTemplate('GET', '/')).toBeUndefined();
  });
});
