// Small calls: capabilities lookups through the SDK vs a raw fetch loop against the same local server (target >= 0.9x).
// The server runs in a child process; both clients run here in short rounds of 10 requests in ABBA order, and each row
// reports the median of the per-pair ratios with its IQR (bench/lib.mjs SHORT_ROUNDS). A control row compares the raw
// loop with itself: how far from 1.0 the method itself strays in this run.
import { fileURLToPath } from 'node:url';
import { IntegrasjonspunktClient } from '../dist/index.js';
import { compareRates, isMain, ratioRow, SHORT_ROUNDS, startChildServer } from './lib.mjs';

export default async function run() {
  const server = await startChildServer(fileURLToPath(new URL('capabilities-server.mjs', import.meta.url)));
  const base = server.base;
  const url = `${base}/api/capabilities/910075918`;
  const ip = new IntegrasjonspunktClient({ baseUrl: base, userAgent: 'bench/1.0' });
  const ipAuth = ip.withOptions({ auth: { type: 'basic', username: 'u', password: 'p' } });
  const authorization = `Basic ${Buffer.from('u:p').toString('base64')}`;
  try {
    const rawLoop = async (n) => {
      for (let i = 0; i < n; i++) {
        const res = await fetch(url, { headers: { 'user-agent': 'bench/1.0' } });
        if (!res.ok) throw new Error(String(res.status));
        await res.json();
      }
    };
    const plain = await compareRates({
      raw: rawLoop,
      sdk: async (n) => {
        for (let i = 0; i < n; i++) await ip.capabilities.get('910075918');
      },
      ...SHORT_ROUNDS,
    });
    // The same raw loop on both sides (a second function object, so the harness cannot tell them apart).
    const control = await compareRates({ raw: rawLoop, sdk: (n) => rawLoop(n), ...SHORT_ROUNDS, pairs: 500 });
    const withAuth = await compareRates({
      raw: async (n) => {
        for (let i = 0; i < n; i++) {
          const res = await fetch(url, { headers: { 'user-agent': 'bench/1.0', authorization } });
          if (!res.ok) throw new Error(String(res.status));
          await res.json();
        }
      },
      sdk: async (n) => {
        for (let i = 0; i < n; i++) await ipAuth.capabilities.get('910075918');
      },
      ...SHORT_ROUNDS,
    });
    // What a per-request timeout costs raw fetch: the same loop with an AbortController signal and a timer, as the SDK
    // needs for its per-attempt timeout (fetch registers a listener, a WeakRef and a finalizer for each signal).
    const rawTimed = async (n) => {
      for (let i = 0; i < n; i++) {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 30_000);
        const res = await fetch(url, { headers: { 'user-agent': 'bench/1.0' }, signal: controller.signal });
        if (!res.ok) throw new Error(String(res.status));
        await res.json();
        clearTimeout(timer);
      }
    };
    const timed = await compareRates({
      raw: async (n) => {
        for (let i = 0; i < n; i++) {
          const res = await fetch(url, { headers: { 'user-agent': 'bench/1.0' } });
          if (!res.ok) throw new Error(String(res.status));
          await res.json();
        }
      },
      sdk: rawTimed,
      ...SHORT_ROUNDS,
      pairs: 500,
    });
    // The rest of the gap: the SDK against a raw loop that pays for the same timeout signal.
    const beyondTimeout = await compareRates({
      raw: rawTimed,
      sdk: async (n) => {
        for (let i = 0; i < n; i++) await ip.capabilities.get('910075918');
      },
      ...SHORT_ROUNDS,
      pairs: 500,
    });
    return [
      ratioRow({ name: 'small calls: capabilities.get, sequential', result: plain, unit: 'req/s', target: 0.9 }),
      ratioRow({ name: '(info) noise floor: the raw fetch loop vs itself', result: control, unit: 'req/s', target: 0 }),
      ratioRow({
        name: '(info) raw fetch with a per-request timeout signal vs raw fetch without',
        result: timed,
        unit: 'req/s',
        target: 0,
      }),
      ratioRow({ name: 'small calls: capabilities.get, Basic auth', result: withAuth, unit: 'req/s', target: 0.9 }),
      ratioRow({
        name: '(info) capabilities.get vs raw fetch with the same per-request timeout signal',
        result: beyondTimeout,
        unit: 'req/s',
        target: 0,
      }),
    ];
  } finally {
    server.close();
  }
}

if (isMain(import.meta.url)) console.table(await run());
