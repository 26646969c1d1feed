import { KOMMUNE } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';

const ctx = useSimulator();

describe('ip.manage', () => {
  it('health() reports the status, the components and the HTTP status', async () => {
    const health = await ctx.client(KOMMUNE).manage.health();
    expect(health.status).toBe('UP');
    expect(health.httpStatus).toBe(200);
    expect(typeof health.components).toBe('object');
  });

  it('info() returns what the IP tells about itself', async () => {
    const info = await ctx.client(KOMMUNE).manage.info();
    expect(info).toMatchObject({ simulator: { organisation: KOMMUNE } });
  });
});
