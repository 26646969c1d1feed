import { createSimulator } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { DEPARTEMENT, raw } from './fixtures.js';

/** Fault rules: removing and clearing them, and how a rule matches a method and a path. */

function core() {
  const sim = createSimulator(undefined, { clock: { start: Date.UTC(2026, 0, 15, 12) } });
  return { sim, out: raw(sim.baseUrl(DEPARTEMENT), (r) => sim.handle(r)) };
}

describe('fault rules', () => {
  it('rules can be removed and cleared; method and RegExp matching', async () => {
    const { sim, out } = core();
    const remove = sim.faults.failNext({ method: 'GET', path: /^\/api\/stat/, status: 500, times: 5 });
    expect(sim.faults.pending).toHaveLength(1);
    expect((await out('POST', '/api/statuses')).status).toBe(405);
    expect((await out('GET', '/api/statuses')).json).toMatchObject({ status: 500, exception: 'java.lang.IllegalStateException' });
    remove();
    expect((await out('GET', '/api/statuses')).status).toBe(200);
    sim.faults.failNext({ path: '*', status: 429, exception: 'x.Y', message: 'slow down' });
    sim.faults.failNext({ path: '*', status: 204 });
    expect((await out('GET', '/manage/info')).json).toMatchObject({
      status: 429,
      exception: 'x.Y',
      message: 'slow down',
      error: 'Too Many Requests',
    });
    expect((await out('GET', '/manage/info')).status).toBe(204);
    sim.faults.failNext({ path: '*', status: 500 });
    sim.faults.clear();
    expect((await out('GET', '/manage/info')).status).toBe(200);
    await sim.close();
  });
});
