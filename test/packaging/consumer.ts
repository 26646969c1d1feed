/**
 * A consumer project in a temp folder, set up the way `npm install eformidling` would leave it, without the network:
 * node_modules/eformidling holds the built package (package.json + dist), and each of the package's `dependencies`
 * (plus the consumer's own @types/node) is a symlink into this repository's node_modules. Nothing else is there: no
 * msw, no rabbitmq-client unless a test links it, so a declaration file that needs either fails to type-check.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../cli/helpers.js';

const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

export interface PackageJson {
  name: string;
  version: string;
  engines?: Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin?: Record<string, string>;
}

export async function readPackageJson(dir = ROOT): Promise<PackageJson> {
  return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** The strictest usual consumer set-up: declaration files are checked, Node's own ESM resolution, no DOM lib. */
export const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'es2023',
    lib: ['es2023'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    types: ['node'],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
  },
};

export interface Consumer {
  readonly dir: string;
  /** Symlinks a package of this repository's node_modules into the consumer's (e.g. an optional peer). */
  link(name: string): Promise<void>;
  /** Writes `<name>.ts` and type-checks only that file; resolves with tsc's exit code and output. */
  typecheck(name: string, source: string): Promise<{ code: number; output: string }>;
  remove(): Promise<void>;
}

export async function createConsumer(): Promise<Consumer> {
  const dir = await mkdtemp(join(tmpdir(), 'eformidling-consumer-'));
  const modules = join(dir, 'node_modules');
  const pkg = await readPackageJson();
  await mkdir(join(modules, pkg.name), { recursive: true });
  await cp(join(ROOT, 'package.json'), join(modules, pkg.name, 'package.json'));
  await cp(join(ROOT, 'dist'), join(modules, pkg.name, 'dist'), { recursive: true });
  const link = async (name: string) => {
    await mkdir(dirname(join(modules, name)), { recursive: true });
    await symlink(await realpath(join(ROOT, 'node_modules', name)), join(modules, name), 'dir');
  };
  for (const name of [...Object.keys(pkg.dependencies ?? {}), '@types/node']) await link(name);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));

  return {
    dir,
    link,
    async typecheck(name, source) {
      await writeFile(join(dir, `${name}.ts`), source);
      await writeFile(join(dir, `tsconfig.${name}.json`), JSON.stringify({ extends: './tsconfig.json', files: [`${name}.ts`] }));
      return new Promise((resolve) => {
        execFile(process.execPath, [TSC, '-p', `tsconfig.${name}.json`], { cwd: dir, timeout: 150_000 }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, output: `${stdout}${stderr}`.trim() });
        });
      });
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
