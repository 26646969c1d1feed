import { RequestValidationError, type StatusUpdate, TrackerStoppedError } from 'eformidling';
import { describe, expect, it } from 'vitest';
import { useTrackerHarness } from './harness.js';

const h = useTrackerHarness();
const { track } = h;

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
