import { createSimulator, defaultNetwork } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { DEPARTEMENT, raw, sendArkivmelding } from './fixtures.js';

/** The simulator clock: manual and real modes, and the work it runs when time moves. */

function core() {
  const sim = createSimulator(undefined, { clock: { start: Date.UTC(2026, 0, 15, 12) } });
  return { sim, out: raw(sim.baseUrl(DEPARTEMENT), (r) => sim.handle(r)) };
}

describe('clock', () => {
  it('moves only forward, runs due work on advance and set, and formats dates in Europe/Oslo', async () => {
    const { sim, out } = core();
    expect(() => sim.clock.advance(-1)).toThrow(RangeError);
    expect(() => sim.clock.set(sim.clock.now() - 1)).toThrow(RangeError);
    const id = await sendArkivmelding(out);
    sim.clock.set(sim.clock.now() + 1000);
    expect(sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT']); // MOTTATT is one more delay away
    const status = (await out('GET', `/api/statuses?messageId=${id}`)).json.content[0];
    expect(status.lastUpdate).toBe('2026-01-15T13:00:00+01:00');
    expect(sim.clock.mode).toBe('manual');
    await sim.close();
  });

  it('a real clock follows the wall clock plus advanced time', async () => {
    const sim = createSimulator(defaultNetwork(), { clock: { mode: 'real' } });
    const before = Date.now();
    sim.clock.advance(3_600_000);
    expect(sim.clock.now()).toBeGreaterThanOrEqual(before + 3_600_000);
    await sim.close();
  });
});
