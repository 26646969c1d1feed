import { DeliveryFailedError, type StatusTracker, type StatusUpdate, type TrackStrategy } from 'eformidling';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { arkivmeldingXml, DEPARTEMENT, KOMMUNE, messageIdOf, raw, sbd, uploadHeaders } from '../mock/fixtures.js';
import { FAST } from './harness.js';

// The sender is DEPARTEMENT; its IP queues DPO statuses for /api/statuses/peek (statusQueueIncludes).
const ctx = useSimulator({ statusQueueIncludes: ['DPO'] });

async function send(): Promise<string> {
  const out = raw(ctx.sim.baseUrl(DEPARTEMENT));
  const created = await out('POST', '/api/messages/out', { json: sbd() });
  expect(created.status).toBe(200);
  const id = messageIdOf(created.json);
  expect(
    (
      await out('PUT', `/api/messages/out/${id}`, {
        body: arkivmeldingXml(),
        headers: uploadHeaders('arkivmelding.xml', 'application/xml'),
      })
    ).status,
  ).toBe(200);
  expect((await out('PUT', `/api/messages/out/${id}`, { body: '%PDF-1.7', headers: uploadHeaders('vedtak.pdf') })).status).toBe(200);
  expect((await out('POST', `/api/messages/out/${id}`)).status).toBe(200);
  return id;
}

/** The receiver takes the message (peek, delete): LEVERT travels back to the sender. */
async function receive(id: string): Promise<void> {
  await ctx.sim.settle();
  const inn = raw(ctx.sim.baseUrl(KOMMUNE));
  expect((await inn('GET', '/api/messages/in/peek')).status).toBe(200);
  expect((await inn('DELETE', `/api/messages/in/${id}`)).status).toBe(200);
  await ctx.sim.settle();
}

/** The receiver answers with an arkivmelding_kvittering: OK gives LEST, ERROR gives FEIL. */
async function kvittering(id: string, receiptType: 'OK' | 'ERROR'): Promise<void> {
  const inn = raw(ctx.sim.baseUrl(KOMMUNE));
  const doc = sbd({
    type: 'arkivmelding_kvittering',
    sender: KOMMUNE,
    receiver: DEPARTEMENT,
    process: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
    body: { receiptType, relatedToMessageId: id, messages: receiptType === 'OK' ? [] : [{ code: 'E42', text: 'Saksnummer finnes ikke' }] },
  });
  const created = await inn('POST', '/api/messages/out', { json: doc });
  expect(created.status, created.text).toBe(200);
  expect((await inn('POST', `/api/messages/out/${messageIdOf(created.json)}`)).status).toBe(200);
  await ctx.sim.settle();
}

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
    const id = await send();
    const tracker = ip.track([id], { ...FAST, strategy, until: 'LEST' });
    try {
      const log = collect(tracker);
      const waiting = tracker.waitFor(id, { until: 'LEST' });
      await receive(id);
      await tracker.waitFor(id);
      await kvittering(id, 'OK');
      const history = await waiting;
      expect(history.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'LEST']);
      expect(log).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'delivered', 'LEST', 'read']);
    } finally {
      await tracker.stop();
    }
  });

  it('FEIL after LEVERT rejects within the grace period', async () => {
    const ip = ctx.client(DEPARTEMENT);
    const id = await send();
    const tracker = ip.track([id], { ...FAST, strategy, graceMs: 86_400_000 });
    try {
      const waiting = tracker.waitFor(id).catch((e: unknown) => e);
      await receive(id);
      await new Promise<void>((resolve) => tracker.once('delivered', () => resolve()));
      await kvittering(id, 'ERROR');
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
    const id = await send();
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
    const id = await send();
    const waiting = ip.waitForDelivery(id, FAST);
    await receive(id);
    expect((await waiting).at(-1)?.status).toBe('LEVERT');
  });
});
