import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, ROOT } from '../cli/helpers.js';
import { readPackageJson } from './consumer.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs npm or npx the way a developer's shell does, with the project's pinned Node first on PATH. */
function npm(command: 'npm' | 'npx', args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}`,
    ...options.env,
  };
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key]; // no settings from the npm running us
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('npm pack on a fresh clone (no dist/ yet)', () => {
  let dir: string;
  let packed: Run;

  beforeAll(async () => {
    // What a fresh clone has: sources and configuration, no dist/. node_modules is this repository's.
    dir = await mkdtemp(join(tmpdir(), 'eformidling-clone-'));
    const clone = join(dir, 'clone');
    for (const path of [
      'package.json',
      'package-lock.json',
      '.npmrc',
      'tsconfig.json',
      'tsconfig.build.json',
      'scripts',
      'src',
      'README.md',
      'CHANGELOG.md',
    ]) {
      await cp(join(ROOT, path), join(clone, path), { recursive: true });
    }
    await symlink(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    await writeFile(join(clone, '.gitignore'), 'node_modules/\ndist/\n');
    packed = await npm('npm', ['pack', '--json', '--pack-destination', dir], { cwd: clone });
  }, 240_000);
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it('builds first, so the tarball holds every entry point, its declarations and the bins', async () => {
    expect(packed.code, packed.stderr).toBe(0);
    const [result] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const files = result.files.map((f) => f.path);
    const pkg = await readPackageJson();
    const expected = ['package.json', 'README.md', 'CHANGELOG.md', ...Object.values(pkg.bin ?? {})];
    for (const entry of ['index', 'mock/index', 'connector/index']) expected.push(`dist/${entry}.js`, `dist/${entry}.d.ts`);
    expect(files).toEqual(expect.arrayContaining(expected));
    expect(files.filter((f) => !f.startsWith('dist/')).sort()).toEqual(['CHANGELOG.md', 'README.md', 'package.json']);
    expect(await readdir(dir)).toContain(result.filename);
  });
});

describe('npx eformidling inside the repository', () => {
  // npm checks `engines` against the Node it runs on. The machine's Node may be 20 while the tools run on the
  // pinned Node 24; npx installs this very package into its cache, and would warn about it. Emulate a Node 20 npm
  // with a preload that changes process.version, and use a fresh npx cache so the install really happens.
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    buildOnce();
    dir = await mkdtemp(join(tmpdir(), 'eformidling-npx-'));
    const preload = join(dir, 'node20.cjs');
    await writeFile(preload, "Object.defineProperty(process, 'version', { value: 'v20.19.0' });\n");
    env = { NODE_OPTIONS: `--require ${preload}` };
  }, 240_000);
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it('prints no EBADENGINE warnings, only the CLI output', async () => {
    const run = await npm('npx', ['--cache', join(dir, 'cache-a'), '--offline', 'eformidling', '--version'], { cwd: ROOT, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe((await readPackageJson()).version);
    expect(run.stderr).not.toMatch(/EBADENGINE/);
  }, 180_000);

  it('still has the engine check: at the warn log level the same run shows it (as users of the package see it)', async () => {
    const run = await npm('npx', ['--cache', join(dir, 'cache-b'), '--offline', '--loglevel=warn', 'eformidling', '--version'], {
      cwd: ROOT,
      env,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/EBADENGINE.*\n.*package: 'eformidling@/);
    expect((await readPackageJson()).engines).toEqual({ node: '>=22' });
  }, 180_000);
});
