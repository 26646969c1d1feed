import { DeliveryTimeoutError, IntegrasjonspunktClient } from 'eformidling';
import { describe, expect, it, vi } from 'vitest';
import { FakeStatuses } from './fake-statuses.js';
import { faultyFetch } from './faulty-fetch.js';
import { FAST, useTrackerHarness } from './harness.js';

const h = useTrackerHarness();

/*
 * The cases of ip.waitForDelivery the simulator cannot play: a message the IP knows without any status yet (the
 * simulator registers OPPRETTET when it creates a message), and the one-hour default under fake timers. The rest is in
 * wait-for-delivery.test.ts, against the simulator.
 */
describe('ip.waitForDelivery: a known message without statuses', () => {
  it('keeps waiting for a message the IP knows that has no status yet, and never looks it up twice', async () => {
    h.fake.conversations.add('m1');
    const waiting = h.ip.waitForDelivery('m1', FAST);
    await new Promise((r) => setTimeout(r, 30));
    h.fake.add('m1', 'OPPRETTET');
    h.fake.add('m1', 'LEVERT');
    expect((await waiting).map((s) => s.status)).toEqual(['OPPRETTET', 'LEVERT']);
    expect(h.fake.requests.filter((r) => r.startsWith('conversation'))).toEqual(['conversation m1']);
  });
});

describe('ip.waitForDelivery: the default timeout (fake time)', () => {
  it('gives up after one hour by default; Infinity waits longer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const fake = new FakeStatuses();
      fake.conversations.add('m1');
      const ip = new IntegrasjonspunktClient({ baseUrl: 'http://ip.test', retry: false, fetch: faultyFetch(fake).fetch });
      let settled = false;
      const waiting = ip.waitForDelivery('m1', { pollIntervalMs: 60_000 }).finally(() => {
        settled = true;
      });
      waiting.catch(() => {});
      const forever = ip.waitForDelivery('m1', { pollIntervalMs: 60_000, timeoutMs: Number.POSITIVE_INFINITY });
      await vi.advanceTimersByTimeAsync(3_599_000);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(2_000);
      const error = await waiting.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryTimeoutError);
      expect((error as Error).message).toContain('within 3600000 ms');
      await vi.advanceTimersByTimeAsync(3_600_000);
      fake.add('m1', 'LEVERT');
      await vi.advanceTimersByTimeAsync(60_000);
      expect((await forever).map((s) => s.status)).toEqual(['LEVERT']);
    } finally {
      vi.useRealTimers();
    }
  });
});
