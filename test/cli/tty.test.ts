/**
 * Terminal-only behaviour (progress bars, colours, table width) needs a TTY, which a child process on a pipe does not
 * have: these tests run the CLI's `main()` in process with streams that say they are a terminal.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEPARTEMENT, KOMMUNE, type SimulatorServer, startSimulator } from 'eformidling/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';
import { tempDir } from './helpers.js';

class FakeStream {
  readonly chunks: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 100,
  ) {}
  write(chunk: string): boolean {
    this.chunks.push(String(chunk));
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

function io(tty: boolean, env: Record<string, string | undefined>, columns = 100): CliIo & { stdout: FakeStream; stderr: FakeStream } {
  return { stdout: new FakeStream(tty, columns), stderr: new FakeStream(tty, columns), env, cwd: process.cwd() };
}

let server: SimulatorServer;
let work: { path: string; remove(): Promise<void> };
let big: string;

beforeAll(async () => {
  server = await startSimulator({ port: 0 });
  work = await tempDir('eformidling-cli-tty-');
  big = join(work.path, 'stor.pdf');
  await writeFile(big, Buffer.alloc(2 * 1024 * 1024, 7));
});

afterAll(async () => {
  await server?.close();
  await work?.remove();
});

describe('on a terminal', () => {
  it('shows a progress bar on stderr for a large send, and none on a pipe or with --json', async () => {
    const env = { IP_URL: server.baseUrl(DEPARTEMENT) };
    const terminal = io(true, env);
    const code = await main(['send', '--to', KOMMUNE, '--title', 'Stor fil', '--strategy', 'multi-step', big], terminal);
    expect(code, terminal.stderr.text).toBe(0);
    expect(terminal.stderr.text).toMatch(/\d+% \| [\d.]+ (B|KiB|MiB) \/ 2\.0 MiB \| /);
    expect(terminal.stdout.text).toContain('\u001b[32msent\u001b[39m arkivmelding');

    const pipe = io(false, env);
    expect(await main(['send', '--to', KOMMUNE, '--title', 'Stor fil', big], pipe)).toBe(0);
    expect(pipe.stderr.text).not.toContain('%');

    const json = io(true, env);
    expect(await main(['send', '--to', KOMMUNE, '--title', 'Stor fil', big, '--json'], json)).toBe(0);
    expect(json.stderr.text).toBe('');
    expect(JSON.parse(json.stdout.text).strategy).toBe('one-step');
  });

  it('colours statuses on a terminal unless NO_COLOR is set', async () => {
    const coloured = io(true, { IP_URL: server.baseUrl(DEPARTEMENT) });
    expect(await main(['statuses', '--status', 'OPPRETTET'], coloured)).toBe(0);
    expect(coloured.stdout.text).toContain('\u001b[1mID');

    const plain = io(true, { IP_URL: server.baseUrl(DEPARTEMENT), NO_COLOR: '1' });
    expect(await main(['statuses', '--status', 'OPPRETTET'], plain)).toBe(0);
    expect(plain.stdout.text).not.toContain('\u001b[');
    expect(plain.stdout.text).toContain('OPPRETTET (created)');
  });

  it('cuts the flexible column to the terminal width', async () => {
    const narrow = io(true, { IP_URL: server.baseUrl(DEPARTEMENT), NO_COLOR: '1' }, 90);
    expect(await main(['capabilities', KOMMUNE], narrow)).toBe(0);
    const lines = narrow.stdout.text.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(90);
    expect(lines.find((l) => l.includes('urn:no:difi:profile:arkivmelding:response:ver1.0'))).toMatch(/ arkivmelding_?…$/);
  });

  it('stops a receive --watch loop cleanly on Ctrl-C (abort)', async () => {
    const controller = new AbortController();
    const terminal = io(true, { IP_URL: server.baseUrl(KOMMUNE), NO_COLOR: '1' });
    const filter = 'process=urn:no:difi:profile:nothing:ver1.0';
    const running = main(
      ['receive', '--out', join(work.path, 'watch'), '--watch', '--interval', '1h', '--filter', filter],
      terminal,
      controller.signal,
    );
    // Whether the abort lands in the peek or in the pause between polls, the loop ends the same way.
    setTimeout(() => controller.abort(Object.assign(new Error('interrupted'), { name: 'AbortError' })), 200);
    expect(await running).toBe(130);
    expect(terminal.stdout.text).toContain('interrupted');
  });
});
