import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntegrasjonspunktClient, JsonFileTrackerStore, type StatusTracker, type TrackerSnapshot, type TrackerStore } from 'eformidling';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeStatuses } from './fake-statuses.js';
import { faultyFetch } from './faulty-fetch.js';
import { FAST } from './harness.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracker-crash-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/**
 * A store that "dies" at the first save whose snapshot has `LEVERT` for m1: that save and every later one never
 * settle, as if the process was killed while writing, and the dead tracker no longer reaches the IP.
 */
class KillableStore implements TrackerStore {
  dead = false;
  constructor(
    readonly inner: TrackerStore,
    readonly onKill: () => void,
  ) {}
  load(): Promise<TrackerSnapshot | undefined> {
    return this.inner.load();
  }
  save(snapshot: TrackerSnapshot): Promise<void> {
    if (snapshot.messages.m1?.history.some((s) => s.status === 'LEVERT')) this.dead = true;
    if (this.dead) {
      this.onKill();
      return new Promise(() => {});
    }
    return this.inner.save(snapshot);
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(condition()).toBe(true);
}

describe('the queue strategy under a crash', () => {
  it('a kill after deleting SENDT and LEVERT from the queue, before saving LEVERT, loses nothing', async () => {
    const fake = new FakeStatuses();
    fake.queueEnabled = true;
    const path = join(dir, 'tracker.json');
    const first = faultyFetch(fake);
    fake.add('m1', 'OPPRETTET');
    const store1 = new KillableStore(new JsonFileTrackerStore(path), () => first.kill());
    const ip1 = new IntegrasjonspunktClient({ baseUrl: 'http://ip.test', retry: false, fetch: first.fetch });
    const dead: StatusTracker = ip1.track(['m1'], { ...FAST, strategy: 'queue', store: store1, queueCheckAfter: 10_000 });
    dead.on('error', () => {});
    const seen1: string[] = [];
    dead.on('status', (u) => seen1.push(u.status.status));
    await until(() => seen1.length === 1 && fake.queue.length === 0);
    fake.tick();
    fake.add('m1', 'SENDT');
    fake.add('m1', 'LEVERT');
    await until(() => store1.dead);
    expect(seen1).toEqual(['OPPRETTET', 'SENDT', 'LEVERT']);
    // Both entries are gone from the IP's queue, and the store does not have LEVERT.
    expect(fake.queue).toEqual([]);
    const saved = JSON.parse(await readFile(path, 'utf8')) as TrackerSnapshot;
    expect(saved.messages.m1?.history.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT']);
    expect(saved.queueDeleting).toBe(true);

    const second = faultyFetch(fake);
    const ip2 = new IntegrasjonspunktClient({ baseUrl: 'http://ip.test', retry: false, fetch: second.fetch });
    const restarted = ip2.track([], { ...FAST, strategy: 'queue', store: new JsonFileTrackerStore(path), queueCheckAfter: 10_000 });
    try {
      const seen2: string[] = [];
      restarted.on('status', (u) => seen2.push(u.status.status));
      expect((await restarted.waitFor('m1')).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'LEVERT']);
      expect(seen2).toEqual(['LEVERT']); // read again by id: repeated at most, never lost
      expect(second.counts.requests).toBeGreaterThan(0);
      await until(() => !(JSON.parse(readFileSync(path, 'utf8')) as TrackerSnapshot).queueDeleting);
    } finally {
      await restarted.stop();
    }
  });

  it('a DELETE that fails after the save repeats nothing and loses nothing; a failed save deletes nothing', async () => {
    const fake = new FakeStatuses();
    fake.queueEnabled = true;
    fake.add('m1', 'OPPRETTET');
    fake.add('m1', 'LEVERT');
    const saves: string[][] = [];
    let failSave = true;
    const store: TrackerStore = {
      load: async () => undefined,
      save: async (snapshot) => {
        if (failSave) {
          failSave = false;
          throw new Error('disk full');
        }
        saves.push(snapshot.messages.m1?.history.map((s) => s.status) ?? []);
      },
    };
    const { fetch } = faultyFetch(fake);
    let deletes = 0;
    const flaky = async (input: Request | string | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.method === 'DELETE' && deletes++ === 0) return Response.json({ status: 503 }, { status: 503 });
      return fetch(request);
    };
    const ip = new IntegrasjonspunktClient({ baseUrl: 'http://ip.test', retry: false, fetch: flaky });
    const tracker = ip.track(['m1'], { ...FAST, strategy: 'queue', store, backfill: false, queueCheckAfter: 10_000 });
    try {
      const errors: unknown[] = [];
      tracker.on('error', (e) => errors.push(e));
      const log: string[] = [];
      tracker.on('status', (u) => log.push(u.status.status));
      await tracker.waitFor('m1');
      await until(() => fake.queue.length === 0);
      expect(log).toEqual(['OPPRETTET', 'LEVERT']);
      // The first save failed: the cycle ended without a DELETE; the next save came before the first DELETE (503).
      expect(errors.map((e) => (e as Error).message)).toEqual(['disk full', expect.stringContaining('503')]);
      expect(saves[0]).toEqual(['OPPRETTET']);
      expect(fake.requests.filter((r) => r.startsWith('delete')).length).toBe(2);
    } finally {
      await tracker.stop();
    }
  });
});

describe('JsonFileTrackerStore: temporary files of crashed writes', () => {
  it('load() removes leftovers of dead processes and of this one, and keeps a live writer’s and other files', async () => {
    const path = join(dir, 'tracker.json');
    const store = new JsonFileTrackerStore(path);
    await store.save({ version: 1, messages: {} });
    const deadPid = 2 ** 22 + 7; // above Linux's pid_max: never a running process
    const livePid = process.ppid;
    const files = {
      dead: `tracker.json.${deadPid}.0badf00d.tmp`,
      mine: `tracker.json.${process.pid}.deadbeef.tmp`,
      live: `tracker.json.${livePid}.cafebabe.tmp`,
      liveOld: `tracker.json.${livePid}.0000abcd.tmp`,
      otherStore: `other.json.${deadPid}.0badf00d.tmp`,
      notOurs: 'tracker.json.backup',
      notATemp: `tracker.json.${deadPid}.xyz.tmp`,
    };
    for (const name of Object.values(files)) await writeFile(join(dir, name), '{"version":1,');
    const old = new Date(Date.now() - 11 * 60_000);
    await utimes(join(dir, files.liveOld), old, old);
    expect(await store.load()).toEqual({ version: 1, messages: {} });
    expect((await readdir(dir)).sort()).toEqual(['tracker.json', files.live, files.otherStore, files.notOurs, files.notATemp].sort());
    expect((await stat(join(dir, files.live))).size).toBeGreaterThan(0);
  });

  it('load() leaves the temporary file of a save in flight in this process alone', async () => {
    const path = join(dir, 'tracker.json');
    const store = new JsonFileTrackerStore(path);
    const big: TrackerSnapshot = { version: 1, messages: {} };
    for (let i = 0; i < 2000; i++) {
      big.messages[`m${i}`] = { history: [], state: 'pending', until: 'LEVERT', settled: false, backfilled: true };
    }
    const saving = store.save(big);
    const loading = new JsonFileTrackerStore(path).load();
    await Promise.all([saving, loading]);
    expect(await readdir(dir)).toEqual(['tracker.json']);
    expect(Object.keys((await store.load())?.messages ?? {})).toHaveLength(2000);
  });
});
