import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFileTrackerStore, MemoryTrackerStore, RequestValidationError, type StatusUpdate, type TrackerSnapshot } from 'eformidling';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTrackerHarness } from './harness.js';

const h = useTrackerHarness();
const { track, cycles } = h;

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
