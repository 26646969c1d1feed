import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEPARTEMENT, KOMMUNE, type SimulatorServer, startSimulator } from 'eformidling/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawZip } from '../asic/fixtures.js';
import { buildOnce, runCli, startCli, tempDir } from './helpers.js';

const SENDER = DEPARTEMENT; // 910077473
const RECEIVER = KOMMUNE; // 910075918
const UNKNOWN_ORG = '974760673'; // valid MOD11, not in the simulated network
const ADMINISTRASJON = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';

let server: SimulatorServer;
let work: { path: string; remove(): Promise<void> };
let pdf: string;

const asSender = () => ({ IP_URL: server.baseUrl(SENDER) });
const asReceiver = () => ({ IP_URL: server.baseUrl(RECEIVER) });

/** Sends a small arkivmelding with the CLI and returns its messageId. */
async function sendOne(title = 'Vedtak'): Promise<string> {
  const r = await runCli(['send', '--to', RECEIVER, '--title', title, pdf, '--json'], { env: asSender() });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).messageId as string;
}

beforeAll(async () => {
  buildOnce();
  server = await startSimulator({ port: 0, host: '127.0.0.1' });
  work = await tempDir('eformidling-cli-');
  pdf = join(work.path, 'vedtak.pdf');
  await writeFile(pdf, '%PDF-1.7 vedtak\n');
}, 300_000);

afterAll(async () => {
  await server?.close();
  await work?.remove();
});

describe('help and usage', () => {
  it('lists every command and the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const command of [
      'health',
      'capabilities',
      'send',
      'status',
      'statuses',
      'inbox',
      'receive',
      'subscriptions',
      'simulator',
      'bridge',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toContain('IP_URL');
  });

  it('has --help with examples for every command', async () => {
    const commands = [
      ['health'],
      ['capabilities'],
      ['send'],
      ['status'],
      ['statuses'],
      ['inbox'],
      ['receive'],
      ['subscriptions'],
      ['subscriptions', 'list'],
      ['subscriptions', 'add'],
      ['subscriptions', 'remove'],
      ['simulator'],
    ];
    const results = await Promise.all(commands.map((c) => runCli([...c, '--help'])));
    results.forEach((r, i) => {
      expect(r.code, commands[i]?.join(' ')).toBe(0);
      expect(r.stdout, commands[i]?.join(' ')).toContain('Examples:\n  $ eformidling');
    });
    const viaHelp = await runCli(['help', 'status']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toContain('LEVETID_UTLOPT (expired)');
    const nothing = await runCli([]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('Usage: eformidling');
    const bridge = await runCli(['bridge', '--help']);
    expect(bridge.code).toBe(0);
    expect(bridge.stdout).toContain('--amqp-url');
  });

  it('never shows configured secrets in --help', async () => {
    const r = await runCli(['send', '--help'], {
      env: { IP_PASSWORD: 'hunter2-secret', IP_API_KEY: 'key-abcdef', IP_API_KEY_HEADER: 'X-Key' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('hunter2-secret');
    expect(r.stdout + r.stderr).not.toContain('key-abcdef');
  });

  it('exits 2 on usage errors', async () => {
    const unknownOption = await runCli(['statuses', '--bogus'], { env: asSender() });
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("unknown option '--bogus'");

    const missingTo = await runCli(['send', pdf], { env: asSender() });
    expect(missingTo.code).toBe(2);
    expect(missingTo.stderr).toContain('--to <receiver>');

    const badChoice = await runCli(['status', 'x', '--until', 'FERDIG'], { env: asSender() });
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toContain('LEVERT, LEST');

    const badDuration = await runCli(['statuses', '--since', 'yesterday'], { env: asSender() });
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toContain("'yesterday' is not a duration");

    const unknownCommand = await runCli(['sned'], { env: asSender() });
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain('(Did you mean send?)');
  });

  it('reports usage errors as JSON on stderr with --json', async () => {
    const r = await runCli(['statuses', '--since', 'soon', '--json'], { env: asSender() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { name: 'UsageError', exitCode: 2 } });
  });
});

describe('configuration', () => {
  it('explains a missing configuration and exits 2', async () => {
    const empty = await tempDir('eformidling-cli-empty-');
    try {
      const r = await runCli(['health'], { cwd: empty.path });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('no integrasjonspunkt configured');
      expect(r.stderr).toContain('IP_URL');
      expect(r.stderr).toContain('.eformidlingrc.json');
    } finally {
      await empty.remove();
    }
  });

  it('reads ./.eformidlingrc.json, and flags win over it', async () => {
    const dir = await tempDir('eformidling-cli-rc-');
    try {
      await writeFile(join(dir.path, '.eformidlingrc.json'), JSON.stringify({ url: server.baseUrl(SENDER), timeout: '10s' }), {
        mode: 0o600,
      });
      const fromFile = await runCli(['health', '--json'], { cwd: dir.path });
      expect(fromFile.code, fromFile.stderr).toBe(0);
      expect(JSON.parse(fromFile.stdout).url).toBe(server.baseUrl(SENDER));

      const flagWins = await runCli(['health', '--json', '--url', server.baseUrl(RECEIVER)], { cwd: dir.path });
      expect(JSON.parse(flagWins.stdout).url).toBe(server.baseUrl(RECEIVER));

      await writeFile(join(dir.path, 'other.json'), JSON.stringify({ url: server.baseUrl(SENDER), pasword: 'typo' }));
      const typo = await runCli(['health', '--config', 'other.json'], { cwd: dir.path });
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain("unknown key 'pasword'");
    } finally {
      await dir.remove();
    }
  });

  it('rejects half a credential pair before sending anything', async () => {
    const r = await runCli(['health'], { env: { ...asSender(), IP_USERNAME: 'fagsystem' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no password');
  });

  it('never prints the password or API key, even on failures with --verbose and --json', async () => {
    const guarded = await startSimulator({ port: 0, basicAuth: { username: 'fagsystem', password: 'right-password-123' } });
    try {
      const env = { IP_URL: guarded.baseUrl(SENDER), IP_USERNAME: 'fagsystem', IP_PASSWORD: 'wrong-password-xyz' };
      const human = await runCli(['capabilities', RECEIVER, '--verbose'], { env });
      expect(human.code).toBe(1);
      expect(human.stderr).toContain('401');
      expect(human.stderr).toContain('IP_PASSWORD');
      const json = await runCli(['capabilities', RECEIVER, '--json'], { env });
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stderr).error.status).toBe(401);
      const inUrl = await runCli(['capabilities', RECEIVER, '--verbose'], {
        env: { IP_URL: guarded.baseUrl(SENDER).replace('http://', 'http://fagsystem:wrong-password-xyz@') },
      });
      expect(inUrl.code).toBe(1);
      for (const r of [human, json, inUrl]) {
        expect(r.stdout + r.stderr).not.toContain('wrong-password-xyz');
        expect(r.stdout + r.stderr).not.toContain(Buffer.from('fagsystem:wrong-password-xyz').toString('base64'));
      }
      const ok = await runCli(['capabilities', RECEIVER, '--json', '--username', 'fagsystem', '--password', 'right-password-123'], {
        env: { IP_URL: guarded.baseUrl(SENDER) },
      });
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).not.toContain('right-password-123');
    } finally {
      await guarded.close();
    }
  });

  it('reports an unreachable IP with exit 1', async () => {
    const r = await runCli(['health', '--timeout', '5s'], { env: { IP_URL: 'http://127.0.0.1:1/910077473' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach the IP');
  });
});

describe('health', () => {
  it('shows the health components (human and JSON)', async () => {
    const human = await runCli(['health'], { env: asSender() });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${server.baseUrl(SENDER)}  UP`);
    expect(human.stdout).toMatch(/nextMoveQueue\s+UP\s+outgoing=\d+ incoming=\d+/);
    expect(human.stdout).toContain('CLI version: eformidling ');
    expect(human.stdout).not.toContain('\u001b[');

    const json = await runCli(['health', '--json'], { env: asSender() });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ status: 'UP', url: server.baseUrl(SENDER), cli: { version: expect.any(String) } });
    expect(report.components.nextMoveQueue.details).toMatchObject({ outgoing: expect.any(Number), incoming: expect.any(Number) });
  });

  it('exits 1 when the IP reports DOWN (503)', async () => {
    server.simulator.faults.failNext({ org: SENDER, method: 'GET', path: '/manage/health', status: 503 });
    const r = await runCli(['health', '--json'], { env: asSender() });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).status).not.toBe('UP');
  });
});

describe('colours', () => {
  it('uses colours only when asked on a pipe, and never with NO_COLOR', async () => {
    const plain = await runCli(['health'], { env: asSender() });
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await runCli(['health'], { env: { ...asSender(), FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\u001b[32mUP\u001b[39m');
    const forcedError = await runCli(['statuses', '--since', 'soon'], { env: { ...asSender(), FORCE_COLOR: '1' } });
    expect(forcedError.stderr).toContain('\u001b[31merror:\u001b[39m');
    const noColor = await runCli(['health'], { env: { ...asSender(), FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain('\u001b[');
    const flag = await runCli(['health', '--no-color'], { env: { ...asSender(), FORCE_COLOR: '1' } });
    expect(flag.stdout).not.toContain('\u001b[');
  });
});

describe('capabilities', () => {
  it('lists what a receiver can take (human and JSON)', async () => {
    const human = await runCli(['capabilities', RECEIVER], { env: asSender() });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^SERVICE\s+PROCESS\s+DOCUMENT TYPES$/m);
    expect(human.stdout).toMatch(new RegExp(`^DPO\\s+${ADMINISTRASJON}\\s+arkivmelding$`, 'm'));

    const json = await runCli(['capabilities', `0192:${RECEIVER}`, '--process', ADMINISTRASJON, '--json'], { env: asSender() });
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body.known).toBe(true);
    expect(body.capabilities).toEqual([expect.objectContaining({ process: ADMINISTRASJON, serviceIdentifier: 'DPO' })]);
  });

  it('exits 1 when the receiver cannot take the process or is unknown', async () => {
    const none = await runCli(['capabilities', RECEIVER, '--process', 'urn:no:difi:profile:nothing:ver1.0'], { env: asSender() });
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('can take nothing');
    const unknown = await runCli(['capabilities', UNKNOWN_ORG, '--json'], { env: asSender() });
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ known: false, capabilities: [] });
  });

  it('exits 2 for an invalid organisation number or security level', async () => {
    const r = await runCli(['capabilities', RECEIVER, '--security-level', '7'], { env: asSender() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--security-level');
  });
});

describe('send', () => {
  it('builds an arkivmelding, sends it one-step and prints the ids (human)', async () => {
    const r = await runCli(['send', '--to', RECEIVER, '--title', 'Vedtak i byggesak & co', pdf], { env: asSender() });
    expect(r.code, r.stderr).toBe(0);
    const id = /sent arkivmelding ([0-9a-f-]{36}) to 910075918/.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    expect(r.stdout).toContain('one-step: vedtak.pdf, arkivmelding.xml');
    expect(server.simulator.statuses(SENDER, id as string).map((s) => s.status)).toContain('OPPRETTET');
  });

  it('a file too large for one-step is named by its place among the files the user gave', async () => {
    const big = join(work.path, 'stor.pdf');
    await writeFile(big, Buffer.alloc(5 * 1024 * 1024 + 1));
    const r = await runCli(['send', '--to', RECEIVER, '--title', 'Stor', '--strategy', 'one-step', big], { env: asSender() });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('files[0]');
    expect(r.stderr).not.toContain('files[1]');
  });

  it('sends multi-step with --strategy and reports it in JSON', async () => {
    const second = join(work.path, 'vedlegg.txt');
    await writeFile(second, 'vedlegg');
    const r = await runCli(
      ['send', '--to', RECEIVER, '--title', 'Med vedlegg', '--strategy', 'multi-step', '--process', ADMINISTRASJON, pdf, second, '--json'],
      { env: asSender() },
    );
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body).toMatchObject({ receiver: RECEIVER, process: ADMINISTRASJON, type: 'arkivmelding', strategy: 'multi-step' });
    expect(body.files.map((f: { filename: string }) => f.filename)).toEqual(['vedtak.pdf', 'vedlegg.txt', 'arkivmelding.xml']);
    server.simulator.deliverAll();
    const inbox = await runCli(['inbox', '--json'], { env: asReceiver() });
    expect(JSON.parse(inbox.stdout).messages.map((m: { messageId: string }) => m.messageId)).toContain(body.messageId);
  });

  it('refuses a receiver that cannot take the process (exit 1) and bad input (exit 2) before sending', async () => {
    const notCapable = await runCli(['send', '--to', RECEIVER, '--title', 'x', '--process', 'urn:no:difi:profile:nothing:ver1.0', pdf], {
      env: asSender(),
    });
    expect(notCapable.code).toBe(1);
    expect(notCapable.stderr).toContain('does not accept the process');

    const badOrg = await runCli(['send', '--to', '12345678', '--title', 'x', pdf], { env: asSender() });
    expect(badOrg.code).toBe(2);
    expect(badOrg.stderr).toContain('organisation number');

    const noTitle = await runCli(['send', '--to', RECEIVER, pdf], { env: asSender() });
    expect(noTitle.code).toBe(2);
    expect(noTitle.stderr).toContain('--title');

    const missingFile = await runCli(['send', '--to', RECEIVER, '--title', 'x', join(work.path, 'nope.pdf')], { env: asSender() });
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toContain('nope.pdf');
  });
});

describe('status, receive, inbox and statuses', () => {
  it('shows the history of a message with glossed statuses (human and JSON)', async () => {
    const id = await sendOne();
    server.simulator.deliverAll();
    const human = await runCli(['status', id], { env: asSender() });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ID\s+TIME\s+STATUS\s+DESCRIPTION$/m);
    expect(human.stdout).toContain('OPPRETTET (created)');
    expect(human.stdout).toContain('now: MOTTATT (received by the receiver’s IP)');

    const json = await runCli(['status', id, '--json'], { env: asSender() });
    const body = JSON.parse(json.stdout);
    expect(body.status).toBe('MOTTATT');
    expect(body.statuses.map((s: { status: string }) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT']);
  });

  it('exits 1 for a messageId the IP does not know', async () => {
    const r = await runCli(['status', '00000000-0000-4000-8000-000000000000'], { env: asSender() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not know this messageId');
  });

  it('lists the inbox without locking, then receives everything to disk and deletes it on the IP', async () => {
    const ids = [await sendOne('En'), await sendOne('To')];
    server.simulator.deliverAll();
    const human = await runCli(['inbox'], { env: asReceiver() });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^MESSAGE ID\s+TYPE\s+FROM\s+CREATED\s+EXPIRES\s+PROCESS$/m);
    for (const id of ids) expect(human.stdout).toContain(id);
    const listed = JSON.parse((await runCli(['inbox', '--json'], { env: asReceiver() })).stdout);
    expect(listed.count).toBeGreaterThanOrEqual(2);

    const out = join(work.path, 'inbox');
    const received = await runCli(['receive', '--out', out, '--json'], { env: asReceiver() });
    expect(received.code, received.stderr).toBe(0);
    const report = JSON.parse(received.stdout);
    expect(report.failed).toEqual([]);
    const receivedIds = report.received.map((m: { messageId: string }) => m.messageId);
    for (const id of ids) {
      expect(receivedIds).toContain(id);
      expect(
        JSON.parse(await readFile(join(out, id, 'sbd.json'), 'utf8')).standardBusinessDocumentHeader.documentIdentification
          .instanceIdentifier,
      ).toBe(id);
      expect(await readFile(join(out, id, 'files', 'vedtak.pdf'), 'utf8')).toBe('%PDF-1.7 vedtak\n');
      expect(existsSync(join(out, id, 'files', 'META-INF'))).toBe(false);
    }
    expect((await readdir(out)).filter((n) => n.startsWith('.'))).toEqual([]);
    const after = JSON.parse((await runCli(['inbox', '--json'], { env: asReceiver() })).stdout);
    expect(after.count).toBe(0);

    // The delete tells the sender: LEVERT, so waiting succeeds at once.
    server.simulator.deliverAll();
    const waited = await runCli(['status', ids[0] as string, '--wait', '--interval', '1s', '--json'], { env: asSender() });
    expect(waited.code, waited.stderr).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ messageId: ids[0], outcome: 'delivered', status: 'LEVERT' });

    const waitedHuman = await runCli(['status', ids[1] as string, '--wait', '--interval', '1s'], { env: asSender() });
    expect(waitedHuman.code).toBe(0);
    expect(waitedHuman.stdout).toContain('LEVERT (delivered)');
  });

  it('receive --once takes one message, with --all-entries and --keep-asic', async () => {
    await sendOne('A');
    await sendOne('B');
    server.simulator.deliverAll();
    const out = join(work.path, 'once');
    const r = await runCli(['receive', '--out', out, '--once', '--all-entries', '--keep-asic'], { env: asReceiver() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^received [0-9a-f-]{36} arkivmelding from 0192:910077473/m);
    expect(r.stdout).toContain('1 received, 0 failed');
    const [dir] = await readdir(out);
    expect(await readdir(join(out, dir as string, 'files'))).toEqual(expect.arrayContaining(['META-INF', 'manifest.xml', 'vedtak.pdf']));
    expect(existsSync(join(out, dir as string, 'asic.zip'))).toBe(true);
    const rest = JSON.parse((await runCli(['inbox', '--json'], { env: asReceiver() })).stdout);
    expect(rest.count).toBe(1);
    // Leave the queue empty for the next tests.
    expect((await runCli(['receive', '--out', out], { env: asReceiver() })).code).toBe(0);
  });

  it('rejects an unknown receive filter (exit 2) instead of taking someone else’s message', async () => {
    const r = await runCli(['receive', '--out', join(work.path, 'x'), '--filter', 'messageID=abc'], { env: asReceiver() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('filter.messageID');
  });

  it('searches statuses by value and time (human and JSON)', async () => {
    const json = await runCli(['statuses', '--status', 'LEVERT', '--since', '1h', '--json'], { env: asSender() });
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as Array<{ status: string; id: number }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((s) => s.status))).toEqual(new Set(['LEVERT']));
    expect(rows.map((s) => s.id)).toEqual([...rows.map((s) => s.id)].sort((a, b) => a - b));

    const human = await runCli(['statuses', '--status', 'OPPRETTET,LEVERT', '--limit', '3'], { env: asSender() });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ID\s+TIME\s+STATUS\s+MESSAGE ID\s+DESCRIPTION$/m);
    expect(human.stdout.trim().split('\n')).toHaveLength(4);
    expect(human.stderr).toContain('raise --limit');

    const none = await runCli(['statuses', '--status', 'FEIL'], { env: asSender() });
    expect(none.stdout).toContain('no statuses match');
  });
});

describe('status --wait on a failed delivery', () => {
  it('exits 3 when the message expires (LEVETID_UTLOPT)', async () => {
    const id = await sendOne('Utløper');
    server.simulator.deliverAll();
    // The receiver never picks it up; a day later the TTL job expires it.
    server.simulator.clock.advance(25 * 3_600_000);
    const json = await runCli(['status', id, '--wait', '--interval', '1s', '--wait-timeout', '1m', '--json'], { env: asSender() });
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ messageId: id, outcome: 'failed', status: 'LEVETID_UTLOPT' });

    const human = await runCli(['status', id, '--wait', '--interval', '1s'], { env: asSender() });
    expect(human.code).toBe(3);
    expect(human.stdout).toContain('LEVETID_UTLOPT (expired)');

    const expired = await runCli(['statuses', '--status', 'FEIL,LEVETID_UTLOPT', '--message', id, '--json'], { env: asSender() });
    expect(JSON.parse(expired.stdout).map((s: { status: string }) => s.status)).toEqual(['LEVETID_UTLOPT']);
    // Clear the expired messages out of the receiver's queue for the tests after this one.
    await runCli(['receive', '--out', join(work.path, 'expired')], { env: asReceiver() });
  });

  it('send --wait exits 1 when the wait times out (the message is not cancelled)', async () => {
    const r = await runCli(['send', '--to', RECEIVER, '--title', 'Venter', pdf, '--wait', '--wait-timeout', '1s', '--json'], {
      env: asSender(),
    });
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout);
    expect(body).toMatchObject({ outcome: 'timeout', sent: { receiver: RECEIVER } });
    await runCli(['receive', '--out', join(work.path, 'venter')], { env: { IP_URL: server.baseUrl(RECEIVER) } });
  });
});

/**
 * A proxy in front of the simulator that answers one message's pop with a hostile container (the simulator builds
 * only well-formed ones).
 */
async function hostileProxy(target: string, hostile: Map<string, Buffer>): Promise<{ url: string; server: Server }> {
  const upstream = new URL(target);
  const proxy = createServer((req, res) => {
    const pop = /\/api\/messages\/in\/pop\/([^/?]+)/.exec(req.url ?? '');
    const zip = pop ? hostile.get(decodeURIComponent(pop[1] as string)) : undefined;
    if (zip) {
      res.writeHead(200, { 'content-type': 'application/vnd.etsi.asic-e+zip', 'content-length': zip.length });
      res.end(zip);
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, server: proxy };
}

describe('receive with a hostile ASiC-E', () => {
  it('writes nothing outside --out, keeps nothing partial, and does not delete the message', async () => {
    const slip = await sendOne('Zip slip');
    const corrupt = await sendOne('Corrupt second entry');
    server.simulator.deliverAll();
    const hostile = new Map<string, Buffer>([
      [
        slip,
        rawZip([
          { name: 'mimetype', data: 'application/vnd.etsi.asic-e+zip' },
          { name: 'ok.pdf', data: '%PDF ok' },
          { name: '../../escaped.txt', data: 'pwned' },
          { name: '/tmp/absolute-escaped.txt', data: 'pwned' },
        ]),
      ],
      [
        corrupt,
        rawZip([
          { name: 'mimetype', data: 'application/vnd.etsi.asic-e+zip' },
          { name: 'first.pdf', data: '%PDF first' },
          { name: 'second.pdf', data: '%PDF second', crc: 0x12345678 },
        ]),
      ],
    ]);
    const proxy = await hostileProxy(server.url, hostile);
    const base = await tempDir('eformidling-cli-hostile-');
    try {
      const out = join(base.path, 'a', 'b', 'out');
      await mkdir(out, { recursive: true });
      const r = await runCli(['receive', '--out', out, '--json'], { env: { IP_URL: `${proxy.url}/${RECEIVER}` } });
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.received).toEqual([]);
      expect(report.failed.map((f: { messageId: string }) => f.messageId).sort()).toEqual([slip, corrupt].sort());
      expect(report.failed.find((f: { messageId: string }) => f.messageId === slip).error).toMatchObject({ name: 'AsicError' });
      for (const f of report.failed) expect(f.stored).toBe(false);

      // Nothing escaped, nothing was left behind.
      for (const path of [
        join(base.path, 'a', 'escaped.txt'),
        join(base.path, 'a', 'b', 'escaped.txt'),
        join(out, '..', '..', 'escaped.txt'),
      ]) {
        expect(existsSync(path)).toBe(false);
      }
      expect(existsSync('/tmp/absolute-escaped.txt')).toBe(false);
      expect(await readdir(out)).toEqual([]);
      expect(await readdir(base.path)).toEqual(['a']);

      // Not deleted: both are still queued (locked until their lock expires).
      const inbox = JSON.parse((await runCli(['inbox', '--json'], { env: asReceiver() })).stdout);
      expect(inbox.messages.map((m: { messageId: string }) => m.messageId)).toEqual(expect.arrayContaining([slip, corrupt]));

      // Human output names each failure and says the message was kept on the IP.
      server.simulator.clock.advance(6 * 60_000);
      const human = await runCli(['receive', '--out', out], { env: { IP_URL: `${proxy.url}/${RECEIVER}` } });
      expect(human.code).toBe(1);
      expect(human.stderr).toContain(`failed ${slip}`);
      expect(human.stderr).toContain('not deleted');
      expect(await readdir(out)).toEqual([]);
    } finally {
      await new Promise((resolve) => proxy.server.close(resolve));
      proxy.server.closeAllConnections();
      await base.remove();
    }
  });
});

describe('subscriptions', () => {
  it('adds, lists and removes subscriptions', async () => {
    const endpoint = 'http://127.0.0.1:1/hooks';
    const add = await runCli(
      [
        'subscriptions',
        'add',
        '--name',
        'sak-feil',
        '--endpoint',
        endpoint,
        '--filter',
        'status=FEIL,LEVETID_UTLOPT&direction=OUTGOING',
        '--json',
      ],
      { env: asSender() },
    );
    expect(add.code, add.stderr).toBe(0);
    const created = JSON.parse(add.stdout);
    expect(created).toMatchObject({ id: expect.any(Number), name: 'sak-feil', resource: 'messages', event: 'status' });

    const duplicate = await runCli(['subscriptions', 'add', '--name', 'sak-feil', '--endpoint', endpoint], { env: asSender() });
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('SubscriptionWithSameNameAndPushEndpointAlreadyExists');

    const ensured = await runCli(['subscriptions', 'add', '--name', 'sak-feil', '--endpoint', endpoint, '--ensure', '--json'], {
      env: asSender(),
    });
    expect(ensured.code, ensured.stderr).toBe(0);

    const list = await runCli(['subscriptions', 'list'], { env: asSender() });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+RESOURCE\s+EVENT\s+FILTER\s+ENDPOINT$/m);
    expect(list.stdout).toContain('sak-feil');
    const listed = JSON.parse((await runCli(['subscriptions', 'list', '--json'], { env: asSender() })).stdout);
    expect(listed).toHaveLength(1);

    const remove = await runCli(['subscriptions', 'remove', String(listed[0].id), '999999'], { env: asSender() });
    expect(remove.code).toBe(1);
    expect(remove.stdout).toContain(`removed ${listed[0].id}`);
    expect(remove.stderr).toContain('no subscription with id 999999');
    expect(JSON.parse((await runCli(['subscriptions', 'list', '--json'], { env: asSender() })).stdout)).toEqual([]);

    const usage = await runCli(['subscriptions', 'remove'], { env: asSender() });
    expect(usage.code).toBe(2);
  });
});

describe('simulator and bridge', () => {
  it('runs the simulator until SIGTERM, printing its organisations as JSON', async () => {
    const sim = await startCli(['simulator', '--port', '0', '--json']);
    try {
      const info = JSON.parse(sim.firstLine);
      const receiver = info.organisations.find((o: { id: string }) => o.id === RECEIVER);
      expect(receiver.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/910075918$/);
      const health = await runCli(['health', '--json'], { env: { IP_URL: receiver.baseUrl } });
      expect(JSON.parse(health.stdout).status).toBe('UP');
      expect(info.consoleUrl).toBe(`${info.url}/console/`);
      const network = await fetch(`${info.url}/console/api/network`);
      expect((await network.json()).root).toBe(SENDER);
    } finally {
      const stopped = await sim.stop('SIGTERM');
      expect(stopped.code).toBe(0);
    }
  });

  it('prints the console URL, and serves no console with --no-console', async () => {
    const sim = await startCli(['simulator', '--port', '0']);
    const off = await startCli(['simulator', '--port', '0', '--json', '--no-console']);
    try {
      expect(JSON.parse(off.firstLine).consoleUrl).toBeNull();
    } finally {
      await off.stop('SIGTERM');
      const stopped = await sim.stop('SIGTERM');
      expect(stopped.stdout).toMatch(/console: http:\/\/127\.0\.0\.1:\d+\/console\/ \(open it in a browser\)/);
    }
  });

  it('bridge without a broker URL is a usage error', async () => {
    const r = await runCli(['bridge'], { env: asSender() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('AMQP_URL');
  });
});
