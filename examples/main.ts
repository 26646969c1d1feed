/**
 * `npm start`: the reference integration, end to end, against the SDK's simulator.
 *
 *   npm start                      # builds, then: node examples/main.ts
 *   npm start -- --keep            # the same, then keeps the simulator (and its console) running until Ctrl-C
 *   npm run example -- main        # the same; LARGE_FILE_MB=200 npm start for a bigger file
 *
 * Two organisations exchange arkivmeldinger through their integrasjonspunkter (IPs), both simulated on a free
 * loopback port: Testdepartementet (910077473, the case-handling system "sak") sends, Eksempel kommune (910075918,
 * the archive "arkiv") receives.
 *
 *  1. sak asks for the capabilities of the kommune (may it receive arkivmelding over DPO?);
 *  2. sak sends a small arkivmelding (arkivmelding.xml + a PDF) one-step (one multipart request);
 *  3. sak sends a large one (a 50 MiB PDF written to a temp file) multi-step: create → upload streamed from
 *     disk with progress → send;
 *  4. arkiv's receive loop takes both (peek → pop → handler → delete) and checks every document's size and SHA-256
 *     against what was sent;
 *  5. sak's status tracker sees both reach LEVERT (OPPRETTET → SENDT → MOTTATT → LEVERT);
 *  6. arkiv sends an arkivmelding_kvittering for each; sak's own receive loop takes them and the originals reach
 *     LEST.
 *
 * Prints one line per step with the time since the start, exits 0 when every step succeeded and 1 with the failing
 * step otherwise. Temp files, loops and the simulator are cleaned up either way. The simulator's console (a browser
 * page to watch and steer the network, docs/console-api.md) is at the URL printed first; with `--keep` the
 * simulator stays up after the last step so the run can be looked at there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  arkivmelding,
  arkivmeldingKvittering,
  chooseStrategy,
  fromPath,
  IntegrasjonspunktClient,
  messageIdOf,
  PROCESSES,
  type ReceivedMessage,
  type Upload,
} from 'eformidling';
import { DEPARTEMENT, KOMMUNE, type SimulatorServer, type StartSimulatorOptions, startSimulator } from 'eformidling/mock';
import { arkivmeldingXml, type FileFingerprint, fingerprint, pdf, verifyDocuments, writeLargeFile } from './support/content.ts';
import { describeError, formatBytes, type LogFn, shortId, timeline } from './support/timeline.ts';

/** Options of {@link main}. */
export interface MainOptions {
  /** Size of the large attachment in bytes. @defaultValue 50 MiB (or `LARGE_FILE_MB` when run directly) */
  largeFileBytes?: number;
  /** Where the timeline goes. @defaultValue console.log */
  log?: LogFn;
  /** Longest wait for any one step that waits on the network (delivery, LEVERT, LEST). @defaultValue 20 000 */
  stepTimeoutMs?: number;
  /** Settings for the simulator, e.g. another `network`. */
  simulator?: Omit<StartSimulatorOptions, 'port' | 'host'>;
  /** Called once the simulator runs, before the first step: e.g. `server.simulator.faults.failNext(…)`. */
  onStarted?: (server: SimulatorServer) => void;
  /** Stops the run (Ctrl-C when run directly): the current step fails, and everything is cleaned up. */
  signal?: AbortSignal;
  /**
   * Called when every step succeeded, after the loops stopped and before the simulator closes: the simulator stays
   * up until the promise settles (`npm start -- --keep` waits for Ctrl-C here).
   */
  keep?: (server: SimulatorServer) => Promise<void>;
}

/** What one message went through. */
export interface MessageOutcome {
  messageId: string;
  /** `one-step` or `multi-step`. */
  strategy: string;
  /** Status values in the order the sender's IP registered them, e.g. OPPRETTET, SENDT, MOTTATT, LEVERT, LEST. */
  statuses: string[];
  /** Documents the receiver checked (size and SHA-256 equal to what was sent). */
  verifiedDocuments: string[];
  /** The receipt type of the kvittering the sender received for it (`OK`). */
  kvittering: string | undefined;
}

/** What {@link main} reports when every step succeeded (it throws otherwise). */
export interface MainResult {
  small: MessageOutcome;
  large: MessageOutcome;
  /** Upload progress lines printed for the large file. */
  progressLines: number;
  /** The timeline's lines, without times. */
  timeline: string[];
  durationMs: number;
}

/** Thrown by {@link main}: which step failed, and why. */
export class StepError extends Error {
  readonly step: string;
  constructor(step: string, cause: unknown) {
    super(`step "${step}" failed: ${describeError(cause)}`, { cause });
    this.name = 'StepError';
    this.step = step;
  }
}

const LABEL_WIDTH = 5;

/** Runs the reference integration against a fresh simulator. */
export async function main(options: MainOptions = {}): Promise<MainResult> {
  const largeFileBytes = options.largeFileBytes ?? 50 * 1024 * 1024;
  const stepTimeoutMs = options.stepTimeoutMs ?? 20_000;
  const t = timeline(options.log);
  const cleanups: Array<() => Promise<unknown>> = [];
  let current = 'start the simulator';
  let succeeded = false;
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    current = name;
    return fn();
  };

  try {
    // The simulated network, served over HTTP on 127.0.0.1 with automatic delivery: a sent message reaches the
    // receiver's queue (and the statuses travel back) within milliseconds.
    const server = await startSimulator({ autoDeliver: true, ...options.simulator, port: 0, host: '127.0.0.1' });
    cleanups.push(async () => {
      // Last to go: with `keep`, a successful run leaves the simulator up (its loops and temp files are gone).
      if (succeeded && options.keep) await options.keep(server);
      await server.close();
    });
    options.onStarted?.(server);
    t.step(`simulator on ${server.url}: Testdepartementet ${DEPARTEMENT} (sak) → Eksempel kommune ${KOMMUNE} (arkiv)`);
    if (server.consoleUrl) {
      const hint = options.keep
        ? 'open it in a browser to watch the messages and steer the network'
        : 'npm start -- --keep keeps it up after the run';
      t.step(`console ${server.consoleUrl} (${hint})`);
    }
    const userAgent = { name: 'eformidling-start', version: '1.0' };
    const sak = new IntegrasjonspunktClient({ baseUrl: server.baseUrl(DEPARTEMENT), userAgent });
    const arkiv = new IntegrasjonspunktClient({ baseUrl: server.baseUrl(KOMMUNE), userAgent });
    const tempDir = await mkdtemp(join(tmpdir(), 'eformidling-start-'));
    cleanups.push(() => rm(tempDir, { recursive: true, force: true }));

    // Anything that goes wrong in a background loop fails the step that is waiting.
    let rejectBackground: (error: Error) => void = () => {};
    const background = new Promise<never>((_, reject) => {
      rejectBackground = reject;
    });
    background.catch(() => {});
    const signal = options.signal;
    const interrupted = () => rejectBackground(signal?.reason instanceof Error ? signal.reason : new Error('interrupted'));
    if (signal?.aborted) interrupted();
    signal?.addEventListener('abort', interrupted, { once: true });
    const waitFor = <T>(what: string, promise: Promise<T>): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no ${what} within ${stepTimeoutMs} ms`)), stepTimeoutMs);
      });
      return Promise.race([promise, background, timeout]).finally(() => clearTimeout(timer));
    };

    const labels = new Map<string, string>();
    const label = (id: string | undefined) => `${(labels.get(id ?? '') ?? '?').padEnd(LABEL_WIDTH)} ${shortId(id)}`;
    const sentFiles = new Map<string, Map<string, FileFingerprint>>();

    // 1. May the kommune receive arkivmelding over DPO?
    await step('capabilities', async () => {
      const { capabilities } = await waitFor('capabilities', sak.capabilities.get(KOMMUNE, { signal }));
      const admin = PROCESSES.arkivmelding.administrasjon;
      const dpo = capabilities.find((c) => c.process === admin && c.serviceIdentifier === 'DPO');
      if (!dpo?.documentTypes.some((d) => d.type === 'arkivmelding' || d.standard.endsWith('::arkivmelding'))) {
        throw new Error(`${KOMMUNE} does not accept arkivmelding in ${admin} over DPO`);
      }
      const services = [...new Set(capabilities.map((c) => c.serviceIdentifier))].join(', ');
      t.step(`capabilities of ${KOMMUNE}: ${capabilities.length} (${services}); arkivmelding administrasjon over DPO ✓`);
    });

    // Follows both messages from the sender's side until LEST, printing every status as the IP registers it.
    const tracker = sak.track([], { strategy: 'search', pollIntervalMs: 100, maxPollIntervalMs: 400, until: 'LEST' });
    cleanups.push(() => tracker.stop());
    tracker.on('status', (u) => t.step(`status  ${label(u.messageId)} ${u.status.status}`));
    tracker.on('error', (error) => t.step(`tracker retrying after: ${describeError(error)}`));

    const send = async (name: string, files: Upload[], fingerprints: Map<string, FileFingerprint>) => {
      const sbd = arkivmelding({ sender: DEPARTEMENT, receiver: KOMMUNE, hoveddokument: files[1]?.filename });
      const messageId = messageIdOf(sbd) as string;
      labels.set(messageId, name);
      sentFiles.set(messageId, fingerprints);
      const strategy = chooseStrategy(files);
      const total = [...fingerprints.values()].reduce((sum, f) => sum + f.size, 0);
      let nextMark = 25;
      let progressLines = 0;
      await sak.send(
        { sbd, files },
        {
          signal,
          // Progress per file; print at 25 %, 50 %, 75 % and 100 % of the large file only.
          onProgress: ({ file, bytesSent, totalBytes }) => {
            if (!totalBytes || totalBytes < 5 * 1024 * 1024) return;
            const percent = Math.floor((bytesSent / totalBytes) * 100);
            if (percent < nextMark) return;
            nextMark = Math.floor(percent / 25) * 25 + 25;
            progressLines++;
            t.step(
              `upload  ${label(messageId)} ${file} ${String(percent).padStart(3)}% (${formatBytes(bytesSent)} of ${formatBytes(totalBytes)})`,
            );
          },
        },
      );
      tracker.add(messageId);
      t.step(`sent    ${label(messageId)} ${strategy}: ${files.length} files, ${formatBytes(total)}`);
      return { messageId, strategy, progressLines };
    };

    // 2. A small arkivmelding: arkivmelding.xml + vedtak.pdf, one multipart request.
    const small = await step('send the small arkivmelding', async () => {
      const xml = arkivmeldingXml({ tittel: 'Vedtak i byggesak 2025/42', files: ['vedtak.pdf'] });
      const vedtak = pdf('Vedtak i byggesak 2025/42');
      const files: Upload[] = [
        { filename: 'arkivmelding.xml', content: xml, mimeType: 'application/xml' },
        { filename: 'vedtak.pdf', content: vedtak, mimeType: 'application/pdf' },
      ];
      return send(
        'small',
        files,
        new Map([
          ['arkivmelding.xml', fingerprint(xml)],
          ['vedtak.pdf', fingerprint(vedtak)],
        ]),
      );
    });

    // 3. A large arkivmelding: the drawings are a file on disk, streamed (never read into memory), multi-step.
    const large = await step('send the large arkivmelding', async () => {
      const path = join(tempDir, 'tegninger.pdf');
      const drawings = await writeLargeFile(path, largeFileBytes);
      t.step(`wrote   ${formatBytes(drawings.size)} to a temp file (sha256 ${drawings.sha256.slice(0, 12)}…)`);
      const xml = arkivmeldingXml({ tittel: 'Byggesøknad med tegninger', files: ['søknad.pdf', 'tegninger.pdf'] });
      const soknad = pdf('Byggesoknad');
      const files: Upload[] = [
        { filename: 'arkivmelding.xml', content: xml, mimeType: 'application/xml' },
        { filename: 'søknad.pdf', content: soknad, mimeType: 'application/pdf' },
        await fromPath(path, { mimeType: 'application/pdf' }),
      ];
      const fingerprints = new Map([
        ['arkivmelding.xml', fingerprint(xml)],
        ['søknad.pdf', fingerprint(soknad)],
        ['tegninger.pdf', drawings],
      ]);
      return send('large', files, fingerprints);
    });

    // 4. The archive's receive loop: peek (lock) → pop (download) → check → delete. A message is deleted from the
    //    IP only after the handler resolved.
    const verified = new Map<string, string[]>();
    const archived = new Map<string, ReceivedMessage>();
    const allArchived = Promise.withResolvers<void>();
    const arkivLoop = arkiv.receive(
      async (message) => {
        const expected = sentFiles.get(message.messageId);
        if (!expected) throw new Error(`unexpected message ${message.messageId} (${message.type})`);
        const checks = await verifyDocuments(message, expected);
        verified.set(
          message.messageId,
          checks.map((c) => c.name),
        );
        t.step(
          `arkiv   ${label(message.messageId)} took ${message.type} from ${message.sender}: ` +
            `${checks.map((c) => `${c.name} ${formatBytes(c.size)}`).join(', ')}; sizes and SHA-256 match`,
        );
      },
      { filter: { serviceIdentifier: 'DPO', process: PROCESSES.arkivmelding.administrasjon }, pollIntervalMs: 100, maxPollIntervalMs: 400 },
    );
    cleanups.push(() => arkivLoop.stop());
    arkivLoop.on('failed', ({ messageId, stage, error }) =>
      rejectBackground(new Error(`arkiv could not take ${label(messageId)} (${stage}): ${describeError(error)}`)),
    );
    arkivLoop.on('processed', ({ messageId, message }) => {
      if (message) archived.set(messageId, message);
      if (archived.size === 2) allArchived.resolve();
    });
    arkivLoop.done.catch((error: unknown) => rejectBackground(new Error(`arkiv's receive loop stopped: ${describeError(error)}`)));
    await step('arkiv takes both messages', () => waitFor('delivery to arkiv', allArchived.promise));

    // 5. Both reach LEVERT at the sender once the archive deleted them from its queue.
    await step('statuses reach LEVERT', async () => {
      for (const { messageId } of [small, large]) {
        await waitFor(`LEVERT for ${label(messageId)}`, tracker.waitFor(messageId, { until: 'LEVERT' }));
      }
    });

    // 6. The archive acknowledges each arkivmelding with an arkivmelding_kvittering in the same conversation.
    const kvitteringer = new Map<string, string>();
    const bothKvitteringer = Promise.withResolvers<void>();
    const sakLoop = sak.receive(
      (message) => {
        const receipt = message.businessMessage as { relatedToMessageId?: string; receiptType?: string } | undefined;
        const related = receipt?.relatedToMessageId;
        if (message.type !== 'arkivmelding_kvittering' || !related) throw new Error(`unexpected ${message.type} ${message.messageId}`);
        kvitteringer.set(related, receipt.receiptType ?? '?');
        t.step(`sak     ${label(related)} got ${message.type} ${receipt.receiptType}`);
        if (kvitteringer.size === 2) bothKvitteringer.resolve();
      },
      { filter: { process: PROCESSES.arkivmelding.response }, pollIntervalMs: 100, maxPollIntervalMs: 400 },
    );
    cleanups.push(() => sakLoop.stop());
    sakLoop.on('failed', ({ messageId, stage, error }) =>
      rejectBackground(new Error(`sak could not take ${shortId(messageId)} (${stage}): ${describeError(error)}`)),
    );
    await step('send arkivmelding_kvittering', async () => {
      for (const { messageId } of [small, large]) {
        const original = archived.get(messageId) as ReceivedMessage;
        const kvittering = arkivmeldingKvittering({
          sender: KOMMUNE,
          receiver: original.sender, // back to whoever sent it
          conversationId: original.conversationId, // same conversation
          relatedToMessageId: messageId,
          receiptType: 'OK',
        });
        await arkiv.send({ sbd: kvittering }, { signal });
        t.step(`arkiv   ${label(messageId)} sent arkivmelding_kvittering OK`);
      }
    });
    await step('statuses reach LEST', async () => {
      for (const { messageId } of [small, large]) {
        await waitFor(`LEST for ${label(messageId)}`, tracker.waitFor(messageId, { until: 'LEST' }));
      }
      await waitFor('the kvitteringer at sak', bothKvitteringer.promise);
    });

    const outcome = (m: { messageId: string; strategy: string }): MessageOutcome => ({
      messageId: m.messageId,
      strategy: m.strategy,
      statuses: tracker.get(m.messageId)?.history.map((s) => s.status) ?? [],
      verifiedDocuments: verified.get(m.messageId) ?? [],
      kvittering: kvitteringer.get(m.messageId),
    });
    const result: MainResult = {
      small: outcome(small),
      large: outcome(large),
      progressLines: large.progressLines,
      timeline: t.lines,
      durationMs: Math.round(t.elapsedMs()),
    };
    current = 'stop';
    succeeded = true;
    return result;
  } catch (error) {
    throw new StepError(current, error);
  } finally {
    // Newest first: loops and the tracker before the simulator, the temp folder last.
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => t.step(`cleanup failed: ${describeError(error)}`));
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mb = Number(process.env.LARGE_FILE_MB ?? 50);
  // Ctrl-C stops the run cleanly (loops, simulator, temp file); a second Ctrl-C exits at once.
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort(new Error('interrupted (Ctrl-C)')));
  // --keep: after the last step the simulator stays up (console included) until Ctrl-C.
  const keep = process.argv.includes('--keep')
    ? (server: SimulatorServer) => {
        console.log(`\n✓ every step succeeded; the simulator keeps running: ${server.consoleUrl ?? server.url}  (Ctrl-C stops)`);
        return new Promise<void>((resolve) => {
          if (interrupt.signal.aborted) resolve();
          else interrupt.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      }
    : undefined;
  main({ largeFileBytes: Math.round(mb * 1024 * 1024), signal: interrupt.signal, ...(keep ? { keep } : {}) }).then(
    (result) => {
      const path = (m: MessageOutcome) => m.statuses.join(' → ');
      console.log(`\n✓ every step succeeded in ${(result.durationMs / 1000).toFixed(1)} s`);
      console.log(`  small ${result.small.messageId} (${result.small.strategy}): ${path(result.small)}`);
      console.log(`  large ${result.large.messageId} (${result.large.strategy}): ${path(result.large)}`);
    },
    (error: unknown) => {
      console.error(`\n✗ ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
