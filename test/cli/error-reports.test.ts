/**
 * Errors that name the real cause, and output that is safe for a terminal: the CLI (built, run as a child process)
 * against servers that are not an IP, that echo credentials, or that send control characters.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEPARTEMENT, KOMMUNE, type SimulatorServer, startSimulator } from 'eformidling/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, runCli, tempDir } from './helpers.js';

const ESC = String.fromCharCode(0x1b);
const BEL = String.fromCharCode(0x07);
const CSI = String.fromCharCode(0x9b); // the one-byte (C1) form of ESC [
const HOSTILE = `${ESC}]0;pwned${BEL}${ESC}[2J${ESC}[31mred\rover\nLEVERT ${CSI}2J${String.fromCharCode(0x7f)}\u202egnp.exe`;
const ECHOED_BASIC = Buffer.from('fagsystem:wrong-password-xyz').toString('base64');

let sim: SimulatorServer;
let work: { path: string; remove(): Promise<void> };
let pdf: string;
let web: Server;
let webUrl: string;

/** A web server that is not an IP: HTML 404 pages for every path (with a terminal escape in the page, too). */
function handleWeb(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  if (url.startsWith('/echo/')) {
    // An "IP" behind a gateway that echoes the credentials it was sent.
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        timestamp: '2026-08-20T09:31:02.25+02:00',
        status: 401,
        error: 'Unauthorized',
        message: `Bad credentials for Basic ${ECHOED_BASIC} (and Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl)`,
        path: url,
      }),
    );
    return;
  }
  if (url.startsWith('/hostile/api/statuses/')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        content: [{ id: 1, lastUpdate: '2026-08-20T09:31:02.25+02:00', status: 'FEIL', description: HOSTILE }],
        last: true,
        number: 0,
      }),
    );
    return;
  }
  if (url.startsWith('/hostile/')) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 400, error: 'Bad Request', exception: 'x.MessageNotFoundException', message: HOSTILE, path: url }));
    return;
  }
  res.writeHead(404, { 'content-type': 'text/html' });
  res.end(`<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>${ESC}]0;pwned${BEL}</body></html>`);
}

beforeAll(async () => {
  buildOnce();
  sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  work = await tempDir('eformidling-cli-cause-');
  pdf = join(work.path, 'vedtak.pdf');
  await writeFile(pdf, '%PDF-1.7 vedtak\n');
  web = createServer(handleWeb);
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
}, 300_000);

afterAll(async () => {
  await sim?.close();
  await work?.remove();
  await new Promise((resolve) => web?.close(resolve));
});

describe('a URL that is not an integrasjonspunkt', () => {
  it('says so for every command, names the URL and its source, and never prints the HTML', async () => {
    const commands = [
      ['health'],
      ['inbox'],
      ['statuses'],
      ['status', '5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90'],
      ['capabilities', KOMMUNE],
      ['send', '--to', KOMMUNE, '--title', 'Vedtak', pdf],
    ];
    const results = await Promise.all(commands.map((c) => runCli(c, { env: { IP_URL: `${webUrl}/` } })));
    results.forEach((r, i) => {
      const what = commands[i]?.join(' ');
      expect(r.code, what).toBe(1);
      expect(r.stderr, what).toContain(`this is not an integrasjonspunkt API at ${webUrl}/`);
      expect(r.stderr, what).toContain('from IP_URL');
      expect(r.stdout + r.stderr, what).not.toContain('<html');
      expect(r.stdout + r.stderr, what).not.toContain('not known to the service registry');
      expect(r.stdout + r.stderr, what).not.toContain(ESC);
    });
    const json = await runCli(['capabilities', KOMMUNE, '--json'], { env: { IP_URL: webUrl } });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr).error).toMatchObject({ name: 'NotAnIntegrasjonspunktError', url: `${webUrl}/` });
  });

  it('still reports an unknown receiver as unknown when the URL is an IP', async () => {
    const r = await runCli(['capabilities', '974760673'], { env: { IP_URL: sim.baseUrl(DEPARTEMENT) } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('974760673 is not known to the service registry');
  });
});

describe('health', () => {
  it('checks an authenticated endpoint: a wrong password is not UP, exits 1 and gives the 401 hint', async () => {
    const guarded = await startSimulator({ port: 0, basicAuth: { username: 'fagsystem', password: 'right-password-123' } });
    try {
      const env = { IP_URL: guarded.baseUrl(DEPARTEMENT), IP_USERNAME: 'fagsystem' };
      const wrong = await runCli(['health'], { env: { ...env, IP_PASSWORD: 'wrong-password-xyz' } });
      expect(wrong.code).toBe(1);
      expect(wrong.stdout).toContain('API access:  FAILED (401)');
      expect(wrong.stderr).toContain('401');
      expect(wrong.stderr).toContain('check IP_USERNAME / IP_PASSWORD');
      const json = await runCli(['health', '--json'], { env: { ...env, IP_PASSWORD: 'wrong-password-xyz' } });
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout).api).toMatchObject({ ok: false, status: 401 });
      expect(JSON.parse(json.stderr).error.status).toBe(401);

      const right = await runCli(['health'], { env: { ...env, IP_PASSWORD: 'right-password-123' } });
      expect(right.code, right.stderr).toBe(0);
      expect(right.stdout).toContain('API access:  OK');
    } finally {
      await guarded.close();
    }
  });
});

describe('credentials and control characters in what the IP says', () => {
  it('redacts Basic and Bearer credentials a server echoes, in plain, --json and --verbose output', async () => {
    const env = { IP_URL: `${webUrl}/echo`, IP_USERNAME: 'fagsystem', IP_PASSWORD: 'wrong-password-xyz' };
    const runs = await Promise.all([
      runCli(['capabilities', KOMMUNE], { env }),
      runCli(['capabilities', KOMMUNE, '--json'], { env }),
      runCli(['capabilities', KOMMUNE, '--verbose'], { env }),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(1);
      const all = r.stdout + r.stderr;
      expect(all).toContain('Bad credentials for Basic ***');
      expect(all).toContain('Bearer ***');
      expect(all).not.toContain(ECHOED_BASIC.slice(0, 8));
      expect(all).not.toContain('eyJhbGciOi');
    }
    expect(JSON.parse(runs[1]?.stderr ?? '').error.status).toBe(401);
  });

  it('escapes control characters in IP error messages and status descriptions, keeping its own layout', async () => {
    const env = { IP_URL: `${webUrl}/hostile` };
    const error = await runCli(['capabilities', KOMMUNE], { env });
    expect(error.code).toBe(1);
    expect(error.stderr).not.toContain(ESC);
    expect(error.stderr).not.toContain(BEL);
    expect(error.stderr).not.toContain('\r');
    expect(error.stderr).toContain('\\x1b]0;pwned\\x07');
    expect(error.stderr).toContain('over\\nLEVERT');
    expect(error.stderr.split('\n').filter((l) => l.startsWith('LEVERT'))).toEqual([]);

    const status = await runCli(['status', '5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90'], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).not.toContain(ESC);
    expect(status.stdout).toContain('\\x1b[2J');
    expect(status.stdout.split('\n').length).toBeGreaterThan(1); // the CLI's own lines stay lines

    expect(status.stdout).not.toContain(CSI);
    expect(status.stdout).toContain('\\u009b2J\\u007f\\u202egnp.exe');

    const json = await runCli(['status', '5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90', '--json'], { env });
    expect(json.stdout).not.toContain(ESC);
    expect(json.stdout).not.toContain(CSI);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain('pwned'); // still valid JSON with the text kept
  });
});

describe('a config file in the working folder', () => {
  it('warns when ./.eformidlingrc.json names the URL and the credentials come from elsewhere', async () => {
    const dir = await tempDir('eformidling-cli-rc-');
    try {
      await writeFile(join(dir.path, '.eformidlingrc.json'), JSON.stringify({ url: sim.baseUrl(DEPARTEMENT) }));
      const creds = { IP_USERNAME: 'fagsystem', IP_PASSWORD: 'pw-from-env-123' };
      const warned = await runCli(['health'], { cwd: dir.path, env: creds });
      expect(warned.stderr).toContain('warning:');
      expect(warned.stderr).toContain(`comes from ${join(dir.path, '.eformidlingrc.json')} in the working folder`);
      expect(warned.stderr).toContain('IP_PASSWORD');
      expect(warned.stderr).not.toContain('pw-from-env-123');

      const noCredentials = await runCli(['health'], { cwd: dir.path });
      expect(noCredentials.stderr).not.toContain('in the working folder');
      const urlGiven = await runCli(['health', '--url', sim.baseUrl(DEPARTEMENT)], { cwd: dir.path, env: creds });
      expect(urlGiven.stderr).not.toContain('in the working folder');
      await writeFile(
        join(dir.path, '.eformidlingrc.json'),
        JSON.stringify({ url: sim.baseUrl(DEPARTEMENT), username: 'fagsystem', password: 'pw-in-file-123' }),
        { mode: 0o600 },
      );
      const allInFile = await runCli(['health'], { cwd: dir.path });
      expect(allInFile.stderr).not.toContain('in the working folder');
    } finally {
      await dir.remove();
    }
  });
});

describe('--verbose', () => {
  const requestLine = (path: string, outcome: string) => new RegExp(`^GET ${path} → ${outcome} \\d+ ms$`, 'm');

  it('prints one clean request line per request on stderr, and the same stdout as without it', async () => {
    const env = { IP_URL: sim.baseUrl(DEPARTEMENT) };
    const [plain, verbose] = await Promise.all([
      runCli(['capabilities', KOMMUNE], { env }),
      runCli(['capabilities', KOMMUNE, '--verbose'], { env }),
    ]);
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stdout).toBe(plain.stdout);
    expect(verbose.stderr).toMatch(requestLine(`/api/capabilities/${KOMMUNE}`, '200'));
    expect(verbose.stderr).not.toContain('{"attempt"');
    expect(verbose.stderr).not.toContain('[debug]');
    expect(verbose.stderr).not.toMatch(/^→/m);
    expect(plain.stderr).not.toContain('/api/capabilities');
  });

  it('shows a failed attempt, the retry warning and the retried request', async () => {
    sim.simulator.faults.failNext({ org: DEPARTEMENT, method: 'GET', path: '/api/capabilities/{id}', status: 503, retryAfter: '0' });
    const r = await runCli(['capabilities', KOMMUNE, '--verbose'], { env: { IP_URL: sim.baseUrl(DEPARTEMENT) } });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    const failed = lines.findIndex((l) => requestLine(`/api/capabilities/${KOMMUNE}`, '503').test(l));
    const warned = lines.findIndex((l) => l.startsWith('[warn] ') && l.includes('retrying'));
    const retried = lines.findIndex((l) => new RegExp(`^GET /api/capabilities/${KOMMUNE} → 200 \\d+ ms \\(retry 1\\)$`).test(l));
    expect(
      [failed, warned, retried].every((i) => i >= 0),
      r.stderr,
    ).toBe(true);
    expect(failed).toBeLessThan(warned);
    expect(warned).toBeLessThan(retried);
  });

  it('names a request that got no answer, and prints no credential from the URL or the environment', async () => {
    const r = await runCli(['capabilities', KOMMUNE, '--verbose', '--timeout', '5s'], {
      env: { IP_URL: 'http://fagsystem:url-secret-123@127.0.0.1:1/910077473', IP_PASSWORD: 'env-secret-456' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^GET /api/capabilities/${KOMMUNE} → ConnectionError \\d+ ms`, 'm'));
    expect(r.stdout + r.stderr).not.toContain('url-secret-123');
    expect(r.stdout + r.stderr).not.toContain('env-secret-456');
  });
});
