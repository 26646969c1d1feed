import { getResponse } from 'msw';
import { seeded } from '../helpers/seeded.js';
import type { FakeStatuses } from './fake-statuses.js';

export interface FaultOptions {
  /** Share of status requests that get a fault. @defaultValue 0 */
  rate?: number;
  seed?: number;
  /** Delay of a slow answer, in (fake) ms. @defaultValue 1 500 */
  slowMs?: number;
}

/**
 * A `fetch` for the client that serves a {@link FakeStatuses} in process (no msw server, so it runs under fake
 * timers), answering a share of the `/api/statuses` requests with a fault: 503, 429 with `Retry-After: 1`, a reset
 * connection, or a slow answer. `kill()` makes every later request fail as a dead process's would never be sent.
 */
export function faultyFetch(fake: FakeStatuses, options: FaultOptions = {}) {
  const random = seeded(options.seed ?? 1);
  const rate = options.rate ?? 0;
  const slowMs = options.slowMs ?? 1500;
  const handlers = fake.handlers();
  const counts = { requests: 0, faults: 0, '503': 0, '429': 0, reset: 0, slow: 0 };
  let killed = false;
  const fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (killed) throw new TypeError('fetch failed', { cause: Object.assign(new Error('killed'), { code: 'ECONNREFUSED' }) });
    counts.requests += 1;
    if (new URL(request.url).pathname.startsWith('/api/statuses') && random() < rate) {
      counts.faults += 1;
      const kind = Math.floor(random() * 4);
      if (kind === 0) {
        counts['503'] += 1;
        return Response.json({ status: 503, error: 'Service Unavailable' }, { status: 503 });
      }
      if (kind === 1) {
        counts['429'] += 1;
        return Response.json({ status: 429 }, { status: 429, headers: { 'retry-after': '1' } });
      }
      if (kind === 2) {
        counts.reset += 1;
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
      }
      counts.slow += 1;
      await new Promise((resolve) => setTimeout(resolve, slowMs));
      if (killed) throw new TypeError('fetch failed', { cause: Object.assign(new Error('killed'), { code: 'ECONNRESET' }) });
    }
    return (await getResponse(handlers, request)) ?? new Response(null, { status: 404 });
  };
  return {
    fetch,
    counts,
    kill(): void {
      killed = true;
    },
    revive(): void {
      killed = false;
    },
  };
}
