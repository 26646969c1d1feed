import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { useTrackerHarness } from './harness.js';

const h = useTrackerHarness();
const { server, track, cycles } = h;

describe('following', () => {
  it('for await yields each new status in order, and can stop early', async () => {
    h.fake.add('m1', 'OPPRETTET');
    h.fake.add('m1', 'SENDT');
    const tracker = track(['m1'], { strategy: 'per-id' });
    const seen: string[] = [];
    for await (const u of tracker) {
      seen.push(`${u.status.status}:${u.state}`);
      if (seen.length === 2) {
        h.fake.tick();
        h.fake.add('m1', 'LEVERT');
      }
      if (u.state === 'delivered') break;
    }
    expect(seen).toEqual(['OPPRETTET:pending', 'SENDT:pending', 'LEVERT:delivered']);
  });

  it('notify() without an event, or with one that names no message, polls at once', async () => {
    h.fake.add('m1', 'OPPRETTET');
    const tracker = track(['m1'], { strategy: 'per-id', pollIntervalMs: 600_000, maxPollIntervalMs: 600_000 });
    await cycles(tracker, 1);
    h.fake.add('m1', 'SENDT');
    const next = cycles(tracker, 1);
    expect(tracker.notify()).toBe(true);
    expect((await next)[0]?.changed).toBe(true);
    const again = cycles(tracker, 1);
    expect(tracker.notify({})).toBe(true);
    expect((await again)[0]?.changed).toBe(false);
  });

  it("waitFor until LEST on a message already delivered (tracker until 'LEVERT') resumes polling it", async () => {
    h.fake.add('m1', 'LEVERT');
    const tracker = track(['m1'], { strategy: 'per-id' });
    await tracker.waitFor('m1');
    expect(tracker.get('m1')).toMatchObject({ state: 'delivered', settled: true });
    expect(tracker.pending).toEqual([]);
    const read = tracker.waitFor('m1', { until: 'LEST' });
    expect(tracker.pending).toEqual(['m1']);
    h.fake.tick();
    h.fake.add('m1', 'LEST');
    expect((await read).map((s) => s.status)).toEqual(['LEVERT', 'LEST']);
    expect(tracker.pending).toEqual([]);
  });

  it('waitFor until LEST on a message still pending extends the watch past LEVERT', async () => {
    h.fake.add('m1', 'SENDT');
    const tracker = track(['m1'], { strategy: 'per-id' });
    const read = tracker.waitFor('m1', { until: 'LEST' });
    h.fake.tick();
    h.fake.add('m1', 'LEVERT');
    await tracker.waitFor('m1');
    expect(tracker.pending).toEqual(['m1']);
    h.fake.tick();
    h.fake.add('m1', 'LEST');
    expect((await read).map((s) => s.status)).toEqual(['SENDT', 'LEVERT', 'LEST']);
  });

  it('statuses without a messageId: per-id attributes them to the message asked for; the queue drops them', async () => {
    const row = { id: 1, lastUpdate: '2026-08-20T09:00:00+02:00', status: 'SENDT' };
    server.use(
      http.get('http://ip.test/api/statuses/peek', () => HttpResponse.json(row)),
      http.get('http://ip.test/api/statuses/:messageId', () =>
        HttpResponse.json({ content: [row], totalElements: 1, totalPages: 1, number: 0, size: 50, last: true, first: true }),
      ),
      http.delete('http://ip.test/api/statuses/:id', () => {
        server.use(http.get('http://ip.test/api/statuses/peek', () => new HttpResponse(null, { status: 204 })));
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const perId = track(['m1'], { strategy: 'per-id' });
    await cycles(perId, 1);
    expect(perId.get('m1')?.history).toEqual([{ ...row, messageId: 'm1' }]);

    const queue = track(['m2'], { strategy: 'queue', backfill: false });
    const [first] = await cycles(queue, 1);
    // peek, then delete + peek together; the peek is repeated when it overtook the delete and saw the entry again.
    expect(first?.changed).toBe(false);
    expect([3, 4]).toContain(first?.requests);
    expect(queue.get('m2')?.history).toEqual([]);
  });
});
