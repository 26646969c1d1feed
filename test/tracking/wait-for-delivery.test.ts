import { DeliveryTimeoutError, IntegrasjonspunktClient, NotFoundError, RequestValidationError } from 'eformidling';
import { describe, expect, it, vi } from 'vitest';
import { FakeStatuses } from './fake-statuses.js';
import { faultyFetch } from './faulty-fetch.js';
import { FAST, useTrackerHarness } from './harness.js';

const h = useTrackerHarness();

describe('ip.waitForDelivery: unknown ids and bad options', () => {
  it('rejects at once with the IP’s NotFoundError when it has no conversation for the id', async () => {
    const error = await h.ip.waitForDelivery('no-such-id', { ...FAST, timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, exception: 'MessageNotFoundException' });
    expect(h.fake.requests).toEqual(['message no-such-id', 'conversation no-such-id']);
  });

  it('keeps waiting for a message the IP knows that has no status yet, and never looks it up twice', async () => {
    h.fake.conversations.add('m1');
    const waiting = h.ip.waitForDelivery('m1', FAST);
    await new Promise((r) => setTimeout(r, 30));
    h.fake.add('m1', 'OPPRETTET');
    h.fake.add('m1', 'LEVERT');
    expect((await waiting).map((s) => s.status)).toEqual(['OPPRETTET', 'LEVERT']);
    expect(h.fake.requests.filter((r) => r.startsWith('conversation'))).toEqual(['conversation m1']);
  });

  it('does not look up a message that has statuses', async () => {
    h.fake.add('m1', 'LEVERT');
    await h.ip.waitForDelivery('m1', FAST);
    expect(h.fake.requests).toEqual(['message m1']);
  });

  it('rejects (never throws) on bad options, before any request', async () => {
    const calls = [
      () => h.ip.waitForDelivery('m1', { timeoutMs: -1 }),
      () => h.ip.waitForDelivery('m1', { timeoutMs: Number.NaN }),
      () => h.ip.waitForDelivery('m1', { until: 'SENDT' as never }),
      () => h.ip.waitForDelivery('', FAST),
      () => h.ip.waitForDelivery('m1', { pollIntervalMs: 0 }),
    ];
    for (const call of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call();
      }).not.toThrow();
      await expect(promise).rejects.toBeInstanceOf(RequestValidationError);
    }
    expect(h.fake.requests).toEqual([]);
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
