import { IntegrasjonspunktClient, StatusFollower } from 'eformidling';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeStatuses } from './fake-statuses.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let fake: FakeStatuses;
let ip: IntegrasjonspunktClient;
beforeEach(() => {
  fake = new FakeStatuses();
  server.use(...fake.handlers());
  ip = new IntegrasjonspunktClient({ baseUrl: 'http://ip.test', retry: false });
});

const ids = (list: { id: number }[]) => list.map((s) => s.id);

describe('StatusFollower', () => {
  it("start 'now' skips existing statuses and then yields each new one once, in id order", async () => {
    fake.add('a', 'OPPRETTET');
    fake.add('a', 'SENDT');
    const follower = new StatusFollower(ip, { pageSize: 2 });
    expect(await follower.poll()).toEqual([]);
    fake.tick();
    const b1 = fake.add('b', 'OPPRETTET');
    const a3 = fake.add('a', 'MOTTATT');
    expect(ids(await follower.poll())).toEqual([b1.id, a3.id]);
    expect(await follower.poll()).toEqual([]);
    expect(follower.stats.requests).toBe(1);
  });

  it("start 'beginning' yields the whole history across pages", async () => {
    for (let i = 0; i < 7; i++) fake.add(`m${i}`, 'OPPRETTET');
    const follower = new StatusFollower(ip, { start: 'beginning', pageSize: 3 });
    const all = await follower.poll();
    expect(all).toHaveLength(7);
    expect(ids(all)).toEqual([...ids(all)].sort((a, b) => a - b));
    // probe + ceil(7 / 3) pages
    expect(follower.stats.requests).toBeLessThanOrEqual(Math.ceil(7 / 3) + 1);
  });

  it('needs at most ceil(N / pageSize) + 1 requests for a burst and 1 for a quiet poll', async () => {
    const follower = new StatusFollower(ip, { pageSize: 50 });
    fake.add('x', 'OPPRETTET');
    await follower.poll();
    for (const n of [1, 49, 50, 51, 230]) {
      fake.tick(10);
      for (let i = 0; i < n; i++) fake.add(`m${n}-${i}`, 'SENDT');
      expect(await follower.poll()).toHaveLength(n);
      expect(follower.stats.requests).toBeLessThanOrEqual(Math.ceil(n / 50) + 1);
      expect(await follower.poll()).toEqual([]);
      expect(follower.stats.requests).toBe(1);
    }
  });

  it('finds a status that commits late with a lower id and an earlier time inside the margin', async () => {
    const follower = new StatusFollower(ip, { start: 'beginning', pageSize: 2, safetyMarginMs: 60_000 });
    fake.add('a', 'OPPRETTET', { id: 10 });
    fake.tick(5000);
    for (let i = 0; i < 5; i++) fake.add(`b${i}`, 'OPPRETTET', { id: 20 + i });
    expect(await follower.poll()).toHaveLength(6);
    // id 15 was taken before ids 20-24 but becomes visible only now, stamped 2 s earlier.
    fake.add('late', 'SENDT', { id: 15, at: fake.now - 2000 });
    expect(ids(await follower.poll())).toEqual([15]);
    expect(await follower.poll()).toEqual([]);
  });

  it('rebuilds its seen set when statuses were deleted, and still finds new ones', async () => {
    const follower = new StatusFollower(ip, { start: 'beginning', pageSize: 10 });
    fake.add('a', 'OPPRETTET');
    fake.add('a', 'SENDT');
    fake.add('b', 'OPPRETTET');
    await follower.poll();
    fake.deleteMessage('a');
    const c = fake.add('c', 'OPPRETTET');
    expect(ids(await follower.poll())).toEqual([c.id]);
    expect(follower.state.seen.map(([id]) => id).sort()).toEqual(ids(fake.rows).sort());
    expect(await follower.poll()).toEqual([]);
  });

  it('resumes from a persisted state without missing or repeating', async () => {
    const first = new StatusFollower(ip, { pageSize: 5 });
    fake.add('a', 'OPPRETTET');
    await first.poll();
    fake.tick();
    const s1 = fake.add('a', 'SENDT');
    expect(ids(await first.poll())).toEqual([s1.id]);
    const saved = JSON.parse(JSON.stringify(first.state));
    fake.tick();
    const s2 = fake.add('a', 'MOTTATT');
    const second = new StatusFollower(ip, { state: saved, pageSize: 5 });
    expect(ids(await second.poll())).toEqual([s2.id]);
  });

  it('forgets ids that fell out of the window', async () => {
    const follower = new StatusFollower(ip, { start: 'beginning', safetyMarginMs: 1000 });
    fake.add('a', 'OPPRETTET');
    await follower.poll();
    fake.tick(5000);
    fake.add('a', 'SENDT');
    await follower.poll();
    expect(follower.state.seen).toHaveLength(1);
  });

  it("start 'now' on an IP without any status yet, then every status once; an emptied window forgets what it saw", async () => {
    const follower = new StatusFollower(ip, { pageSize: 5 });
    expect(await follower.poll()).toEqual([]);
    const a = fake.add('a', 'OPPRETTET');
    expect(ids(await follower.poll())).toEqual([a.id]);
    fake.deleteMessage('a');
    expect(await follower.poll()).toEqual([]);
    expect(follower.state.seen).toEqual([]);
    fake.tick();
    const b = fake.add('b', 'OPPRETTET');
    expect(ids(await follower.poll())).toEqual([b.id]);
  });

  it('refuses a saved state it does not understand', () => {
    const state = new StatusFollower(ip).state;
    expect(() => new StatusFollower(ip, { state: { ...state, version: 2 as never } })).toThrow('unsupported StatusFollower state');
    expect(() => new StatusFollower(ip, { state: { ...state, seen: {} as never } })).toThrow(TypeError);
  });

  it('rejects bad options and leaves the position unchanged on a failed poll', async () => {
    expect(() => new StatusFollower(ip, { pageSize: 0 })).toThrow(RangeError);
    expect(() => new StatusFollower(ip, { start: 'not a date' })).toThrow(RangeError);
    expect(() => new StatusFollower(ip, { safetyMarginMs: -1 })).toThrow(RangeError);
    const follower = new StatusFollower(ip, { start: 'beginning' });
    server.resetHandlers();
    await expect(follower.poll()).rejects.toThrow();
    server.use(...fake.handlers());
    fake.add('a', 'OPPRETTET');
    expect(await follower.poll()).toHaveLength(1);
  });
});
