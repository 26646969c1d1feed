import { type CycleInfo, IntegrasjonspunktClient, type StatusTracker, type TrackOptions, type TrackStrategy } from 'eformidling';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeStatuses } from './fake-statuses.js';
import { faultyFetch } from './faulty-fetch.js';

// Fake time: a quiet minute costs a few ms of real time, and requests are counted per (fake) second.
let fake: FakeStatuses;
let ip: IntegrasjonspunktClient;
const trackers: StatusTracker[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  fake = new FakeStatuses();
  ip = new IntegrasjonspunktClient({ baseUrl: 'http://ip.test', retry: false, fetch: faultyFetch(fake).fetch });
});
afterEach(async () => {
  await Promise.all(trackers.splice(0).map((t) => t.stop()));
  vi.useRealTimers();
});

function track(ids: string[], options: TrackOptions): StatusTracker {
  const tracker = ip.track(ids, options);
  trackers.push(tracker);
  return tracker;
}

/** Requests the fake IP got in each second of the next `seconds` of fake time. */
async function perSecond(seconds: number): Promise<number[]> {
  const counts: number[] = [];
  for (let i = 0; i < seconds; i++) {
    const before = fake.requests.length;
    await vi.advanceTimersByTimeAsync(1000);
    counts.push(fake.requests.length - before);
  }
  return counts;
}

function cycles(tracker: StatusTracker): CycleInfo[] {
  const seen: CycleInfo[] = [];
  tracker.on('cycle', (c) => seen.push(c));
  return seen;
}

const POLL = { pollIntervalMs: 1000, maxPollIntervalMs: 10_000, backoffFactor: 2 };

describe.each<TrackStrategy>(['search', 'per-id', 'queue'])('%s: a quiet minute', (strategy) => {
  it('a delivered message waited on for LEST (graceMs 0) polls at the interval, backing off to the maximum', async () => {
    fake.queueEnabled = strategy === 'queue';
    fake.add('m1', 'OPPRETTET');
    fake.add('m1', 'LEVERT');
    const tracker = track(['m1'], { strategy, ...POLL, queueCheckAfter: 1000 });
    const first = new Promise((resolve) => tracker.once('cycle', resolve));
    const reading = tracker.waitFor('m1', { until: 'LEST' });
    reading.catch(() => {});
    await expect(tracker.waitFor('m1')).resolves.toHaveLength(2);
    await first;
    const seen = cycles(tracker);
    const counts = await perSecond(60);
    // Once per second at most, and 1 request per quiet cycle for every strategy (one pending message).
    expect(Math.max(...counts)).toBeLessThanOrEqual(1);
    const total = counts.reduce((a, b) => a + b, 0);
    // 1 + 2 + 4 + 8 s, then every 10 s: about 9 cycles in the minute (the old code made thousands).
    expect(total).toBeGreaterThanOrEqual(6);
    expect(total).toBeLessThanOrEqual(10);
    expect(seen.every((c) => c.requests === 1 && !c.changed)).toBe(true);
    expect(seen.every((c) => c.nextPollMs >= POLL.pollIntervalMs)).toBe(true);
    expect(seen.at(-1)?.nextPollMs).toBe(POLL.maxPollIntervalMs);
    expect(tracker.stats.pollIntervalMs).toBe(POLL.maxPollIntervalMs);
    fake.tick();
    fake.add('m1', 'LEST');
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(reading).resolves.toHaveLength(3);
  });

  it('a grace period ends without a request, and polling keeps its interval meanwhile', async () => {
    fake.queueEnabled = strategy === 'queue';
    fake.add('m1', 'LEVERT');
    const tracker = track(['m1'], { strategy, ...POLL, graceMs: 30_000, queueCheckAfter: 1000 });
    let resolved = false;
    const waiting = tracker.waitFor('m1').then((h) => {
      resolved = true;
      return h;
    });
    await vi.advanceTimersByTimeAsync(29_000);
    expect(resolved).toBe(false);
    const before = fake.requests.length;
    await vi.advanceTimersByTimeAsync(1_500); // the grace period ends in here; no cycle is due
    expect(resolved).toBe(true);
    expect(fake.requests.length).toBe(before);
    expect((await waiting).map((s) => s.status)).toEqual(['LEVERT']);
    expect(tracker.pending).toEqual([]);
    const after = fake.requests.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.requests.length).toBe(after); // nothing pending: no requests at all
  });
});

describe('intervals beyond what one setTimeout can wait', () => {
  it('a maxPollIntervalMs of 30 days does not fire at once (a setTimeout would after 1 ms)', async () => {
    fake.add('m1', 'SENDT');
    const day = 86_400_000;
    const tracker = track(['m1'], { strategy: 'per-id', pollIntervalMs: 30 * day, maxPollIntervalMs: 30 * day });
    const seen = cycles(tracker);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.requests).toEqual(['message m1']);
    expect(seen.map((c) => c.nextPollMs)).toEqual([30 * day]);
    await vi.advanceTimersByTimeAsync(30 * day);
    expect(fake.requests).toEqual(['message m1', 'message m1']);
  });

  it('waitFor with a timeout beyond 24.8 days waits that long', async () => {
    const day = 86_400_000;
    const tracker = track(['m1'], { strategy: 'per-id', pollIntervalMs: day, maxPollIntervalMs: day });
    let settled = false;
    const waiting = tracker.waitFor('m1', { timeoutMs: 30 * day }).finally(() => {
      settled = true;
    });
    waiting.catch(() => {});
    await vi.advanceTimersByTimeAsync(60_000);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(30 * day);
    await expect(waiting).rejects.toMatchObject({ name: 'DeliveryTimeoutError' });
  });
});

describe('a failed cycle', () => {
  it('waits at least the Retry-After of a 429 before the next cycle', async () => {
    const faulty = { fetch: async () => Response.json({ status: 429 }, { status: 429, headers: { 'retry-after': '30' } }) };
    ip = new IntegrasjonspunktClient({ baseUrl: 'http://ip.test', retry: false, fetch: faulty.fetch });
    const tracker = track(['m1'], { strategy: 'per-id', pollIntervalMs: 1000, maxConsecutiveErrors: 100 });
    tracker.on('error', () => {});
    const seen = cycles(tracker);
    await vi.advanceTimersByTimeAsync(95_000);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(4);
    expect(seen.every((c) => c.nextPollMs >= 30_000)).toBe(true);
  });
});
