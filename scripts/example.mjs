// `npm run example -- <name> [args…]`: runs examples/<name>.ts with the Node that npm scripts see (the project's
// pinned Node 24, which runs TypeScript directly; the machine's own Node may be too old for that). Builds the SDK
// first when dist/ is missing or older than src/, since the examples import the package by its name.
// Without a name it lists the examples, one line each.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const examplesDir = join(root, 'examples');

/** Every runnable example: `{ name, summary }`, summary = the first paragraph of the file's leading comment. */
export function listExamples() {
  return readdirSync(examplesDir)
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => ({ name: basename(file, '.ts'), summary: summaryOf(readFileSync(join(examplesDir, file), 'utf8')) }));
}

function summaryOf(source) {
  const comment = /^\/\*\*([\s\S]*?)\*\//.exec(source.trimStart())?.[1] ?? '';
  const lines = comment.split('\n').map((line) => line.replace(/^\s*\* ?/, '').trim());
  const first = lines.findIndex((line) => line !== '');
  if (first < 0) return '';
  const end = lines.indexOf('', first);
  return lines
    .slice(first, end < 0 ? undefined : end)
    .join(' ')
    .replace(/^`npm start`: (.)/, (_, c) => c.toUpperCase());
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(entry.parentPath ?? dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/** True when dist/ is missing or older than some file in src/. */
export function needsBuild() {
  const built = join(root, 'dist', 'index.js');
  return !existsSync(built) || statSync(built).mtimeMs < newestMtime(join(root, 'src'));
}

function usage(write) {
  const examples = listExamples();
  const width = Math.max(...examples.map((e) => e.name.length));
  write(
    'Usage: npm run example -- <name> [arguments]\n\nExamples (against the embedded simulator, or the integrasjonspunkt at IP_URL; rabbitmq-bridge needs AMQP_URL):\n',
  );
  for (const { name, summary } of examples) write(`  ${name.padEnd(width)}  ${summary}\n`);
}

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    // Ctrl-C reaches the child too (same process group); wait for it to stop cleanly instead of dying first.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal ? 128 + 2 : 1));
    });
  });
}

async function main(argv) {
  const [requested, ...rest] = argv;
  if (!requested || requested === '--help' || requested === '-h') {
    usage((text) => process.stdout.write(text));
    return 0;
  }
  const name = basename(requested).replace(/\.ts$/, '');
  if (!listExamples().some((e) => e.name === name)) {
    process.stderr.write(`unknown example '${requested}'\n\n`);
    usage((text) => process.stderr.write(text));
    return 2;
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    process.stderr.write(`Node ${process.version} cannot run TypeScript files; run this through npm (npm run example -- ${name}).\n`);
    return 1;
  }
  if (needsBuild()) {
    process.stderr.write('building the SDK first (npm run build) …\n');
    const code = await run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
    if (code !== 0) return code;
  }
  return run(process.execPath, [join(examplesDir, `${name}.ts`), ...rest]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
