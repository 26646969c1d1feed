// Shared helpers for the benchmarks: a bench row, interleaved rounds, RSS sampling.

/** One result row as written to bench/results.json. */
export function row({ name, value, unit, baseline, target, higherIsBetter = true }) {
  const ratio = higherIsBetter ? value / baseline : baseline / value;
  return {
    name,
    value: round(value),
    unit,
    baseline: round(baseline),
    ratio: round(ratio, 3),
    target,
    pass: ratio >= target,
  };
}

export function round(x, digits = 2) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Runs two workloads in alternating rounds (so machine noise hits both alike) and returns the best round's rate of
 * each in operations per second. Noise here only ever slows a round down (other processes, a noisy VM neighbour),
 * so the fastest round is the steadiest estimate of what each side costs. `work(n)` performs n operations.
 */
export async function compareRates({ sdk, raw, perRound = 200, rounds = 25, warmup = 500 }) {
  await raw(warmup);
  await sdk(warmup);
  const rates = { sdk: [], raw: [] };
  for (let i = 0; i < rounds; i++) {
    for (const [key, fn] of i % 2
      ? [
          ['sdk', sdk],
          ['raw', raw],
        ]
      : [
          ['raw', raw],
          ['sdk', sdk],
        ]) {
      const t0 = performance.now();
      await fn(perRound);
      rates[key].push(perRound / ((performance.now() - t0) / 1000));
    }
  }
  return { sdk: Math.max(...rates.sdk), raw: Math.max(...rates.raw) };
}

/** Samples RSS every `everyMs` while `fn` runs; returns the peak growth over the RSS before it started, in MiB. */
export async function peakRssGrowth(fn, everyMs = 20) {
  globalThis.gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { growthMiB: (peak - before) / 1024 / 1024, result };
  } finally {
    clearInterval(timer);
  }
}

export const isMain = (url) => url === `file://${process.argv[1]}`;

/**
 * Starts `script` (a bench server module) in a child process so the client under test has a core to itself as far
 * as the machine allows; resolves with its base URL once it prints `listening <port>`.
 */
export async function startChildServer(script, args = []) {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { base: `http://127.0.0.1:${port}`, close: () => child.kill() };
}
