import { RequestValidationError, StatusFollower } from 'eformidling';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { useTrackerHarness } from './harness.js';

const h = useTrackerHarness();
const { server } = h;

const ids = (list: { id: number }[]) => list.map((s) => s.id);

describe('StatusFollower', () => {
  it("start 'now' skips existing statuses and then yields each new one once, in id order", async () => {
    h.fake.add('a', 'OPPRETTET');
    h.fake.add('a', 'SENDT');
    const follower = new StatusFollower(h.ip, { pageSize: 2 });
    expect(await follower.poll()).toEqual([]);
    h.fake.tick();
    const b1 = h.fake.add('b', 'OPPRETTET');
    const a3 = h.fake.add('a', 'MOTTATT');
    expect(ids(await follower.poll())).toEqual([b1.id, a3.id]);
    expect(await follower.poll()).toEqual([]);
    expect(follower.stats.requests).toBe(1);
  });

  it("start 'beginning' yields the whole history across pages", async () => {
    for (let i = 0; i < 7; i++) h.fake.add(`m${i}`, 'OPPRETTET');
    const follower = new StatusFollower(h.ip, { start: 'beginning', pageSize: 3 });
    const all = await follower.poll();
    expect(all).toHaveLength(7);
    expect(ids(all)).toEqual([...ids(all)].sort((a, b) => a - b));
    // probe + ceil(7 / 3) pages
    expect(follower.stats.requests).toBeLessThanOrEqual(Math.ceil(7 / 3) + 1);
  });

  it('needs at most ceil(N / pageSize) + 1 requests for a burst and 1 for a quiet poll', async () => {
    const follower = new StatusFollower(h.ip, { pageSize: 50 });
    h.fake.add('x', 'OPPRETTET');
    await follower.poll();
    for (const n of [1, 49, 50, 51, 230]) {
      h.fake.tick(10);
      for (let i = 0; i < n; i++) h.fake.add(`m${n}-${i}`, 'SENDT');
      expect(await follower.poll()).toHaveLength(n);
      expect(follower.stats.requests).toBeLessThanOrEqual(Math.ceil(n / 50) + 1);
      expect(await follower.poll()).toEqual([]);
      expect(follower.stats.requests).toBe(1);
    }
  });

  it('finds a status that commits late with a lower id and an earlier time inside the margin', async () => {
    const follower = new StatusFollower(h.ip, { start: 'beginning', pageSize: 2, safetyMarginMs: 60_000 });
    h.fake.add('a', 'OPPRETTET', { id: 10 });
    h.fake.tick(5000);
    for (let i = 0; i < 5; i++) h.fake.add(`b${i}`, 'OPPRETTET', { id: 20 + i });
    expect(await follower.poll()).toHaveLength(6);
    // id 15 was taken before ids 20-24 but becomes visible only now, stamped 2 s earlier.
    h.fake.add('late', 'SENDT', { id: 15, at: h.fake.now - 2000 });
    expect(ids(await follower.poll())).toEqual([15]);
    expect(await follower.poll()).toEqual([]);
  });

  it('rebuilds its seen set when statuses were deleted, and still finds new ones', async () => {
    const follower = new StatusFollower(h.ip, { start: 'beginning', pageSize: 10 });
    h.fake.add('a', 'OPPRETTET');
    h.fake.add('a', 'SENDT');
    h.fake.add('b', 'OPPRETTET');
    await follower.poll();
    h.fake.deleteMessage('a');
    const c = h.fake.add('c', 'OPPRETTET');
    expect(ids(await follower.poll())).toEqual([c.id]);
    expect(follower.state.seen.map(([id]) => id).sort()).toEqual(ids(h.fake.rows).sort());
    expect(await follower.poll()).toEqual([]);
  });

  it('resumes from a persisted state without missing or repeating', async () => {
    const first = new StatusFollower(h.ip, { pageSize: 5 });
    h.fake.add('a', 'OPPRETTET');
    await first.poll();
    h.fake.tick();
    const s1 = h.fake.add('a', 'SENDT');
    expect(ids(await first.poll())).toEqual([s1.id]);
    const saved = JSON.parse(JSON.stringify(first.state));
    h.fake.tick();
    const s2 = h.fake.add('a', 'MOTTATT');
    const second = new StatusFollower(h.ip, { state: saved, pageSize: 5 });
    expect(ids(await second.poll())).toEqual([s2.id]);
  });

  it('forgets ids that fell out of the window', async () => {
    const follower = new StatusFollower(h.ip, { start: 'beginning', safetyMarginMs: 1000 });
    h.fake.add('a', 'OPPRETTET');
    await follower.poll();
    h.fake.tick(5000);
    h.fake.add('a', 'SENDT');
    await follower.poll();
    expect(follower.state.seen).toHaveLength(1);
  });

  it("start 'now' on an IP without any status yet, then every status once; an emptied window forgets what it saw", async () => {
    const follower = new StatusFollower(h.ip, { pageSize: 5 });
    expect(await follower.poll()).toEqual([]);
    const a = h.fake.add('a', 'OPPRETTET');
    expect(ids(await follower.poll())).toEqual([a.id]);
    h.fake.deleteMessage('a');
    expect(await follower.poll()).toEqual([]);
    expect(follower.state.seen).toEqual([]);
    h.fake.tick();
    const b = h.fake.add('b', 'OPPRETTET');
    expect(ids(await follower.poll())).toEqual([b.id]);
  });

  it('refuses a saved state it does not understand', () => {
    const state = new StatusFollower(h.ip).state;
    expect(() => new StatusFollower(h.ip, { state: { ...state, version: 2 as never } })).toThrow('state: is not a StatusFollower state');
    expect(() => new StatusFollower(h.ip, { state: { ...state, seen: {} as never } })).toThrow(RequestValidationError);
  });

  it('rejects bad options and leaves the position unchanged on a failed poll', async () => {
    expect(() => new StatusFollower(h.ip, { pageSize: 0 })).toThrow(RequestValidationError);
    expect(() => new StatusFollower(h.ip, { start: 'not a date' })).toThrow(RequestValidationError);
    expect(() => new StatusFollower(h.ip, { safetyMarginMs: -1 })).toThrow(RequestValidationError);
    const follower = new StatusFollower(h.ip, { start: 'beginning' });
    server.resetHandlers(
      http.get('http://ip.test/api/statuses', () =>
        HttpResponse.json({ status: 503, error: 'Service Unavailable', message: 'down' }, { status: 503 }),
      ),
    );
    await expect(follower.poll()).rejects.toThrow();
    server.use(...h.fake.handlers());
    h.fake.add('a', 'OPPRETTET');
    expect(await follower.poll()).toHaveLength(1);
  });
});
