import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, cleanEnv, ROOT } from '../cli/helpers.js';

/** `npm run example -- …` is `node scripts/example.mjs …` on the pinned Node. */
const example = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'scripts/example.mjs'), ...args],
      { cwd: ROOT, env: cleanEnv(), timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });

describe('npm run example', () => {
  it('without a name lists every example, one line each with what it shows', async () => {
    const names = (await readdir(join(ROOT, 'examples'))).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
    const result = await example([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run example -- <name> \[arguments\]/);
    const listed = result.stdout.split('\n').filter((line) => /^ {2}\S/.test(line));
    expect(listed.map((line) => line.trim().split(/\s+/)[0]).sort()).toEqual(names.sort());
    for (const line of listed) expect(line.trim().split(/\s{2,}/)[1]?.length).toBeGreaterThan(20);
    expect(listed.find((line) => line.includes('first-integration'))).toMatch(/send an arkivmelding with one PDF/);
  });

  it('refuses an unknown name with exit code 2 and the list on stderr', async () => {
    const result = await example(['send-smal']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^unknown example 'send-smal'\n/);
    expect(result.stderr).toContain('  send-small ');
  });

  describe('with a name', () => {
    beforeAll(() => buildOnce(), 240_000);

    it('runs examples/<name>.ts against the simulator (the .ts suffix is optional)', async () => {
      const result = await example(['send-small.ts']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/sent arkivmelding [0-9a-f-]{36} to 910075918 \(one-step\)/);
    });
  });
});
