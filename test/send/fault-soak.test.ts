import { arkivmelding, IntegrasjonspunktClient, isSendError, messageIdOf, type SendError, type Upload } from 'eformidling';
import { createSimulator, DEPARTEMENT, defaultNetwork, KOMMUNE, type Simulator } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { seeded } from '../helpers/seeded.js';
import { arkivmeldingXml, PDF } from './fixtures.js';

/**
 * The fault soak: thousands of small sends, both strategies, against the simulator behind a `fetch` that fails at
 * random (seeded) on every route: 503, 429 with Retry-After, connection resets before the IP sees the request, lost
 * answers (the IP processed the request, the client sees a reset), 502s either way, and a few 500s (definite
 * failures, so that sends fail and clean up, and the cleanup DELETE meets faults too). The simulator's carrier runs
 * at random moments, so a sent message sometimes leaves the outgoing queue at once and sometimes only later.
 *
 * Each send draws its id, strategy and faults from its own seeded PRNG. The workers share one simulator, so when a
 * message leaves the outgoing queue depends on their interleaving; what is asserted holds for every interleaving.
 *
 * What must hold: no message is sent twice (the IP would transmit it twice), no send reported as done was not
 * transmitted, no failure that is not `uncertain` was transmitted, and every message left in the outgoing queue is
 * named by the SendError of its send (kept on purpose, uncertain, or a cleanup that failed).
 */

const SEED = 0x5eed_2026;
const SENDS = 2000;
const WORKERS = 8;
const RETRY = { retries: 4, minDelayMs: 1, maxDelayMs: 4, maxRetryAfterMs: 1000 };

/** A UUID (v4 shape) from the PRNG, so message ids repeat from run to run. */
function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '8';
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

type Fault = 'none' | '503' | '429' | 'reset' | 'lost' | '502-before' | '502-after' | '500';

function pick(random: () => number): Fault {
  const r = random();
  if (r < 0.04) return '503';
  if (r < 0.07) return '429';
  if (r < 0.1) return 'reset';
  if (r < 0.13) return 'lost';
  if (r < 0.14) return '502-before';
  if (r < 0.15) return '502-after';
  if (r < 0.16) return '500';
  return 'none';
}

/** The route of a request, for the statistics (`POST send` = `POST /api/messages/out/{id}`). */
function routeOf(method: string, path: string): string {
  const p = path
    .replace(/^\/api\/messages\/out\/multipart$/, '/multipart')
    .replace(/^\/api\/messages\/out\/[^/]+$/, '/out/{id}')
    .replace(/^\/api\/conversations\/messageId\/[^/]+$/, '/conversations/{id}');
  return `${method} ${p}`;
}

interface Ledger {
  /** Send requests (`POST /out/{id}`, `POST /multipart`) the IP processed with success, per messageId. */
  processedSends: Map<string, number>;
  /** Injected faults per route. */
  faults: Map<string, number>;
}

const reset = () =>
  Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
const answer = (status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ status, error: 'Service Unavailable', path: '/' }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

/** The send a worker is on: its messageId and its own PRNG (so each send's faults follow from the seed alone). */
interface Current {
  id: string;
  random: () => number;
}

/** A fetch in front of the simulator that injects one fault (or none) per request. */
function faultyFetch(sim: Simulator, ledger: Ledger, current: Current) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const random = current.random;
    const request = new Request(input, init);
    const url = new URL(request.url);
    const route = routeOf(request.method, url.pathname);
    const fault = pick(random);
    // The IP's sender runs at moments of its own: before some requests, what waits in the carrier goes out.
    if (random() < 0.6) sim.deliverAll();
    if (fault !== 'none') ledger.faults.set(route, (ledger.faults.get(route) ?? 0) + 1);
    if (fault === '503') return answer(503, random() < 0.5 ? { 'retry-after': '0' } : {});
    if (fault === '429') return answer(429, { 'retry-after': random() < 0.5 ? '0' : '0.002' });
    if (fault === 'reset') throw reset();
    if (fault === '502-before') return answer(502);
    // A definite failure the SDK does not retry (the IP failed before it did anything): the send fails and cleans up.
    if (fault === '500') return answer(500);
    const response = await sim.handle(request);
    if (response.ok && request.method === 'POST' && (route === 'POST /multipart' || route === 'POST /out/{id}')) {
      const id = current.id;
      ledger.processedSends.set(id, (ledger.processedSends.get(id) ?? 0) + 1);
    }
    if (fault === 'lost') throw reset();
    if (fault === '502-after') return answer(502);
    return response;
  };
}

function filesFor(n: number): Upload[] {
  const main = `vedtak-${n}.pdf`;
  return [
    { filename: 'arkivmelding.xml', content: arkivmeldingXml([main]), title: 'Arkivmelding' },
    { filename: main, content: PDF, title: 'Vedtak' },
  ];
}

interface Outcome {
  id: string;
  strategy: 'one-step' | 'multi-step';
  keep: boolean;
  sent: boolean;
  error: SendError | undefined;
}

/** Sends `n = w, w + WORKERS, …` one after the other, each with its own seeded PRNG. */
async function worker(sim: Simulator, w: number, ledger: Ledger, outcomes: Outcome[]): Promise<void> {
  const current: Current = { id: '', random: Math.random };
  const client = new IntegrasjonspunktClient({ baseUrl: sim.baseUrl(DEPARTEMENT), retry: RETRY, fetch: faultyFetch(sim, ledger, current) });
  for (let n = w; n < SENDS; n += WORKERS) {
    const random = seeded(SEED + n * 7919);
    const sbd = arkivmelding({ sender: DEPARTEMENT, receiver: KOMMUNE, hoveddokument: `vedtak-${n}.pdf`, messageId: uuid(random) });
    current.id = messageIdOf(sbd) as string;
    current.random = random;
    const strategy = random() < 0.5 ? 'one-step' : 'multi-step';
    const keep = random() < 0.1;
    const outcome: Outcome = { id: current.id, strategy, keep, sent: false, error: undefined };
    try {
      await client.send({ sbd, files: filesFor(n) }, { strategy, keepOnFailure: keep, outcomeTimeoutMs: 40 });
      outcome.sent = true;
    } catch (error) {
      if (!isSendError(error)) throw error;
      outcome.error = error;
    }
    outcomes.push(outcome);
  }
}

describe('fault soak (seeded)', () => {
  it(`${SENDS} sends, both strategies, random faults on every route: no duplicate, nothing lost, nothing left unnamed`, async () => {
    const sim = createSimulator(defaultNetwork());
    const ledger: Ledger = { processedSends: new Map(), faults: new Map() };
    const outcomes: Outcome[] = [];
    try {
      await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(sim, w, ledger, outcomes)));
      sim.deliverAll();

      const clean = new IntegrasjonspunktClient({
        baseUrl: sim.baseUrl(DEPARTEMENT),
        fetch: (i, init) => sim.handle(new Request(i, init)),
      });
      const left = new Set<string>();
      for await (const m of clean.outgoing.list({ pageSize: 2000 })) left.add(messageIdOf(m) as string);
      const transmitted = (id: string) => sim.statuses(DEPARTEMENT, id).some((s) => s.status === 'SENDT');

      expect(outcomes).toHaveLength(SENDS);
      expect(new Set(outcomes.map((o) => o.id)).size).toBe(SENDS);

      // 0 duplicates: no message was sent (handed to the IP's send) twice.
      const duplicates = [...ledger.processedSends].filter(([, count]) => count > 1).map(([id]) => id);
      expect(duplicates).toEqual([]);

      // 0 reported sent but not transmitted.
      expect(outcomes.filter((o) => o.sent && !transmitted(o.id)).map((o) => o.id)).toEqual([]);

      // A failure that is not uncertain was not transmitted.
      expect(outcomes.filter((o) => o.error && !o.error.uncertain && transmitted(o.id)).map((o) => o.id)).toEqual([]);

      // Every message left in the outgoing queue is named by its error: kept on purpose, uncertain, or a cleanup that
      // failed (and says so). After a refusal with cleanup, nothing is left.
      const byId = new Map(outcomes.map((o) => [o.id, o]));
      const unnamed = [...left].filter((id) => {
        const error = byId.get(id)?.error;
        return !error || !(error.kept || error.uncertain || error.message.includes('could not be deleted'));
      });
      expect(unnamed).toEqual([]);
      expect(outcomes.filter((o) => o.error?.cleanedUp && left.has(o.id)).map((o) => o.id)).toEqual([]);
      expect(outcomes.filter((o) => o.error?.kept && !o.keep).map((o) => o.id)).toEqual([]);
      // A refusal (429, 503: the IP did not process the request) is retried, never left as uncertain.
      expect(outcomes.filter((o) => o.error?.uncertain && [408, 429, 503].includes(o.error.status ?? 0)).map((o) => o.id)).toEqual([]);

      // The soak did what it says: both strategies, faults on every route, and all three kinds of ending.
      for (const route of [
        'POST /multipart',
        'POST /api/messages/out',
        'PUT /out/{id}',
        'POST /out/{id}',
        'GET /out/{id}',
        'GET /conversations/{id}',
        'DELETE /out/{id}',
      ]) {
        expect(ledger.faults.get(route) ?? 0, route).toBeGreaterThan(0);
      }
      const sent = outcomes.filter((o) => o.sent);
      expect(new Set(sent.map((o) => o.strategy))).toEqual(new Set(['one-step', 'multi-step']));
      expect(sent.length).toBeGreaterThan(SENDS * 0.8);
      expect(outcomes.some((o) => o.error?.uncertain)).toBe(true);
      expect(outcomes.some((o) => o.error?.kept)).toBe(true);
    } finally {
      await sim.close();
    }
  }, 120_000);
});
