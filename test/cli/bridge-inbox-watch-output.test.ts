/**
 * Smaller things a new user sees: the bridge's help, one time form in `inbox`, a waiting line for `receive --watch`,
 * and the bridge bin's log while the broker cannot be reached.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEPARTEMENT, KOMMUNE, type SimulatorServer, startSimulator } from 'eformidling/mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';
import { freePort } from '../connector/broker.js';
import { buildOnce, cleanEnv, NODE, ROOT, runCli, tempDir } from './helpers.js';

class FakeStream {
  readonly chunks: string[] = [];
  constructor(readonly isTTY: boolean) {}
  write(chunk: string): boolean {
    this.chunks.push(String(chunk));
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

function io(tty: boolean, env: Record<string, string | undefined>): CliIo & { stdout: FakeStream; stderr: FakeStream } {
  return { stdout: new FakeStream(tty), stderr: new FakeStream(tty), env, cwd: process.cwd() };
}

let sim: SimulatorServer;
let work: { path: string; remove(): Promise<void> };

beforeAll(async () => {
  buildOnce();
  sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  work = await tempDir('eformidling-cli-output-');
}, 300_000);

afterAll(async () => {
  await sim?.close();
  await work?.remove();
});

describe('bridge --help', () => {
  it('shows the default state file by its real name', async () => {
    const r = await runCli(['bridge', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: eformidling bridge [options]');
    expect(r.stdout).toContain('(default ./eformidling-bridge.state.json)');
    expect(r.stdout).not.toContain('eformidling bridge.state.json');
  });
});

describe('inbox', () => {
  it('prints every time in one form: local time to the second with its offset', async () => {
    const pdf = join(work.path, 'vedtak.pdf');
    await writeFile(pdf, '%PDF-1.7 vedtak\n');
    const sent = await runCli(['send', '--to', KOMMUNE, '--title', 'Vedtak', '--expires', '48h', pdf], {
      env: { IP_URL: sim.baseUrl(DEPARTEMENT) },
    });
    expect(sent.code, sent.stderr).toBe(0);
    await sim.simulator.settle();
    sim.simulator.deliverAll();
    const r = await runCli(['inbox'], { env: { IP_URL: sim.baseUrl(KOMMUNE), TZ: 'Europe/Oslo' } });
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^[0-9a-f]{8}-/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const times = row.match(/\d{4}-\d\d-\d\dT\S+/g) ?? [];
      expect(times, row).toHaveLength(2);
      for (const t of times) expect(t, row).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
    }
    const json = JSON.parse((await runCli(['inbox', '--json'], { env: { IP_URL: sim.baseUrl(KOMMUNE) } })).stdout);
    expect(json.messages[0].created).toEqual(expect.any(String)); // JSON keeps the IP's own values
  });
});

describe('receive --watch while the queue is empty', () => {
  const filter = 'process=urn:no:difi:profile:nothing:ver1.0';
  let empty: Server;
  let emptyUrl: string;
  let polls = 0;
  beforeAll(async () => {
    // An IP whose incoming queue is always empty (peek answers 204), counting the polls.
    empty = createServer((req, res) => {
      if (req.url?.startsWith('/api/messages/in/peek')) polls += 1;
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
    emptyUrl = `http://127.0.0.1:${(empty.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => empty.close(resolve)));

  it('prints one waiting line on a pipe, however many polls find nothing', async () => {
    const controller = new AbortController();
    const pipe = io(false, { IP_URL: emptyUrl, NO_COLOR: '1' });
    const running = main(
      ['receive', '--out', join(work.path, 'watch-pipe'), '--watch', '--interval', '10ms', '--filter', filter],
      pipe,
      controller.signal,
    );
    const before = polls;
    await vi.waitFor(() => expect(polls - before).toBeGreaterThanOrEqual(3), { timeout: 15_000, interval: 20 });
    controller.abort(Object.assign(new Error('interrupted'), { name: 'AbortError' }));
    expect(await running).toBe(130);
    const lines = pipe.stderr.text.split('\n').filter((l) => l.includes('waiting for messages'));
    expect(lines).toEqual(['waiting for messages (polling every 10 ms; Ctrl-C to stop)…']);
  });

  it('shows a spinner on a terminal and clears it when it stops', async () => {
    const controller = new AbortController();
    const terminal = io(true, { IP_URL: emptyUrl, NO_COLOR: '1' });
    const running = main(
      ['receive', '--out', join(work.path, 'watch-tty'), '--watch', '--interval', '1h', '--filter', filter],
      terminal,
      controller.signal,
    );
    await vi.waitFor(() => expect(terminal.stderr.text).toContain('waiting for messages'), { timeout: 15_000, interval: 20 });
    controller.abort(Object.assign(new Error('interrupted'), { name: 'AbortError' }));
    expect(await running).toBe(130);
    expect(terminal.stderr.chunks[0]).toMatch(/^\r\S waiting for messages \(polling every 1h; Ctrl-C to stop\)…$/);
    expect(terminal.stderr.text).not.toContain('\n');
    expect(terminal.stderr.text.endsWith(`\r${String.fromCharCode(0x1b)}[K`)).toBe(true);
    expect(terminal.stdout.text).toContain('interrupted');
  });
});

describe('eformidling-bridge while the broker cannot be reached', () => {
  it('logs each failed attempt with its number and delay, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(NODE, [join(ROOT, 'dist/connector/bin.js'), '--state-file', join(work.path, 'bridge.state.json')], {
      cwd: work.path,
      env: cleanEnv({ IP_URL: sim.baseUrl(DEPARTEMENT), AMQP_URL: `amqp://guest:guest@127.0.0.1:${port}/` }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const logged = () =>
      stderr
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    try {
      await vi.waitFor(
        () => expect(logged().filter((l) => l.message === 'broker unreachable; retrying').length).toBeGreaterThanOrEqual(2),
        {
          timeout: 20_000,
          interval: 50,
        },
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const retries = logged().filter((l) => l.message === 'broker unreachable; retrying');
    expect(retries[0]).toMatchObject({ level: 'warn', stage: 'connect', attempt: 1, delayMs: expect.any(Number) });
    expect(retries[1]).toMatchObject({ attempt: 2 });
    expect(String(retries[0]?.error)).toContain('ECONNREFUSED');
    expect(String(retries[0]?.error)).toContain(`127.0.0.1:${port}`);
    expect(logged().at(-1)).toMatchObject({ level: 'info', message: 'stopped' });
    expect(logged().some((l) => l.level === 'error')).toBe(false);
  });
});
