import { type CycleInfo, MemoryTrackerStore, type TrackerSnapshot } from 'eformidling';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { useTrackerHarness } from './harness.js';

const h = useTrackerHarness();
const { server, track, cycles } = h;

describe('the queue strategy: bounded cycles', () => {
  it('reads at most queueBatchSize statuses per cycle, saves and emits at the bound, and goes on at once', async () => {
    h.fake.queueEnabled = true;
    for (let i = 0; i < 7; i++) h.fake.add(`m${i}`, 'LEVERT');
    const saved: TrackerSnapshot[] = [];
    const store = new MemoryTrackerStore();
    const spy = {
      load: () => store.load(),
      save: (s: TrackerSnapshot) => {
        saved.push(structuredClone(s));
        return store.save(s);
      },
    };
    const ids = Array.from({ length: 7 }, (_, i) => `m${i}`);
    const tracker = track(ids, {
      strategy: 'queue',
      backfill: false,
      queueBatchSize: 3,
      store: spy,
      pollIntervalMs: 50,
      maxPollIntervalMs: 50,
    });
    const seen: CycleInfo[] = await cycles(tracker, 3);
    expect(seen.map((c) => [c.changed, c.nextPollMs])).toEqual([
      [true, 0],
      [true, 0],
      [true, 50],
    ]);
    expect(tracker.pending).toEqual([]);
    expect(h.fake.queue).toEqual([]);
    // Per cycle: one marked save before its first DELETE, one after it; the last save is not marked.
    expect(saved.map((s) => s.queueDeleting === true)).toEqual([true, false, true, false, true, false]);
    expect(saved.map((s) => Object.values(s.messages).filter((m) => m.state === 'delivered').length)).toEqual([1, 3, 4, 6, 7, 7]);
  });

  it('stops the cycle with a warning when a deleted entry stays first in the queue, instead of spinning', async () => {
    const row = { id: 7, lastUpdate: '2026-08-20T09:00:00+02:00', status: 'SENDT', messageId: 'other' };
    let peeks = 0;
    server.use(
      http.get('http://ip.test/api/statuses/peek', () => {
        peeks += 1;
        return HttpResponse.json(row);
      }),
      http.delete('http://ip.test/api/statuses/:id', () => new HttpResponse(null, { status: 200 })),
    );
    const tracker = track(['m1'], { strategy: 'queue', backfill: false, queueCheckAfter: 1000 });
    const warnings: string[] = [];
    tracker.on('warning', (w) => warnings.push(w));
    const [first] = await cycles(tracker, 1);
    expect(warnings).toEqual([expect.stringContaining('status 7 stays first in the status queue')]);
    expect(peeks).toBeLessThanOrEqual(3);
    expect(first?.requests).toBeLessThanOrEqual(4);
    expect(first?.nextPollMs).toBeGreaterThan(0);
  });

  it("sends its warnings to the tracker's logger option as well as the warning event", async () => {
    const row = { id: 7, lastUpdate: '2026-08-20T09:00:00+02:00', status: 'SENDT', messageId: 'other' };
    server.use(
      http.get('http://ip.test/api/statuses/peek', () => HttpResponse.json(row)),
      http.delete('http://ip.test/api/statuses/:id', () => new HttpResponse(null, { status: 200 })),
    );
    const logged: string[] = [];
    const logger = { debug() {}, info() {}, warn: (message: string) => logged.push(message), error() {} };
    const tracker = track(['m1'], { strategy: 'queue', backfill: false, queueCheckAfter: 1000, logger });
    const warnings: string[] = [];
    tracker.on('warning', (w) => warnings.push(w));
    await cycles(tracker, 1);
    expect(logged).toEqual([expect.stringContaining('status 7 stays first in the status queue')]);
    expect(logged).toEqual(warnings);
  });
});

describe('the queue strategy: the empty-queue check', () => {
  it('checks a pending message by id; warns once, and only when it found statuses the queue never had', async () => {
    h.fake.add('m1', 'OPPRETTET');
    const tracker = track(['m1'], { strategy: 'queue', queueCheckAfter: 1, backfill: false });
    const warnings: string[] = [];
    tracker.on('warning', (w) => warnings.push(w));
    const first = await cycles(tracker, 1);
    expect(first[0]?.changed).toBe(true); // found by the check, not the queue
    expect(warnings).toHaveLength(1);
    const quiet = await cycles(tracker, 2);
    expect(quiet.map((c) => c.changed)).toEqual([false, false]); // checked again: nothing new, no warning
    h.fake.tick();
    h.fake.add('m1', 'SENDT');
    await new Promise<void>((resolve) => tracker.on('status', () => resolve()));
    expect(warnings).toHaveLength(1);
    expect(tracker.get('m1')?.history.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT']);
  });
});
