import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arkivmelding, IntegrasjonspunktClient, isConnectionError, PROCESSES } from 'eformidling';
import { DEPARTEMENT, defaultNetwork, KOMMUNE, type NetworkConfig, startSimulator } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { main as einnsynInnsynskrav } from '../../examples/einnsyn-innsynskrav.js';
import { main as firstIntegration } from '../../examples/first-integration.js';
import { StepError, main as start } from '../../examples/main.js';
import { main as observability } from '../../examples/observability.js';
import { main as pinoExample } from '../../examples/pino-logger.js';
import { main as receiveLoop } from '../../examples/receive-loop.js';
import { main as sakArkivRoundtrip } from '../../examples/sak-arkiv-roundtrip.js';
import { main as sendLarge } from '../../examples/send-large.js';
import { main as sendSmall } from '../../examples/send-small.js';
import { arkivmeldingXml, pdf } from '../../examples/support/content.js';
import { main as trackStatuses } from '../../examples/track-statuses.js';
import { main as webhooks } from '../../examples/webhooks.js';
import { createTestPki } from '../helpers/tls.js';

/** Every example against its own simulator: `env: {}` so an IP_URL in the developer's shell is never used. */
const quiet = { env: {}, log: () => {} };
const DELIVERED = ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('npm start (examples/main.ts)', () => {
  it('runs the whole reference flow: one-step and multi-step sends, verified receipt, LEVERT, kvittering, LEST', async () => {
    const lines: string[] = [];
    const result = await start({ largeFileBytes: 6 * 1024 * 1024, log: (line) => lines.push(line) });

    expect(result.small.strategy).toBe('one-step');
    expect(result.large.strategy).toBe('multi-step');
    for (const message of [result.small, result.large]) {
      expect(message.messageId).toMatch(UUID);
      expect(message.statuses).toEqual([...DELIVERED, 'LEST']);
      expect(message.kvittering).toBe('OK');
    }
    expect([...result.small.verifiedDocuments].sort()).toEqual(['arkivmelding.xml', 'vedtak.pdf']);
    expect([...result.large.verifiedDocuments].sort()).toEqual(['arkivmelding.xml', 'søknad.pdf', 'tegninger.pdf']);
    // A few progress lines for the large file, ending at 100 %.
    expect(result.progressLines).toBeGreaterThanOrEqual(1);
    expect(result.progressLines).toBeLessThanOrEqual(4);
    expect(lines.filter((l) => l.includes('upload')).at(-1)).toMatch(/100% \(6\.0 MiB of 6\.0 MiB\)/);
    // One line per step, each with the time since the start; wire values as the IP sends them.
    expect(lines.every((l) => /^\[\s*\d+\.\d{3}s\] /.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('capabilities of 910075918'))).toBe(true);
    // Without --keep the simulator stops at the end, so the console line says how to keep it.
    expect(lines.find((l) => l.includes(' console http'))).toMatch(/\(npm start -- --keep keeps it up after the run\)$/);
    expect(lines.filter((l) => / LEVERT$/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => / LEST$/.test(l))).toHaveLength(2);
    expect(result.timeline).toHaveLength(lines.length);
  });

  it('prints the console URL and, with keep, leaves the simulator up for it until keep settles', async () => {
    const lines: string[] = [];
    let seen: { key: string; status: string }[] = [];
    let url = '';
    await start({
      largeFileBytes: 1024,
      log: (line) => lines.push(line),
      keep: async (server) => {
        url = server.url;
        const answer = await fetch(`${server.url}/console/api/messages?direction=out&participant=${DEPARTEMENT}`);
        seen = (await answer.json()).messages;
      },
    });
    expect(lines.some((l) => l.includes(`console ${url}/console/`))).toBe(true);
    expect(seen.filter((m) => m.status === 'LEST')).toHaveLength(2);
    await expect(fetch(`${url}/console/api/clock`)).rejects.toThrow();
  });

  it('names the failing step when the receiver cannot take arkivmelding', async () => {
    // A network where the kommune accepts only eInnsyn messages.
    const network: NetworkConfig = defaultNetwork();
    for (const p of network.participants) {
      if (p.id === KOMMUNE) p.accepts = p.accepts.filter((a) => a.service === 'DPE');
    }
    const error = await start({ largeFileBytes: 1024, log: () => {}, simulator: { network } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as StepError).step).toBe('capabilities');
    expect((error as StepError).message).toMatch(/^step "capabilities" failed: .*does not accept arkivmelding/);
  });

  it('fails the waiting step, instead of hanging, when the archive cannot download a message', async () => {
    const error = await start({
      largeFileBytes: 6 * 1024 * 1024,
      log: () => {},
      stepTimeoutMs: 15_000,
      onStarted: (server) => {
        server.simulator.faults.failNext({ org: KOMMUNE, method: 'GET', path: '/api/messages/in/pop/*', status: 403, times: 50 });
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as StepError).step).toBe('arkiv takes both messages');
    expect((error as StepError).message).toMatch(/arkiv could not take .* \(pop\)/);
  });

  it('stops at once when its signal is aborted', async () => {
    const error = await start({ log: () => {}, signal: AbortSignal.abort(new Error('interrupted (Ctrl-C)')) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as StepError).message).toBe('step "capabilities" failed: Error: interrupted (Ctrl-C)');
  });
});

describe('examples against the simulator', () => {
  it('first-integration: one PDF sent, the receiver takes it, LEVERT, then LEST after the kvittering', async () => {
    const lines: string[] = [];
    const result = await firstIntegration({ env: {}, log: (line) => lines.push(line) });
    expect(result.messageId).toMatch(UUID);
    expect(result.mainDocument).toBe('vedtak.pdf');
    expect(result.delivered).toEqual(DELIVERED);
    expect(result.read).toEqual([...DELIVERED, 'LEST']);
    // The receiver took the message before the sender saw LEVERT: the order the README explains.
    const took = lines.findIndex((l) => l.includes('arkiv: took arkivmelding'));
    const levert = lines.findIndex((l) => l.endsWith('→ LEVERT'));
    expect(took).toBeGreaterThan(-1);
    expect(levert).toBeGreaterThan(took);
    expect(lines.at(-1)).toMatch(/sak: LEST$/);
  });

  it('send-small: one-step, and the IP has registered the message', async () => {
    const result = await sendSmall(quiet);
    expect(result.strategy).toBe('one-step');
    expect(result.messageId).toMatch(UUID);
    expect(result.conversationId).toMatch(UUID);
    expect(result.statuses[0]).toBe('OPPRETTET');
    expect(DELIVERED).toEqual(expect.arrayContaining(result.statuses));
  });

  it('send-large: multi-step from a temp file, with a few progress lines up to 100 %', async () => {
    const result = await sendLarge({ ...quiet, sizeBytes: 6 * 1024 * 1024 });
    expect(result.strategy).toBe('multi-step');
    expect(result.bytes).toBe(6 * 1024 * 1024);
    expect(result.progress.at(-1)).toBe(100);
    expect(result.progress.length).toBeLessThanOrEqual(5);
    expect(result.progress).toEqual([...result.progress].sort((a, b) => a - b));
    expect(result.statuses[0]).toBe('OPPRETTET');
  });

  it('send-large: sends a file given by path and leaves it in place', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eformidling-example-test-'));
    try {
      const path = join(dir, 'plan.pdf');
      await writeFile(path, Buffer.alloc(5 * 1024 * 1024 + 1, 7));
      const result = await sendLarge({ ...quiet, path });
      expect(result.strategy).toBe('multi-step'); // one byte over the 5 MiB one-step limit
      expect(result.bytes).toBe(5 * 1024 * 1024 + 1);
      expect(await readdir(dir)).toEqual(['plan.pdf']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('track-statuses: per-id, search and queue each follow their message to LEVERT', async () => {
    const result = await trackStatuses(quiet);
    expect(Object.keys(result).sort()).toEqual(['per-id', 'queue', 'search']);
    const ids = new Set(Object.values(result).map((m) => m?.messageId));
    expect(ids.size).toBe(3);
    for (const tracked of Object.values(result)) expect(tracked?.statuses).toEqual(DELIVERED);
    expect(result.search?.cycles).toBeGreaterThan(0);
    expect(result.queue?.cycles).toBeGreaterThan(0);
  });

  it('receive-loop: files the good messages and dead-letters the poison one after two attempts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eformidling-example-test-'));
    try {
      const result = await receiveLoop({ ...quiet, dir });
      expect(result.handled).toHaveLength(2);
      expect(result.deadLettered).toHaveLength(1);
      const poison = result.deadLettered[0];
      expect(result.handled.map((m) => m.messageId)).not.toContain(poison?.messageId);
      expect(poison?.files).toEqual(['asic.zip', 'failure.json', 'sbd.json']);
      for (const message of result.handled) expect(message.files).toEqual(expect.arrayContaining(['arkivmelding.xml']));
      expect(result.report).toMatchObject({ handled: 2, deadLettered: 1, deleted: 3, stoppedBy: 'stop' });
      expect(result.report.failures.filter((f) => f.stage === 'handler')).toHaveLength(2);
      // The given folder keeps what was received, the dead letter and the processed-id store.
      expect((await readdir(dir)).sort()).toEqual(['dead-letters', 'inbox', 'processed.json']);
      expect((await readdir(join(dir, 'inbox'))).sort()).toEqual(result.handled.map((m) => m.messageId).sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('webhooks: the IP pings, posts each status, and the tracker sees LEVERT without polling on its own', async () => {
    const result = await webhooks(quiet);
    expect(result.pinged).toBe(true);
    expect(result.webhookStatuses).toContain('LEVERT');
    expect(result.statuses).toEqual(DELIVERED);
    // One cycle at start, then only those the webhook triggered (its own interval is a minute).
    expect(result.trackerCycles).toBeLessThanOrEqual(result.webhookStatuses.length + 1);
  });

  it('observability: prints the send and receive span trees and the metrics, from a real OpenTelemetry SDK in memory', async () => {
    const lines: string[] = [];
    const result = await observability({ env: {}, log: (l) => lines.push(l) });
    const names = (tree: string[]) => tree.map((l) => l.replace(/ {2}\d+\.\d ms.*$/, ''));
    expect(names(result.sendTree)).toEqual([
      'eformidling.send',
      '  GET /api/capabilities/{receiverIdentifier}',
      '  POST /api/messages/out/multipart',
    ]);
    expect(names(result.receiveTree)).toEqual([
      'eformidling.receive.message',
      '  GET /api/messages/in/pop/{messageId}',
      '  archive.file',
      '  DELETE /api/messages/in/{messageId}',
    ]);
    expect(result.sendTree[0]).toMatch(new RegExp(`message_id=${result.messageId.slice(0, 8)} strategy=one-step file_count=2`));
    expect(result.receiveTree[0]).toMatch(/outcome=ok .*events: peek, handler\.start, handler\.end/);
    expect(result.metrics.get('eformidling.messages.sent {service=DPO, message_type=arkivmelding, send.strategy=one-step}')).toBe(1);
    expect(result.metrics.get('eformidling.messages.received {message_type=arkivmelding}')).toBe(1);
    expect([...result.metrics.keys()].filter((k) => k.startsWith('eformidling.tracker.lag')).length).toBe(4);
    // What it printed: both trees and every metric.
    for (const l of [...result.sendTree, ...result.receiveTree]) expect(lines).toContain(`  ${l}`);
    for (const [name, value] of result.metrics) expect(lines.some((l) => l.startsWith(`  ${name} = ${value}`))).toBe(true);
  });

  it('pino-logger: the SDK logs through pino, with the trace and span ids of the workflow each line belongs to', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const { messageId } = await pinoExample({ env: {}, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const line = (pattern: RegExp) => lines.find((l) => pattern.test(String(l.msg)));
    const capabilities = line(/^GET \/api\/capabilities\/\S+ → 200/);
    const multipart = line(/^POST \/api\/messages\/out\/multipart → 200/);
    const archived = line(/^archived$/);
    const pop = line(new RegExp(`^GET /api/messages/in/pop/${messageId} → 200`));
    expect(capabilities?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(capabilities?.span_id).toMatch(/^[0-9a-f]{16}$/);
    // One send, one trace; the receive is a trace of its own, the handler's line and the download in it.
    expect(multipart?.trace_id).toBe(capabilities?.trace_id);
    expect(archived).toMatchObject({ level: 30, messageId, type: 'arkivmelding', trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(archived?.trace_id).not.toBe(capabilities?.trace_id);
    expect(pop?.trace_id).toBe(archived?.trace_id);
    // Outside any span (the application's own line after the send, an empty poll): no ids.
    expect(line(/^sent$/)).not.toHaveProperty('trace_id');
    expect(lines.filter((l) => String(l.msg).startsWith('GET /api/messages/in/peek')).every((l) => l.trace_id === undefined)).toBe(true);
  });

  it('sak-arkiv-roundtrip: arkivmelding out, arkivmelding_kvittering back, LEST', async () => {
    const result = await sakArkivRoundtrip(quiet);
    expect(result.archivedTitle).toBe('Tilskudd til kulturformål – vedtak');
    expect(result.statuses).toEqual([...DELIVERED, 'LEST']);
    expect(result.kvittering).toMatchObject({ receiptType: 'OK', relatedToMessageId: result.messageId });
    expect(result.kvittering.messageId).not.toBe(result.messageId);
  });

  it('einnsyn-innsynskrav: reads the order and answers eInnsyn with an einnsyn_kvittering', async () => {
    const result = await einnsynInnsynskrav(quiet);
    expect(result.answered).toHaveLength(1);
    expect(result.answered[0]).toMatchObject({ epost: 'ola.nordmann@example.com', journalposter: ['2025/117-3', '2025/121-1'] });
    expect(result.receivedByEinnsyn).toMatchObject({ status: 'mottatt', referanseType: 'innsynskrav' });
  });
});

describe('examples against a "real" IP (IP_URL)', () => {
  it('send-small uses IP_URL, IP_USERNAME/IP_PASSWORD and IP_CA', async () => {
    const pki = createTestPki();
    const dir = await mkdtemp(join(tmpdir(), 'eformidling-example-test-'));
    const server = await startSimulator({
      port: 0,
      tls: { key: pki.serverKey, cert: pki.serverCert },
      basicAuth: { username: 'fagsystem', password: 'hemmelig' },
    });
    try {
      const ca = join(dir, 'ca.pem');
      await writeFile(ca, pki.ca);
      const env = {
        IP_URL: server.baseUrl(DEPARTEMENT),
        IP_USERNAME: 'fagsystem',
        IP_PASSWORD: 'hemmelig',
        IP_CA: ca,
        IP_RECEIVER: KOMMUNE,
      };
      expect(env.IP_URL).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
      const result = await sendSmall({ env, log: () => {} });
      expect(result.strategy).toBe('one-step');
      await server.simulator.settle();
      expect(server.simulator.queues(KOMMUNE).incoming).toBe(1);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('receive-loop drains the queue at IP_URL and stops when it is empty', async () => {
    const server = await startSimulator({ port: 0 });
    const dir = await mkdtemp(join(tmpdir(), 'eformidling-example-test-'));
    try {
      const sender = new IntegrasjonspunktClient({ baseUrl: server.baseUrl(DEPARTEMENT) });
      for (const tittel of ['En', 'To']) {
        const files = [
          { filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel, files: ['brev.pdf'] }) },
          { filename: 'brev.pdf', content: pdf(tittel) },
        ];
        await sender.sendTo(KOMMUNE, arkivmelding({ hoveddokument: 'brev.pdf' }), files);
      }
      await server.simulator.settle();
      const result = await receiveLoop({ env: { IP_URL: server.baseUrl(KOMMUNE) }, dir, log: () => {} });
      expect(result.handled).toHaveLength(2);
      expect(result.deadLettered).toEqual([]);
      expect(result.report.stoppedBy).toBe('idle');
      expect(server.simulator.queues(KOMMUNE).incoming).toBe(0);
      // The receive-only example never sends, so no IP_RECEIVER is needed; and nothing is left but what it filed.
      expect((await readdir(dir)).sort()).toEqual(['inbox', 'processed.json']);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a sending example says what is missing when IP_RECEIVER is not set', async () => {
    await expect(sendSmall({ env: { IP_URL: 'http://127.0.0.1:9' }, log: () => {} })).rejects.toThrow(/set IP_RECEIVER/);
  });

  it('an unreachable IP_URL surfaces as a connection error', async () => {
    const error = await sendSmall({ env: { IP_URL: 'http://127.0.0.1:9', IP_RECEIVER: KOMMUNE }, log: () => {} }).catch((e: unknown) => e);
    expect(isConnectionError(error)).toBe(true);
  });

  it('the demo content is what the IP accepts: arkivmelding.xml names exactly the documents', () => {
    const xml = arkivmeldingXml({ tittel: 'A & B <test>', files: ['a.pdf', 'b.pdf'] });
    expect([...xml.matchAll(/<referanseDokumentfil>([^<]+)<\/referanseDokumentfil>/g)].map((m) => m[1])).toEqual(['a.pdf', 'b.pdf']);
    expect(xml).toContain('<offentligTittel>A &amp; B &lt;test&gt;</offentligTittel>');
    expect(PROCESSES.arkivmelding.administrasjon).toContain('arkivmelding');
    expect(pdf('x').subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
  });
});
