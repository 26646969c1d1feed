import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  JsonFileTrackerStore,
  MemoryTrackerStore,
  RequestValidationError,
  type StatusUpdate,
  type TrackerSnapshot,
  TrackerStoppedError,
} from 'eformidling';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTrackerHarness } from './harness.js';

const h = useTrackerHarness();
const { server, track, cycles } = h;

describe('options and arguments', () => {
  it('rejects bad options and ids before any request', () => {
    expect(() => h.ip.track([], { backoffFactor: 0.5 })).toThrow('backoffFactor: must be a number >= 1');
    expect(() => h.ip.track([], { backoffFactor: Number.NaN })).toThrow(RequestValidationError);
    expect(() => h.ip.track([], { graceMs: -1 })).toThrow('graceMs: must be a number of ms >= 0');
    expect(() => h.ip.track([], { until: 'SENDT' as never })).toThrow("until: must be 'LEVERT' or 'LEST'");
    expect(() => h.ip.track([], { maxPollIntervalMs: Number.POSITIVE_INFINITY })).toThrow(RequestValidationError);
    const tracker = track([]);
    expect(() => tracker.add('')).toThrow(RequestValidationError);
    expect(() => tracker.add(42 as never)).toThrow(RequestValidationError);
    expect(h.fake.requests).toEqual([]);
  });

  it('waitFor refuses a bad until and an aborted signal; after stop() it rejects with TrackerStoppedError', async () => {
    const tracker = track([]);
    await expect(tracker.waitFor('m1', { until: 'MOTTATT' as never })).rejects.toThrow(RequestValidationError);
    const reason = new Error('not any more');
    await expect(tracker.waitFor('m1', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await tracker.stop();
    await expect(tracker.waitFor('m1')).rejects.toBeInstanceOf(TrackerStoppedError);
    expect(tracker.notify()).toBe(false);
  });

  it('a signal aborted before the tracker starts: no request; done, waitFor and for await end with the reason', async () => {
    const reason = new Error('shutting down');
    const tracker = track(['m1'], { signal: AbortSignal.abort(reason) });
    await expect(tracker.done).rejects.toBe(reason);
    await expect(tracker.waitFor('m1')).rejects.toBe(reason);
    const iterate = async () => {
      for await (const _ of tracker) {
        // nothing
      }
    };
    await expect(iterate()).rejects.toBe(reason);
    expect(h.fake.requests).toEqual([]);
  });

  it('for await on a tracker stopped normally ends at once', async () => {
    const tracker = track([]);
    await tracker.stop();
    const seen: StatusUpdate[] = [];
    for await (const u of tracker) seen.push(u);
    expect(seen).toEqual([]);
  });
});

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

describe('stores', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tracker-store-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('a restart without ids resumes the pending messages the store knows', async () => {
    const store = new MemoryTrackerStore();
    h.fake.add('m1', 'SENDT');
    const first = track(['m1'], { strategy: 'per-id', store });
    await cycles(first, 1);
    await first.stop();
    h.fake.tick();
    h.fake.add('m1', 'LEVERT');
    const second = track([], { strategy: 'per-id', store });
    const delivered = new Promise<StatusUpdate>((resolve) => second.once('delivered', resolve));
    expect((await delivered).history.map((s) => s.status)).toEqual(['SENDT', 'LEVERT']);
  });

  it('JsonFileTrackerStore needs a path, and refuses a file that is not a snapshot', async () => {
    expect(() => new JsonFileTrackerStore('')).toThrow(RequestValidationError);
    const path = join(dir, 'tracker.json');
    expect(await new JsonFileTrackerStore(path).load()).toBeUndefined();
    for (const text of ['{"version":2,"messages":{}}', '{"version":1}', 'null']) {
      await writeFile(path, text);
      await expect(new JsonFileTrackerStore(path).load()).rejects.toThrow(`${path} is not a tracker snapshot`);
    }
  });

  it('a store that cannot be read stops the tracker: error event, done and waitFor reject; nothing polled', async () => {
    const store = new JsonFileTrackerStore(dir); // a directory: EISDIR
    const tracker = track(['m1'], { strategy: 'per-id', store });
    const errors: unknown[] = [];
    tracker.on('error', (e) => errors.push(e));
    const waiting = tracker.waitFor('m1');
    await expect(tracker.done).rejects.toMatchObject({ code: 'EISDIR' });
    await expect(waiting).rejects.toMatchObject({ code: 'EISDIR' });
    expect(errors).toHaveLength(1);
    expect(h.fake.requests).toEqual([]);
  });

  it('a failed save leaves the old file and no temporary file behind; the tracker reports it and goes on', async () => {
    const snapshot: TrackerSnapshot = { version: 1, messages: {} };
    // Rename over a directory fails.
    const target = join(dir, 'as-dir');
    await mkdir(target);
    await expect(new JsonFileTrackerStore(target).save(snapshot)).rejects.toThrow();
    // A snapshot that cannot be serialised fails while writing.
    const path = join(dir, 'tracker.json');
    await new JsonFileTrackerStore(path).save(snapshot);
    const bad = { version: 1, messages: {}, extra: 1n } as unknown as TrackerSnapshot;
    await expect(new JsonFileTrackerStore(path).save(bad)).rejects.toThrow(TypeError);
    expect((await readdir(dir)).sort()).toEqual(['as-dir', 'tracker.json']);
    expect(await new JsonFileTrackerStore(path).load()).toEqual(snapshot);

    const failing = { load: async () => undefined, save: async () => Promise.reject(new Error('disk full')) };
    h.fake.add('m1', 'LEVERT');
    const tracker = track(['m1'], { strategy: 'per-id', store: failing });
    const error = new Promise((resolve) => tracker.once('error', resolve));
    await tracker.waitFor('m1');
    expect(await error).toMatchObject({ message: 'disk full' });
    expect(tracker.get('m1')?.state).toBe('delivered');
  });
});
