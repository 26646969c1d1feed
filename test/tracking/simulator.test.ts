import { DeliveryFailedError, type StatusTracker, type StatusUpdate, type TrackStrategy } from 'eformidling';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { DEPARTEMENT } from '../mock/fixtures.js';
import { FAST } from './harness.js';
import { kvittering, receive, send } from './simulated-message.js';

// The sender is DEPARTEMENT; its IP queues DPO statuses for /api/statuses/peek (statusQueueIncludes).
const ctx = useSimulator({ statusQueueIncludes: ['DPO'] });

function collect(tracker: StatusTracker): string[] {
  const log: string[] = [];
  tracker.on('status', (u: StatusUpdate) => log.push(u.status.status));
  tracker.on('delivered', () => log.push('delivered'));
  tracker.on('read', () => log.push('read'));
  tracker.on('failed', () => log.push('failed'));
  return log;
}

describe.each<TrackStrategy>(['per-id', 'search', 'queue'])('against the simulator: %s', (strategy) => {
  it('OPPRETTET → SENDT → MOTTATT → LEVERT → LEST', async () => {
    const ip = ctx.client(DEPARTEMENT);
    const id = await send(ctx);
    const tracker = ip.track([id], { ...FAST, strategy, until: 'LEST' });
    try {
      const log = collect(tracker);
      const waiting = tracker.waitFor(id, { until: 'LEST' });
      await receive(ctx, id);
      await tracker.waitFor(id);
      await kvittering(ctx, id, 'OK');
      const history = await waiting;
      expect(history.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'LEST']);
      expect(log).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'delivered', 'LEST', 'read']);
    } finally {
      await tracker.stop();
    }
  });

  it('FEIL after LEVERT rejects within the grace period', async () => {
    const ip = ctx.client(DEPARTEMENT);
    const id = await send(ctx);
    const tracker = ip.track([id], { ...FAST, strategy, graceMs: 86_400_000 });
    try {
      const waiting = tracker.waitFor(id).catch((e: unknown) => e);
      await receive(ctx, id);
      await new Promise<void>((resolve) => tracker.once('delivered', () => resolve()));
      await kvittering(ctx, id, 'ERROR');
      const error = (await waiting) as DeliveryFailedError;
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect(error.status.status).toBe('FEIL');
      expect(error.status.description).toBe('ArkivmeldingKvittering: ERROR');
      expect(error.history.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'FEIL']);
    } finally {
      await tracker.stop();
    }
  });

  it('LEVETID_UTLOPT when nobody fetches the message in time', async () => {
    const ip = ctx.client(DEPARTEMENT);
    const id = await send(ctx);
    const tracker = ip.track([id], { ...FAST, strategy });
    try {
      const waiting = tracker.waitFor(id).catch((e: unknown) => e);
      await ctx.sim.settle();
      ctx.sim.clock.advance(25 * 3600_000);
      await ctx.sim.settle();
      const error = (await waiting) as DeliveryFailedError;
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect(error.status.status).toBe('LEVETID_UTLOPT');
    } finally {
      await tracker.stop();
    }
  });
});

describe('ip.waitForDelivery against the simulator', () => {
  it('resolves once the receiver has taken the message', async () => {
    const ip = ctx.client(DEPARTEMENT);
    const id = await send(ctx);
    const waiting = ip.waitForDelivery(id, FAST);
    await receive(ctx, id);
    expect((await waiting).at(-1)?.status).toBe('LEVERT');
  });
});
