import { type CycleInfo, IntegrasjonspunktClient, type StatusTracker, type StatusUpdate } from 'eformidling';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { FakeStatuses } from './fake-statuses.js';

/** Poll options that make a tracker cycle almost at once. */
export const FAST = { pollIntervalMs: 1, maxPollIntervalMs: 2 };

/**
 * Sets up, for the calling test file, an msw server serving a fresh {@link FakeStatuses} and a client without retries
 * at `http://ip.test` before each test. Trackers made with `track()` are stopped after each test.
 * `fake` and `ip` are getters: read them inside tests, not at the top of the file.
 */
export function useTrackerHarness() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  let fake: FakeStatuses;
  let ip: IntegrasjonspunktClient;
  const trackers: StatusTracker[] = [];
  beforeEach(() => {
    fake = new FakeStatuses();
    server.use(...fake.handlers());
    ip = new IntegrasjonspunktClient({ baseUrl: 'http://ip.test', retry: false });
  });
  afterEach(async () => {
    await Promise.all(trackers.splice(0).map((t) => t.stop()));
  });

  /** Starts a fast-polling tracker that is stopped after the test. */
  function track(ids: string[], options: Parameters<IntegrasjonspunktClient['track']>[1] = {}): StatusTracker {
    const tracker = ip.track(ids, { ...FAST, ...options });
    trackers.push(tracker);
    return tracker;
  }

  /** Logs status, delivered, read and failed events as short strings. */
  function record(tracker: StatusTracker): string[] {
    const log: string[] = [];
    tracker.on('status', (u) => log.push(`${u.messageId}:${u.status.status}`));
    tracker.on('delivered', (u) => log.push(`delivered:${u.messageId}`));
    tracker.on('read', (u) => log.push(`read:${u.messageId}`));
    tracker.on('failed', (u, e) => log.push(`failed:${u.messageId}:${e.status.status}`));
    return log;
  }

  /** Collects the next `n` cycle events. */
  function cycles(tracker: StatusTracker, n: number): Promise<CycleInfo[]> {
    const seen: CycleInfo[] = [];
    return new Promise((resolve) => {
      const on = (c: CycleInfo) => {
        seen.push(c);
        if (seen.length === n) {
          tracker.off('cycle', on);
          resolve(seen);
        }
      };
      tracker.on('cycle', on);
    });
  }

  /** Waits until the tracker has emitted `n` status events in total. */
  function statuses(tracker: StatusTracker, n: number): Promise<StatusUpdate[]> {
    const seen: StatusUpdate[] = [];
    return new Promise((resolve) => {
      const on = (u: StatusUpdate) => {
        seen.push(u);
        if (seen.length === n) {
          tracker.off('status', on);
          resolve(seen);
        }
      };
      tracker.on('status', on);
    });
  }

  return {
    server,
    get fake(): FakeStatuses {
      return fake;
    },
    get ip(): IntegrasjonspunktClient {
      return ip;
    },
    track,
    record,
    cycles,
    statuses,
  };
}
