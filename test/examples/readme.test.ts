import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, cleanEnv, ROOT } from '../cli/helpers.js';
import { type CodeBlock, codeBlocks, documentationBlocks, fileNameOf } from './markdown.js';

/** The documentation whose TypeScript blocks must be complete programs. */
const DOCS = ['README.md', 'examples/README.md'];
const blocks = documentationBlocks(ROOT, DOCS);
const checked = blocks.filter((b) => !b.flags.has('no-check'));
const runnable = blocks.filter((b) => b.flags.has('run'));

/** What a runnable block must print, by the heading it sits under (besides exiting with 0). */
const EXPECTED_OUTPUT: Record<string, RegExp[]> = {
  '## Quick start': [/^capabilities of 910075918: DPO urn:no:difi:profile:arkivmelding:administrasjon:ver1\.0$/m],
  '## Your first integration': [
    /^sent [0-9a-f-]{36}$/m,
    /^arkiv took arkivmelding, main document vedtak\.pdf$/m,
    /OPPRETTET → SENDT → MOTTATT → LEVERT$/m,
    /^LEST$/m,
  ],
};

const run = (file: string, args: string[], cwd: string, timeout: number) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(file, args, { cwd, env: cleanEnv(), timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });

describe('the Markdown extraction', () => {
  it('finds ts and typescript blocks, their flags and heading, in indented fences too, and nothing else', () => {
    const markdown = [
      '# Title',
      '```ts',
      "import { x } from 'y';",
      '```',
      '## Part',
      '```sh',
      'npm test',
      '```',
      '- item:',
      '  ```typescript run',
      '  const a = 1;',
      '  ```',
      '```ts no-check',
      'a.b();',
      '```',
    ].join('\n');
    const found = codeBlocks('X.md', markdown);
    expect(found.map((b) => [b.line, b.heading, [...b.flags], b.code])).toEqual([
      [2, '# Title', [], "import { x } from 'y';\n"],
      [10, '## Part', ['run'], 'const a = 1;\n'],
      [13, '## Part', ['no-check'], 'a.b();\n'],
    ]);
  });

  it('finds the quick start and the walkthrough among the blocks it runs', () => {
    const headings = runnable.map((b) => b.heading);
    for (const heading of Object.keys(EXPECTED_OUTPUT)) expect(headings).toContain(heading);
  });
});

describe('every TypeScript block of README.md and examples/README.md', () => {
  // Written inside the repository, so `eformidling` resolves through tsconfig.json's paths (type-check) and through
  // the package's own name to dist/ (run), exactly as in the examples.
  let dir: string;
  const errors = new Map<string, string[]>();
  let tscOutput = '';

  beforeAll(async () => {
    await mkdir(join(ROOT, '.tmp'), { recursive: true });
    dir = await mkdtemp(join(ROOT, '.tmp', 'readme-'));
    for (const block of blocks) await writeFile(join(dir, fileNameOf(block)), block.code);
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        // Snippets may name a value only to show it; everything else is as strict as the SDK's own code.
        compilerOptions: { noUnusedLocals: false, noUnusedParameters: false, noEmit: true },
        files: checked.map(fileNameOf),
        include: [],
      }),
    );
    const tsc = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir, 200_000);
    tscOutput = `${tsc.stdout}${tsc.stderr}`;
    for (const line of tscOutput.split('\n')) {
      const match = /^(.+?\.ts)\((\d+),(\d+)\): (error .*)$/.exec(line.trim());
      if (!match) continue;
      const block = checked.find((b) => fileNameOf(b) === match[1]);
      const key = block?.name ?? match[1] ?? '?';
      const where = block ? `${block.doc}:${block.line + Number(match[2])}` : `${match[1]}:${match[2]}`;
      errors.set(key, [...(errors.get(key) ?? []), `${where}: ${match[4]}`]);
    }
  }, 240_000);
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it('has at least the quick start, the API overview and the walkthrough', () => {
    expect(checked.length).toBeGreaterThanOrEqual(4);
  });

  it('type-checks nothing but the blocks (no error outside them)', () => {
    const outside = [...errors.keys()].filter((key) => !checked.some((b) => b.name === key));
    expect(outside, tscOutput).toEqual([]);
  });

  it.each(checked.map((b) => [b.name, b] as [string, CodeBlock]))('%s type-checks as a complete program', (_, block) => {
    expect(errors.get(block.name) ?? []).toEqual([]);
  });

  describe('runs against the simulator', () => {
    beforeAll(() => buildOnce(), 240_000);

    it.each(runnable.map((b) => [b.name, b] as [string, CodeBlock]))(
      '%s',
      async (_, block) => {
        const result = await run(process.execPath, [join(dir, fileNameOf(block))], ROOT, 90_000);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        for (const pattern of EXPECTED_OUTPUT[block.heading] ?? []) expect(result.stdout).toMatch(pattern);
      },
      120_000,
    );
  });
});
