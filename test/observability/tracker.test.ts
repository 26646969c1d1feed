import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { DEPARTEMENT } from '../mock/fixtures.js';
import { FAST } from '../tracking/harness.js';
import { kvittering, receive, send } from '../tracking/simulated-message.js';
import { useOtel } from './otel.js';

const otel = useOtel();
const ctx = useSimulator({ statusQueueIncludes: ['DPO'] });

function statusEvents(cycles: ReadableSpan[]) {
  return cycles.flatMap((c) => c.events.filter((e) => e.name === 'eformidling.status').map((e) => e.attributes ?? {}));
}

describe('the eformidling.tracker.cycle span', () => {
  it('a search tracker reaching LEVERT: one span per cycle, its requests as children, an event per status, the lag per status', async () => {
    const ip = ctx.client(DEPARTEMENT);
    const id = await send(ctx);
    const lagBefore = await otel.metric('eformidling.tracker.lag', { 'eformidling.tracker.strategy': 'search' });
    const tracker = ip.track([id], { ...FAST, strategy: 'search' });
    try {
      const waiting = tracker.waitFor(id);
      await receive(ctx, id);
      await waiting;
    } finally {
      await tracker.stop();
    }
    const cycles = otel.named('eformidling.tracker.cycle');
    expect(cycles.length).toBeGreaterThan(0);
    for (const cycle of cycles) {
      expect(cycle.parentSpanContext).toBeUndefined();
      expect(cycle.attributes).toMatchObject({
        'eformidling.tracker.strategy': 'search',
        'eformidling.tracker.tracked': expect.any(Number),
      });
      const children = otel.children(cycle).map((s) => s.name);
      expect(children.length).toBeGreaterThan(0);
      for (const name of children) expect(name).toMatch(/^GET \/api\/(statuses|statuses\/\{messageId\}|conversations)$/);
      // A quiet cycle carries no event; a busy one an event per status it found.
      const found = cycle.events.filter((e) => e.name === 'eformidling.status').length;
      expect(cycle.attributes['eformidling.tracker.changes']).toBe(found);
    }
    expect(cycles.reduce((sum, c) => sum + Number(c.attributes['eformidling.tracker.changes']), 0)).toBe(4);
    const events = statusEvents(cycles);
    expect(events.map((e) => e['eformidling.status'])).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    expect(new Set(events.map((e) => e['eformidling.message_id']))).toEqual(new Set([id]));
    expect(events.every((e) => typeof e['eformidling.status.last_update'] === 'string')).toBe(true);
    expect((await otel.metric('eformidling.tracker.lag', { 'eformidling.tracker.strategy': 'search' })) - lagBefore).toBe(4);
    expect(await otel.metric('eformidling.messages.failed', { 'eformidling.stage': 'status' })).toBe(0);
  });

  it('FEIL counts the message as failed once (stage status)', async () => {
    const ip = ctx.client(DEPARTEMENT);
    const id = await send(ctx);
    const tracker = ip.track([id], { ...FAST, strategy: 'per-id', graceMs: 86_400_000 });
    try {
      const waiting = tracker.waitFor(id).catch((e: unknown) => e);
      await receive(ctx, id);
      await new Promise<void>((resolve) => tracker.once('delivered', () => resolve()));
      await kvittering(ctx, id, 'ERROR');
      await waiting;
    } finally {
      await tracker.stop();
    }
    expect(await otel.metric('eformidling.messages.failed', { 'eformidling.stage': 'status', 'eformidling.status': 'FEIL' })).toBe(1);
    const found = statusEvents(otel.named('eformidling.tracker.cycle'));
    expect(found.at(-1)).toMatchObject({ 'eformidling.status': 'FEIL', 'eformidling.message_id': id });
    // per-id asks by id.
    const cycle = otel.named('eformidling.tracker.cycle')[0] as ReadableSpan;
    expect(otel.children(cycle).map((s) => s.name)).toEqual(['GET /api/statuses/{messageId}']);
  });
});
