// Status tracking with 10 000 pending messages: requests per cycle and time to notice a change, per strategy.
// A small fake IP (statuses endpoints only, as `MessageStatusController` serves them) runs on 127.0.0.1 in this process. Request counts are
// exact; times are one cycle's wall clock after tracker.notify() and are noisy. Targets: search and queue need at
// most ceil(N / pageSize) + 1 requests per cycle (N = 10 000, pageSize 2000 → 6) and notice a change no later
// than per-id does. The queue's burst row is informational: the queue API returns one status per peek and needs a
// DELETE for each, so a burst of N changes costs about 2N + 1 requests whatever the client does (the peek of the next
// status goes out with the DELETE of the previous one, so it takes about N round trips); the queue strategy reads at
// most `queueBatchSize` statuses per cycle, so its burst row sums the cycles until the queue is drained.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { IntegrasjonspunktClient } from '../dist/index.js';
import { row } from './lib.mjs';

const N = 10_000;
const PAGE_SIZE = 2000;
const BOUND = Math.ceil(N / PAGE_SIZE) + 1;

class FakeIp {
  rows = [];
  byMessage = new Map();
  queue = [];
  queueEnabled = false;
  nextId = 1;
  now = Date.parse('2026-08-20T09:00:00+02:00');
  requests = 0;

  add(messageId, status) {
    const row = {
      id: this.nextId++,
      lastUpdate: new Date(this.now).toISOString(),
      status,
      convId: 1,
      messageId,
      conversationId: `c-${messageId}`,
    };
    this.rows.push(row);
    const list = this.byMessage.get(messageId) ?? [];
    if (list.length === 0) this.byMessage.set(messageId, list);
    list.push(row);
    if (this.queueEnabled) this.queue.push(row);
  }

  handle(req, res) {
    this.requests += 1;
    const url = new URL(req.url, 'http://x');
    const send = (status, body) => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (url.pathname === '/api/statuses/peek') return this.queue.length ? send(200, this.queue[0]) : send(204);
    const m = /^\/api\/statuses\/(.+)$/.exec(url.pathname);
    if (req.method === 'DELETE' && m) {
      const i = this.queue.findIndex((r) => r.id === Number(m[1]));
      if (i < 0) return send(404);
      this.queue.splice(i, 1);
      return send(200);
    }
    if (m) return send(200, page(this.byMessage.get(decodeURIComponent(m[1])) ?? [], url));
    let rows = this.rows;
    const from = url.searchParams.get('fromDateTime');
    const to = url.searchParams.get('toDateTime');
    if (from && to) {
      const f = Date.parse(from);
      const t = Date.parse(to);
      rows = rows.filter((r) => {
        const at = Date.parse(r.lastUpdate);
        return at >= f && at <= t;
      });
    }
    if (url.searchParams.get('sort') === 'id,desc') rows = [...rows].reverse();
    return send(200, page(rows, url));
  }
}

function page(rows, url) {
  const size = Number(url.searchParams.get('size') ?? 10);
  const number = Number(url.searchParams.get('page') ?? 0);
  const content = rows.slice(number * size, number * size + size);
  const totalPages = Math.ceil(rows.length / size);
  return { content, last: number >= totalPages - 1, number, size, totalElements: rows.length, totalPages };
}

/** Resolves with the next `cycle` event's info and the ms it took after `trigger()`. */
async function measureCycle(tracker, trigger) {
  const done = new Promise((resolve) => tracker.once('cycle', resolve));
  const t0 = performance.now();
  trigger();
  const info = await done;
  return { requests: info.requests, ms: performance.now() - t0, changed: info.changed };
}

/** Like measureCycle, summing the requests of the cycles that follow at once (a queue cycle cut at its bound). */
async function measureCycles(tracker, trigger) {
  let requests = 0;
  const done = new Promise((resolve) => {
    const on = (info) => {
      requests += info.requests;
      if (info.nextPollMs > 0) {
        tracker.off('cycle', on);
        resolve(info);
      }
    };
    tracker.on('cycle', on);
  });
  const t0 = performance.now();
  trigger();
  const info = await done;
  return { requests, ms: performance.now() - t0, changed: info.changed };
}

async function runStrategy(strategy) {
  const ip0 = new FakeIp();
  const server = createServer((req, res) => ip0.handle(req, res));
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${server.address().port}`;
  const ids = Array.from({ length: N }, (_, i) => `msg-${i}`);
  for (const id of ids) ip0.add(id, 'OPPRETTET');
  for (const id of ids) ip0.add(id, 'SENDT');
  ip0.queueEnabled = strategy === 'queue';
  const ip = new IntegrasjonspunktClient({ baseUrl: base, retry: false });
  const tracker = ip.track(ids, {
    strategy,
    pageSize: PAGE_SIZE,
    concurrency: 16,
    since: new Date(ip0.now - 1000),
    backfill: strategy === 'per-id',
    pollIntervalMs: 3_600_000, // cycles only when notified, so each one can be measured alone
    until: 'LEST',
  });
  try {
    // Setup: the first cycle reads the existing OPPRETTET/SENDT (per-id and search) or finds the queue empty.
    await new Promise((resolve) => tracker.once('cycle', resolve));
    ip0.now += 10_000;
    const quiet = await measureCycle(tracker, () => tracker.notify());
    ip0.now += 10_000;
    const one = await measureCycle(tracker, () => {
      ip0.add(ids[N / 2], 'MOTTATT');
      tracker.notify();
    });
    if (tracker.get(ids[N / 2]).history.length < 3 && strategy !== 'queue') throw new Error(`${strategy}: change missed`);
    ip0.now += 10_000;
    const burst = await measureCycles(tracker, () => {
      for (const id of ids) ip0.add(id, 'LEVERT');
      tracker.notify();
    });
    const delivered = ids.filter((id) => tracker.get(id).state === 'delivered').length;
    if (delivered !== N) throw new Error(`${strategy}: ${delivered} of ${N} delivered after the burst`);
    return { quiet, one, burst };
  } finally {
    await tracker.stop();
    server.closeAllConnections();
    server.close();
  }
}

export default async function run() {
  const perId = await runStrategy('per-id');
  const search = await runStrategy('search');
  const queue = await runStrategy('queue');
  const requests = (name, value, target = 1) => row({ name, value, baseline: BOUND, unit: 'req/cycle', target, higherIsBetter: false });
  return [
    requests(`per-id, quiet cycle, ${N} pending (baseline: the bound)`, perId.quiet.requests, 0),
    requests(`search, quiet cycle, ${N} pending`, search.quiet.requests),
    requests(`queue, quiet cycle, ${N} pending`, queue.quiet.requests),
    requests(`search, cycle with 1 change, ${N} pending`, search.one.requests),
    requests(`queue, cycle with 1 change, ${N} pending`, queue.one.requests),
    requests(`search, cycle with ${N} changes`, search.burst.requests),
    requests(`(info) per-id, cycle with ${N} changes`, perId.burst.requests, 0),
    requests(`(info) queue, cycle with ${N} changes (2 requests per status by API design)`, queue.burst.requests, 0),
    row({
      name: `search vs per-id: requests per quiet cycle, ${N} pending`,
      value: search.quiet.requests,
      baseline: perId.quiet.requests,
      unit: 'req/cycle',
      target: 1,
      higherIsBetter: false,
    }),
    row({
      name: `search: time to notice 1 change among ${N} (baseline per-id)`,
      value: search.one.ms,
      baseline: perId.one.ms,
      unit: 'ms',
      target: 1,
      higherIsBetter: false,
    }),
    row({
      name: `queue: time to notice 1 change among ${N} (baseline per-id)`,
      value: queue.one.ms,
      baseline: perId.one.ms,
      unit: 'ms',
      target: 1,
      higherIsBetter: false,
    }),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
