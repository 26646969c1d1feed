// Shared helpers for the benchmarks: a bench row, fair A/B comparison (ABBA pairs, median ratio with IQR), RSS sampling.

/**
 * One result row as written to bench/results.json. `value` and `baseline` are the medians of each side; `ratio` is
 * the median of the per-pair ratios when the row comes from {@link compareRates} / {@link abba} (pass `ratio` and
 * `iqr`), else value / baseline. `iqr` is [q1, q3] of the per-pair ratios: how much the ratio moved between pairs.
 * `cpu` (from {@link compareRates}) is the same for operations per CPU-second of this process: it leaves out the time
 * the process waited for a core, so on a busy machine it is the steadier figure of what each side costs.
 */
export function row({ name, value, unit, baseline, target, higherIsBetter = true, ratio, iqr, cpu }) {
  const r = ratio ?? (higherIsBetter ? value / baseline : baseline / value);
  return {
    name,
    value: round(value),
    unit,
    baseline: round(baseline),
    ratio: round(r, 3),
    ...(iqr ? { iqr: iqr.map((x) => round(x, 3)) } : {}),
    ...(cpu ? { cpuRatio: round(cpu.ratio, 3), cpuIqr: cpu.iqr.map((x) => round(x, 3)) } : {}),
    target,
    pass: r >= target,
  };
}

/** A row from a {@link compareRates} / {@link abba} result (rates: higher is better). */
export function ratioRow({ name, unit, target, result }) {
  return row({ name, unit, target, value: result.sdk, baseline: result.raw, ratio: result.ratio, iqr: result.iqr, cpu: result.cpu });
}

export function round(x, digits = 2) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function median(values) {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile (q in [0, 1]). */
export function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/**
 * Fair A/B comparison of two measurements taken in ABBA order: each pair runs raw, sdk, sdk, raw (every other pair
 * sdk, raw, raw, sdk), so a drift in machine speed (another process starting, CPU frequency, GC pressure building up)
 * hits both sides alike to first order. `measure(kind)` runs once and returns a rate (higher is better). The answer
 * is the median of the per-pair ratios sdk/raw with its interquartile range, and the median rate of each side.
 */
export async function abba({ sdk, raw, pairs }) {
  const ratios = [];
  const cpuRatios = [];
  const rates = { sdk: [], raw: [] };
  const fns = { sdk, raw };
  // Harmonic pairing: the mean time of the two runs of each side, turned back into a rate.
  const pairRate = (xs) => xs.length / xs.reduce((sum, x) => sum + 1 / x, 0);
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 ? ['sdk', 'raw', 'raw', 'sdk'] : ['raw', 'sdk', 'sdk', 'raw'];
    const got = { sdk: [], raw: [] };
    for (const kind of order) got[kind].push(await fns[kind]());
    // A measurement is a rate, or { rate, cpuRate } (operations per CPU-second too).
    const rate = (kind) => pairRate(got[kind].map((x) => (typeof x === 'number' ? x : x.rate)));
    const s = rate('sdk');
    const r = rate('raw');
    rates.sdk.push(s);
    rates.raw.push(r);
    ratios.push(s / r);
    if (typeof got.sdk[0] === 'object') {
      const cpu = (kind) => pairRate(got[kind].map((x) => x.cpuRate));
      cpuRatios.push(cpu('sdk') / cpu('raw'));
    }
  }
  return {
    sdk: median(rates.sdk),
    raw: median(rates.raw),
    ratio: median(ratios),
    iqr: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
    ...(cpuRatios.length ? { cpu: { ratio: median(cpuRatios), iqr: [quantile(cpuRatios, 0.25), quantile(cpuRatios, 0.75)] } } : {}),
    pairs,
  };
}

/**
 * Rounds for sequential small calls: many short rounds (10 requests each) rather than a few long ones. A drift in
 * machine speed then hits both sides within milliseconds of each other. On the 2-core VM these figures come from, a
 * raw-fetch-vs-the-same-raw-fetch control measured 0.95-1.06 with rounds of 300 requests and 0.996-0.999 with
 * these (the `noise floor` row of bench/capabilities.bench.mjs shows it in every run).
 */
export const SHORT_ROUNDS = { perRound: 10, pairs: 1500, warmup: 500 };

/**
 * Fair comparison of two throughput workloads: many short rounds in ABBA order (see {@link abba}), each round
 * `perRound` operations; `work(n)` performs n operations. Rates are operations per second.
 */
export async function compareRates({ sdk, raw, perRound = 300, pairs = 30, warmup = 500 }) {
  await raw(warmup);
  await sdk(warmup);
  const timed = (fn) => async () => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn(perRound);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    return { rate: perRound / seconds, cpuRate: perRound / ((cpu.user + cpu.system) / 1e6) };
  };
  return abba({ sdk: timed(sdk), raw: timed(raw), pairs });
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
