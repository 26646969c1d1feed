import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CycleInfo,
  IntegrasjonspunktClient,
  JsonFileTrackerStore,
  type StatusTracker,
  type TrackerSnapshot,
  type TrackerStore,
  type TrackStrategy,
} from 'eformidling';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seeded } from '../helpers/seeded.js';
import { FakeStatuses } from './fake-statuses.js';
import { faultyFetch } from './faulty-fetch.js';

// A seeded soak under fake time: 60 messages whose statuses arrive over 30 s (some end in FEIL or LEVETID_UTLOPT,
// three stay at MOTTATT), ~10 % of status requests answered 503, 429 with Retry-After, a reset or slowly, and two
// kills (no final save, requests cut, a half-written temporary file left) each followed by a new tracker on the same
// JsonFileTrackerStore. Real time: one to a few seconds per strategy. SOAK_SEED=n runs it with other seeds.

const MESSAGES = 60;
const STUCK = 3; // never get a final status: the tracker must end up quiet, polling them at its maximum interval
const FINAL = new Set(['LEVERT', 'FEIL', 'LEVETID_UTLOPT']);
const OPTIONS = { pollIntervalMs: 1000, maxPollIntervalMs: 8000, backoffFactor: 2, maxConsecutiveErrors: 20 } as const;

/** A store whose process "dies": from the kill on, saves never settle (a SIGKILL during or before a write). */
class KillableStore implements TrackerStore {
  dead = false;
  inFlight: Promise<void> = Promise.resolve();
  constructor(readonly inner: TrackerStore) {}
  load(): Promise<TrackerSnapshot | undefined> {
    return busy(this.inner.load());
  }
  save(snapshot: TrackerSnapshot): Promise<void> {
    if (this.dead) return new Promise(() => {});
    this.inFlight = busy(this.inner.save(snapshot));
    return this.inFlight;
  }
}

/** Store operations (real file I/O) in flight: fake time stands still until they are done. */
let ioInFlight = 0;
function busy<T>(promise: Promise<T>): Promise<T> {
  ioInFlight += 1;
  return promise.finally(() => {
    ioInFlight -= 1;
  });
}

interface Incarnation {
  tracker: StatusTracker;
  store: KillableStore;
  controller: AbortController;
  kill(): void;
  /** messageId → status ids reported, in order. */
  reported: Map<string, number[]>;
  alive: boolean;
  cycles: { info: CycleInfo; pending: number; failed: boolean }[];
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracker-soak-'));
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

/** Advances fake time in small steps; after each, real time passes until the file I/O it started is done. */
async function run(ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await vi.advanceTimersByTimeAsync(step);
    do await new Promise((resolve) => setImmediate(resolve));
    while (ioInFlight > 0);
  }
}

describe.each<TrackStrategy>(['search', 'per-id', 'queue'])('soak: %s', (strategy) => {
  it('faults and two kills: every final status at least once, nothing invented, in order, then quiet', async () => {
    const random = seeded(strategy.length * 7919 + Number(process.env.SOAK_SEED ?? 0));
    const fake = new FakeStatuses();
    fake.now = Date.now();
    fake.queueEnabled = strategy === 'queue';
    const ids = Array.from({ length: MESSAGES }, (_, i) => `msg-${i}`);

    // The plan: each message's statuses at fake times within the first 30 s.
    for (const [i, id] of ids.entries()) {
      let at = random() * 15_000;
      const steps = ['OPPRETTET', 'SENDT', 'MOTTATT'];
      if (i >= STUCK) {
        const r = random();
        steps.push(r < 0.12 ? 'FEIL' : r < 0.17 ? 'LEVETID_UTLOPT' : 'LEVERT');
      }
      for (const status of steps) {
        setTimeout(() => {
          fake.now = Date.now();
          fake.add(id, status);
        }, at);
        at += random() * 5000;
      }
    }

    const path = join(dir, 'tracker.json');
    const incarnations: Incarnation[] = [];
    const start = (seed: number): Incarnation => {
      const faults = faultyFetch(fake, { rate: 0.1, seed });
      const ip = new IntegrasjonspunktClient({
        baseUrl: 'http://ip.test',
        fetch: faults.fetch,
        retry: { retries: 3, minDelayMs: 200 },
      });
      const store = new KillableStore(new JsonFileTrackerStore(path));
      const controller = new AbortController();
      const tracker = ip.track(ids, {
        ...OPTIONS,
        strategy,
        store,
        signal: controller.signal,
        queueCheckAfter: 5,
        queueBatchSize: 25,
      });
      const me: Incarnation = {
        tracker,
        store,
        controller,
        kill: () => faults.kill(),
        reported: new Map(),
        alive: true,
        cycles: [],
      };
      let failed = false;
      tracker.on('error', () => {
        failed = true;
      });
      tracker.on('status', (u) => {
        if (!me.alive) return;
        const list = me.reported.get(u.messageId) ?? [];
        me.reported.set(u.messageId, list);
        list.push(u.status.id);
      });
      tracker.on('cycle', (info) => {
        if (me.alive) me.cycles.push({ info, pending: tracker.pending.length, failed });
        failed = false;
      });
      tracker.done.catch(() => {});
      incarnations.push(me);
      return me;
    };
    const kill = async (me: Incarnation) => {
      me.alive = false;
      me.store.dead = true;
      me.kill();
      me.controller.abort(new Error('SIGKILL'));
      await me.store.inFlight.catch(() => {});
      // A write the kill interrupted leaves its temporary file (a pid no process has).
      await writeFile(`${path}.${2 ** 22 + 11}.0badf00d.tmp`, '{"version":1,"mess');
    };

    const s0 = Number(process.env.SOAK_SEED ?? 0) * 10;
    let current = start(s0 + 1);
    await run(10_000);
    await kill(current);
    current = start(s0 + 2);
    await run(10_000);
    await kill(current);
    current = start(s0 + 3);
    // Until every final status is known to the last tracker (bounded), then a quiet stretch.
    const finals = () => ids.slice(STUCK).every((id) => current.tracker.get(id)?.settled);
    for (let i = 0; i < 240 && !finals(); i++) await run(1000, 100);
    expect(finals()).toBe(true);
    await run(2000, 100); // the cycle that found the last final status ends
    const quietFrom = current.cycles.length;
    const requestsBefore = fake.requests.length;
    const perSecond: number[] = [];
    for (let s = 0; s < 90; s++) {
      const before = fake.requests.length;
      await run(1000, 250);
      perSecond.push(fake.requests.length - before);
    }

    // 1. Every final status reported at least once (by some incarnation).
    const reported = new Set(incarnations.flatMap((inc) => [...inc.reported.values()].flat()));
    const finalRows = fake.rows.filter((r) => FINAL.has(r.status));
    expect(finalRows).toHaveLength(MESSAGES - STUCK);
    expect(finalRows.filter((r) => !reported.has(r.id))).toEqual([]);
    // 2. Never a status that did not happen (for that message).
    const byId = new Map(fake.rows.map((r) => [r.id, r]));
    for (const inc of incarnations) {
      for (const [messageId, statusIds] of inc.reported) {
        for (const id of statusIds) expect(byId.get(id)?.messageId).toBe(messageId);
        // 3. Per message, ascending status ids within one process (and no repeats within it).
        expect(statusIds).toEqual([...new Set(statusIds)].sort((a, b) => a - b));
      }
    }
    // The last tracker's view is complete and matches the IP.
    for (const id of ids) {
      expect(current.tracker.get(id)?.history.map((s) => s.id)).toEqual(fake.rows.filter((r) => r.messageId === id).map((r) => r.id));
    }
    // 4. Quiet cycles within the documented bound: search 1, queue 1 (+1 for the by-id check), per-id one per pending.
    const quiet = current.cycles.slice(quietFrom).filter((c) => !c.failed);
    expect(quiet.length).toBeGreaterThanOrEqual(5);
    for (const c of quiet) {
      expect(c.info.changed).toBe(false);
      const bound = strategy === 'search' ? 1 : strategy === 'queue' ? 2 : c.pending;
      expect(c.info.requests).toBeLessThanOrEqual(bound);
    }
    expect(current.tracker.pending).toHaveLength(STUCK);
    // 5. ... and it backed off to its maximum interval: a handful of cycles in 90 s, never two within a second.
    expect(current.cycles.at(-1)?.info.nextPollMs).toBe(OPTIONS.maxPollIntervalMs);
    const perCycle = strategy === 'per-id' ? STUCK : 2;
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(perCycle * 2); // a retried request counts once per attempt
    expect(fake.requests.length - requestsBefore).toBeLessThanOrEqual(Math.ceil(90_000 / 8000 + 2) * perCycle * 2);
    // The kills' temporary files were cleaned up by the next load; the queue holds nothing of ours.
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    if (strategy === 'queue') expect(fake.queue).toEqual([]);
    await current.tracker.stop();
  }, 30_000);
});
