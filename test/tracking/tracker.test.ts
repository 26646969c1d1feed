import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  classifyStatus,
  DeliveryFailedError,
  DeliveryTimeoutError,
  isKnownStatus,
  JsonFileTrackerStore,
  MemoryTrackerStore,
  RequestValidationError,
  type StatusUpdate,
  TrackerStoppedError,
  type TrackStrategy,
  UnauthorizedError,
} from 'eformidling';
import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { FAST, useTrackerHarness } from './harness.js';

const h = useTrackerHarness();
const { server, track, record, cycles, statuses } = h;

describe('classifyStatus', () => {
  it('classifies every known status and treats unknown values as pending', () => {
    expect(['OPPRETTET', 'SENDT', 'MOTTATT', 'ANNET', 'INNKOMMENDE_MOTTATT'].map(classifyStatus)).toEqual(Array(5).fill('pending'));
    expect(classifyStatus('LEVERT')).toBe('delivered');
    expect(classifyStatus('INNKOMMENDE_LEVERT')).toBe('delivered');
    expect(classifyStatus('LEST')).toBe('read');
    expect(classifyStatus('FEIL')).toBe('failed');
    expect(classifyStatus('LEVETID_UTLOPT')).toBe('failed');
    expect(classifyStatus('NOE_NYTT')).toBe('pending');
    expect(classifyStatus('toString')).toBe('pending');
    expect(isKnownStatus('LEVERT')).toBe(true);
    expect(isKnownStatus('NOE_NYTT')).toBe(false);
  });
});

describe.each<TrackStrategy>(['per-id', 'search', 'queue'])('strategy %s', (strategy) => {
  beforeEach(() => {
    h.fake.queueEnabled = strategy === 'queue';
  });

  it('reports OPPRETTET → SENDT → MOTTATT → LEVERT → LEST once each, then delivered and read', async () => {
    h.fake.add('m1', 'OPPRETTET');
    const tracker = track(['m1'], { strategy, until: 'LEST' });
    const log = record(tracker);
    await statuses(tracker, 1);
    for (const s of ['SENDT', 'MOTTATT', 'LEVERT']) {
      h.fake.tick();
      h.fake.add('m1', s);
    }
    const delivered = await tracker.waitFor('m1');
    expect(delivered.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    h.fake.tick();
    h.fake.add('m1', 'LEST');
    const read = await tracker.waitFor('m1', { until: 'LEST' });
    expect(read.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'LEST']);
    expect(log).toEqual(['m1:OPPRETTET', 'm1:SENDT', 'm1:MOTTATT', 'm1:LEVERT', 'delivered:m1', 'm1:LEST', 'read:m1']);
    expect(tracker.pending).toEqual([]);
    if (strategy === 'queue') {
      await cycles(tracker, 1);
      expect(h.fake.queue).toEqual([]);
    }
  });

  it('rejects waitFor with DeliveryFailedError on FEIL after LEVERT within the grace period', async () => {
    h.fake.add('m1', 'OPPRETTET');
    h.fake.add('m1', 'SENDT');
    const tracker = track(['m1'], { strategy, graceMs: 3_600_000 });
    const log = record(tracker);
    tracker.once('delivered', () => {
      h.fake.tick();
      h.fake.add('m1', 'FEIL', { description: 'Returpost' });
    });
    const waiting = tracker.waitFor('m1');
    h.fake.tick();
    h.fake.add('m1', 'LEVERT');
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as DeliveryFailedError).status).toMatchObject({ status: 'FEIL', description: 'Returpost' });
    expect((error as DeliveryFailedError).history.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'LEVERT', 'FEIL']);
    expect(log).toEqual(['m1:OPPRETTET', 'm1:SENDT', 'm1:LEVERT', 'delivered:m1', 'm1:FEIL', 'failed:m1:FEIL']);
  });

  it('rejects on LEVETID_UTLOPT', async () => {
    h.fake.add('m1', 'OPPRETTET');
    const tracker = track(['m1'], { strategy });
    const waiting = tracker.waitFor('m1');
    await statuses(tracker, 1);
    h.fake.tick();
    h.fake.add('m1', 'LEVETID_UTLOPT', { description: 'Levetiden for meldingen er utgått' });
    await expect(waiting).rejects.toMatchObject({ name: 'DeliveryFailedError', status: { status: 'LEVETID_UTLOPT' } });
    // Already failed: a new waitFor rejects at once.
    await expect(tracker.waitFor('m1')).rejects.toBeInstanceOf(DeliveryFailedError);
  });

  it('reports an unknown status value as pending and keeps going', async () => {
    h.fake.add('m1', 'OPPRETTET');
    h.fake.add('m1', 'HELT_NY_STATUS');
    const tracker = track(['m1'], { strategy });
    const [, unknown] = await statuses(tracker, 2);
    expect(unknown).toMatchObject({ kind: 'pending', state: 'pending', status: { status: 'HELT_NY_STATUS' } });
    h.fake.tick();
    h.fake.add('m1', 'LEVERT');
    expect((await tracker.waitFor('m1')).map((s) => s.status)).toEqual(['OPPRETTET', 'HELT_NY_STATUS', 'LEVERT']);
  });
});

describe('duplicates and order', () => {
  it('reports a status id once even when the IP returns it twice, and never moves a message backwards', async () => {
    h.fake.add('m1', 'OPPRETTET', { id: 10 });
    h.fake.add('m1', 'OPPRETTET', { id: 10 }); // the same row twice
    h.fake.add('m1', 'LEVERT', { id: 30 });
    const tracker = track(['m1'], { strategy: 'per-id', until: 'LEST' });
    const log = record(tracker);
    await statuses(tracker, 2);
    h.fake.add('m1', 'MOTTATT', { id: 20 }); // arrives after LEVERT
    const [late] = await statuses(tracker, 1);
    expect(late).toMatchObject({ kind: 'pending', state: 'delivered' });
    expect(late?.history.map((s) => s.id)).toEqual([10, 20, 30]);
    expect(log).toEqual(['m1:OPPRETTET', 'm1:LEVERT', 'delivered:m1', 'm1:MOTTATT']);
  });

  it('treats LEST without LEVERT as delivered and read, and FEIL before LEVERT as final', async () => {
    h.fake.add('a', 'LEST', { id: 50 });
    h.fake.add('b', 'FEIL', { id: 60 });
    h.fake.add('b', 'LEVERT', { id: 61 });
    const tracker = track(['a', 'b'], { strategy: 'per-id', concurrency: 1 });
    const log = record(tracker);
    await expect(tracker.waitFor('a')).resolves.toHaveLength(1);
    await expect(tracker.waitFor('b')).rejects.toBeInstanceOf(DeliveryFailedError);
    expect(log).toEqual(['a:LEST', 'delivered:a', 'read:a', 'b:FEIL', 'failed:b:FEIL', 'b:LEVERT']);
  });
});

describe('the search strategy', () => {
  it('backfills each id once, then costs one request per quiet cycle whatever the number of pending messages', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `m${i}`);
    for (const id of ids) h.fake.add(id, 'OPPRETTET');
    const tracker = track(ids, { strategy: 'search', pageSize: 10 });
    await statuses(tracker, 40);
    const backfills = h.fake.requests.filter((r) => r.startsWith('message')).length;
    expect(backfills).toBe(40);
    h.fake.requests.length = 0;
    const quiet = await cycles(tracker, 5);
    expect(quiet.slice(1).map((c) => c.requests)).toEqual([1, 1, 1, 1]);
    expect(h.fake.requests.every((r) => r === 'search 1')).toBe(true);
    h.fake.tick();
    const next = cycles(tracker, 1);
    for (const id of ids.slice(0, 25)) h.fake.add(id, 'SENDT');
    const [burst] = await next;
    expect(burst).toMatchObject({ changed: true });
    expect(burst?.requests).toBeLessThanOrEqual(Math.ceil(25 / 10) + 1);
    expect(tracker.get('m24')?.history.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT']);
  });

  it('with `since` reads history from the cursor instead of per id', async () => {
    const since = new Date(h.fake.now - 1000);
    h.fake.add('m1', 'OPPRETTET');
    h.fake.add('m2', 'OPPRETTET');
    const tracker = track(['m1', 'm2'], { strategy: 'search', since });
    await statuses(tracker, 2);
    expect(h.fake.requests.some((r) => r.startsWith('message'))).toBe(false);
    h.fake.add('m3', 'OPPRETTET');
    const next = cycles(tracker, 2); // the cycle in flight may have started before the add
    tracker.add('m3'); // added later: its history is read by id
    await next;
    expect(tracker.get('m3')?.history).toHaveLength(1);
    expect(h.fake.requests.filter((r) => r.startsWith('message'))).toEqual(['message m3']);
  });
});

describe('the queue strategy', () => {
  it('drains the queue (tracked or not) and warns when it stays empty while messages progress', async () => {
    h.fake.queueEnabled = true;
    h.fake.add('other', 'OPPRETTET');
    h.fake.queueEnabled = false; // as on a default IP: statusQueueIncludes is empty
    const tracker = track(['m1'], { strategy: 'queue', queueCheckAfter: 3, backfill: false });
    const warning = new Promise<string>((resolve) => tracker.once('warning', resolve));
    await cycles(tracker, 1);
    expect(h.fake.queue).toEqual([]);
    // The peek of the next entry goes out together with the DELETE of the one read.
    expect(h.fake.requests[0]).toBe('peek');
    expect(h.fake.requests.slice(1, 3).sort()).toEqual([`delete ${h.fake.rows[0]?.id}`, 'peek']);
    h.fake.add('m1', 'OPPRETTET');
    expect(await warning).toMatch(/statusQueueIncludes/);
    expect(tracker.get('m1')?.history).toHaveLength(1);
  });
});

describe('restart with a persisted store', () => {
  it.each<TrackStrategy>(['per-id', 'search', 'queue'])('%s: neither misses nor repeats a status', async (strategy) => {
    const dir = await mkdtemp(join(tmpdir(), 'tracker-'));
    try {
      h.fake.queueEnabled = strategy === 'queue';
      const store = new JsonFileTrackerStore(join(dir, 'tracker.json'));
      h.fake.add('m1', 'OPPRETTET');
      h.fake.add('m2', 'OPPRETTET');
      const first = track(['m1', 'm2'], { strategy, store });
      await statuses(first, 2);
      h.fake.tick();
      h.fake.add('m1', 'SENDT');
      await statuses(first, 1);
      await first.stop();
      const saved = JSON.parse(await readFile(join(dir, 'tracker.json'), 'utf8'));
      expect(Object.keys(saved.messages).sort()).toEqual(['m1', 'm2']);

      h.fake.tick();
      h.fake.add('m1', 'LEVERT');
      h.fake.add('m2', 'SENDT');
      const second = track(['m1', 'm2'], { strategy, store });
      const log = record(second);
      await second.waitFor('m1');
      if (log.length < 3) await statuses(second, 3 - log.length);
      expect(log.sort()).toEqual(['delivered:m1', 'm1:LEVERT', 'm2:SENDT']);
      expect(second.get('m1')?.history.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'LEVERT']);
      // Stopped before the folder goes, so no save can land in it afterwards.
      await second.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('resolves waitFor at once for a message the store already knows as delivered', async () => {
    const store = new MemoryTrackerStore();
    h.fake.add('m1', 'LEVERT');
    const first = track(['m1'], { strategy: 'per-id', store });
    await first.waitFor('m1');
    await first.stop();
    server.resetHandlers(); // no IP at all now
    const second = track([], { strategy: 'per-id', store });
    const log = record(second);
    expect((await second.waitFor('m1')).map((s) => s.status)).toEqual(['LEVERT']);
    expect(log).toEqual([]);
  });
});

describe('failures reach the promises', () => {
  it('a permanent error stops the tracker and rejects waitFor, done and for await', async () => {
    server.use(http.get('http://ip.test/api/statuses/:id', () => HttpResponse.json({ status: 401 }, { status: 401 })));
    const tracker = track(['m1'], { strategy: 'per-id' });
    const errors: unknown[] = [];
    tracker.on('error', (e) => errors.push(e));
    const iterate = (async () => {
      for await (const _ of tracker) {
        // nothing arrives
      }
    })();
    await expect(tracker.waitFor('m1')).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(tracker.done).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(iterate).rejects.toBeInstanceOf(UnauthorizedError);
    expect(errors).toHaveLength(1);
    await expect(tracker.waitFor('m1')).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('transient errors are reported and polling goes on, until maxConsecutiveErrors', async () => {
    let failures = 2;
    server.use(
      http.get('http://ip.test/api/statuses/:id', () => {
        if (failures-- > 0) return HttpResponse.json({ status: 503 }, { status: 503 });
        return undefined;
      }),
    );
    h.fake.add('m1', 'LEVERT');
    const tracker = track(['m1'], { strategy: 'per-id' });
    const errors: unknown[] = [];
    tracker.on('error', (e) => errors.push(e));
    await tracker.waitFor('m1');
    expect(errors).toHaveLength(2);

    server.use(http.get('http://ip.test/api/statuses/:id', () => HttpResponse.json({ status: 503 }, { status: 503 })));
    const failing = track(['m2'], { strategy: 'per-id', maxConsecutiveErrors: 3 });
    await expect(failing.done).rejects.toMatchObject({ status: 503 });
  });

  it('stop() and the signal reject pending waiters; the iterator ends', async () => {
    const tracker = track(['m1'], { strategy: 'per-id' });
    const waiting = tracker.waitFor('m1');
    const iterate = (async () => {
      const seen: StatusUpdate[] = [];
      for await (const u of tracker) seen.push(u);
      return seen;
    })();
    await tracker.stop();
    await expect(waiting).rejects.toBeInstanceOf(TrackerStoppedError);
    await expect(iterate).resolves.toEqual([]);
    await expect(tracker.done).resolves.toBeUndefined();

    const controller = new AbortController();
    const aborted = track(['m1'], { strategy: 'per-id', signal: controller.signal });
    const w = aborted.waitFor('m1');
    controller.abort(new Error('shutting down'));
    await expect(w).rejects.toThrow('shutting down');
    await expect(aborted.done).rejects.toThrow('shutting down');
  });

  it('waitFor times out with DeliveryTimeoutError carrying the history', async () => {
    h.fake.add('m1', 'SENDT');
    const tracker = track(['m1'], { strategy: 'per-id' });
    await statuses(tracker, 1);
    const error = await tracker.waitFor('m1', { timeoutMs: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryTimeoutError);
    expect((error as DeliveryTimeoutError).history.map((s) => s.status)).toEqual(['SENDT']);
  });

  it('remove() rejects the waiter and stops polling the id', async () => {
    const tracker = track(['m1', 'm2'], { strategy: 'per-id' });
    const waiting = tracker.waitFor('m1');
    expect(tracker.remove('m1')).toBe(true);
    expect(tracker.remove('m1')).toBe(false);
    await expect(waiting).rejects.toBeInstanceOf(TrackerStoppedError);
    expect(tracker.pending).toEqual(['m2']);
  });

  it('rejects bad options before any request', () => {
    expect(() => h.ip.track([], { strategy: 'sometimes' as TrackStrategy })).toThrow(RequestValidationError);
    expect(() => h.ip.track([], { pollIntervalMs: 0 })).toThrow(RequestValidationError);
    expect(() => h.ip.track([''])).toThrow(expect.objectContaining({ name: 'RequestValidationError', field: 'messageIds[0]' }));
    expect(h.fake.requests).toEqual([]);
  });
});

describe('adaptive polling', () => {
  it('backs off while nothing changes and polls at once on notify()', async () => {
    h.fake.add('m1', 'OPPRETTET');
    const tracker = track(['m1'], { strategy: 'per-id', pollIntervalMs: 1, backoffFactor: 20, maxPollIntervalMs: 600_000 });
    const waits = await cycles(tracker, 4);
    expect(waits.map((c) => c.nextPollMs)).toEqual([1, 20, 400, 8000]);
    expect(waits.map((c) => c.changed)).toEqual([true, false, false, false]);
    h.fake.add('m1', 'LEVERT');
    // A webhook for an unrelated message or a ping does not wake the tracker.
    expect(tracker.notify({ messageId: 'other' })).toBe(false);
    expect(tracker.notify({ createdTs: 'x', event: 'ping' })).toBe(false);
    // Without the notify the next cycle would come 8 s later (after the test's timeout of the wait below).
    const next = cycles(tracker, 1);
    expect(tracker.notify({ messageId: 'm1' })).toBe(true);
    expect((await next)[0]).toMatchObject({ changed: true, nextPollMs: 1 });
    expect(tracker.get('m1')?.state).toBe('delivered');
  });

  it('waits without requests while nothing is pending, and wakes on add()', async () => {
    h.fake.add('m1', 'OPPRETTET');
    const tracker = track([], { strategy: 'per-id' });
    await new Promise((r) => setTimeout(r, 20));
    expect(h.fake.requests).toEqual([]);
    tracker.add('m1');
    await statuses(tracker, 1);
    expect(h.fake.requests[0]).toBe('message m1');
  });
});

describe('ip.waitForDelivery', () => {
  it('resolves with the history on LEVERT and rejects with the failing status on FEIL', async () => {
    h.fake.add('ok', 'SENDT');
    h.fake.add('ok', 'LEVERT');
    h.fake.add('bad', 'FEIL', { description: 'Mottaker finnes ikke' });
    expect((await h.ip.waitForDelivery('ok', FAST)).map((s) => s.status)).toEqual(['SENDT', 'LEVERT']);
    await expect(h.ip.waitForDelivery('bad', FAST)).rejects.toMatchObject({
      name: 'DeliveryFailedError',
      messageId: 'bad',
      status: { status: 'FEIL', description: 'Mottaker finnes ikke' },
    });
    h.fake.conversations.add('never'); // known to the IP, but no status comes (an id it does not know: NotFoundError)
    await expect(h.ip.waitForDelivery('never', { ...FAST, timeoutMs: 5 })).rejects.toBeInstanceOf(DeliveryTimeoutError);
  });
});
