import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'dist/cli/bin.js');
/** The project's pinned Node (the machine's may be older). */
export const NODE = join(ROOT, 'node_modules/.bin/node');

/** Builds the package once per test file (serialised with the other helpers' builds). */
export function buildOnce(): void {
  execFileSync('flock', ['/tmp/build.lock', 'npm', 'run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe', timeout: 240_000 });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment the CLI runs with: nothing from the test runner's IP_* or colour settings leaks in. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/** Runs the built bin as a child process and collects its output and exit code. */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      NODE,
      [BIN, ...args],
      { cwd: options.cwd ?? ROOT, env: cleanEnv(options.env), timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Starts a long-running command (e.g. `simulator`) and resolves with its first stdout line. */
export function startCli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined> } = {},
): Promise<{ firstLine: string; stop(signal?: NodeJS.Signals): Promise<CliResult> }> {
  const child = spawn(NODE, [BIN, ...args], { cwd: ROOT, env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      const before = stdout;
      stdout += c.toString();
      if (!before.includes('\n') && stdout.includes('\n')) {
        resolve({
          firstLine: stdout.slice(0, stdout.indexOf('\n')),
          async stop(signal = 'SIGTERM') {
            child.kill(signal);
            const code = await exited;
            return { code, stdout, stderr };
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`exited with ${code} before printing a line: ${stderr}`)));
  });
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
