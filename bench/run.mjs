// Runs every bench/*.bench.mjs (after `npm run build`), prints one table and writes bench/results.json as
// [{ name, value, unit, baseline, ratio, iqr?, target, pass }]. Figures are ratios against a raw baseline measured in
// the same run: the two sides run in short rounds in ABBA order, `ratio` is the median of the per-pair ratios and
// `iqr` their interquartile range (bench/lib.mjs); `value` and `baseline` are each side's median. Throughput rows
// also give `cpuRatio`/`cpuIqr`: the same per CPU-second of the client process, steadier on a busy machine (targets
// are checked on `ratio`). Nothing here asserts timings in tests. Exit code 1 when a row misses its target.
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const results = [];
for (const file of files) {
  const started = performance.now();
  process.stdout.write(`running ${file} … `);
  const { default: run } = await import(new URL(file, import.meta.url));
  const rows = await run();
  for (const r of rows) results.push({ bench: file.replace('.bench.mjs', ''), ...r });
  console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
}

console.log(`\nNode ${process.version}, ${process.platform} ${process.arch}`);
console.table(
  results.map((r) => ({
    bench: r.bench,
    name: r.name,
    value: `${r.value} ${r.unit}`,
    baseline: `${r.baseline} ${r.unit}`,
    ratio: r.ratio,
    'IQR of ratio': r.iqr ? `${r.iqr[0]}–${r.iqr[1]}` : '',
    'CPU ratio (IQR)': r.cpuRatio === undefined ? '' : `${r.cpuRatio} (${r.cpuIqr[0]}–${r.cpuIqr[1]})`,
    target: r.target,
    pass: r.pass ? 'yes' : 'NO',
  })),
);
writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
const failed = results.filter((r) => !r.pass);
console.log(failed.length ? `${failed.length} of ${results.length} targets missed` : `all ${results.length} targets met`);
process.exitCode = failed.length ? 1 : 0;
