/**
 * Receive safely: a receive loop that files every incoming arkivmelding in an inbox folder, and dead-letters what it
 * cannot handle instead of retrying it forever.
 *
 *   npm run example -- receive-loop                         # the simulator: 2 good messages and 1 poison message
 *   IP_URL=https://localhost:9093 npm run example -- receive-loop ./inbox    # drains your IP's DPO queue into ./inbox
 *
 * (see examples/support/connect.ts for IP_USERNAME, IP_PASSWORD, IP_CA.)
 *
 * The loop: peek (locks one message) → pop (downloads its ASiC-E, spooled to a temp file when large) → your handler
 * → delete, and the delete happens only after the handler resolved. A handler that throws leaves the message on the
 * IP: its lock runs out and it comes back. After `maxAttempts` failures the message is poison: with
 * `onPoison: 'deadLetter'` its SBD, ASiC-E and the last error are saved under `deadLetterDir/<messageId>/` and only
 * then is it deleted from the IP. The processed-id store (a JSON file here) makes a restart neither lose nor
 * re-handle a message, and counts attempts across restarts.
 *
 * This archive accepts PDF main documents only; on the simulator the sender sends one arkivmelding whose main
 * document is a .docx, which becomes the dead letter after two attempts.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { arkivmelding, JsonFileProcessedStore, type ReceivedMessage, type ReceiveReport, type Upload } from 'eformidling';
import { type Connection, type ConnectOptions, connect } from './support/connect.ts';
import { arkivmeldingXml, pdf } from './support/content.ts';
import { runMain } from './support/run.ts';
import { describeError, type LogFn, shortId, timeline } from './support/timeline.ts';

/** Options of {@link main}. */
export interface ReceiveLoopOptions extends ConnectOptions {
  /**
   * Where received messages (`<dir>/inbox/<messageId>/`), dead letters (`<dir>/dead-letters/`) and the processed-id
   * store go. @defaultValue a temp folder on the simulator (removed afterwards); `./inbox` against a real IP
   */
  dir?: string;
  /** Stop after this long at the latest. @defaultValue 30 s on the simulator, 10 minutes on a real IP */
  timeoutMs?: number;
  log?: LogFn;
}

/** A message and the files written for it. */
export interface SavedMessage {
  messageId: string;
  files: string[];
}

/** What {@link main} did. */
export interface ReceiveLoopResult {
  /** Messages handled, filed and deleted. */
  handled: SavedMessage[];
  /** Poison messages saved (sbd.json, asic.zip, failure.json) and deleted. */
  deadLettered: SavedMessage[];
  /** The loop's counters. */
  report: ReceiveReport;
}

/** Simulator only: the sending organisation sends two good arkivmeldinger and one the archive will refuse. */
async function sendDemoMessages(conn: Connection): Promise<number> {
  const send = async (tittel: string, document: string, content: Buffer) => {
    const files: Upload[] = [
      { filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel, files: [document] }), mimeType: 'application/xml' },
      { filename: document, content },
    ];
    await conn.sender.sendTo(conn.requireReceiver(), arkivmelding({ hoveddokument: document }), files);
  };
  await send('Søknad om byggetillatelse', 'soknad.pdf', pdf('Soknad om byggetillatelse'));
  await send('Klage på vedtak', 'klage.docx', Buffer.from('PK\u0003\u0004 not really a Word document'));
  await send('Nabovarsel', 'nabovarsel.pdf', pdf('Nabovarsel'));
  return 3;
}

export async function main(options: ReceiveLoopOptions = {}): Promise<ReceiveLoopResult> {
  const t = timeline(options.log);
  // A short lock on the simulator, so a failed message comes back within a second instead of five minutes.
  const lockTimeoutMs = 1_000;
  const conn = await connect({ ...options, simulator: { lockTimeoutMs, ...options.simulator } });
  const temporary = !options.dir && conn.simulated;
  const dir = options.dir
    ? resolve(options.dir)
    : conn.simulated
      ? await mkdtemp(join(tmpdir(), 'eformidling-receive-'))
      : resolve('inbox');
  try {
    const expected = conn.simulated ? await sendDemoMessages(conn) : undefined;
    if (expected) t.step(`the sender sent ${expected} messages`);

    const inbox = join(dir, 'inbox');
    const handled: SavedMessage[] = [];
    // The handler: resolve when the message is safely stored; throw to leave it on the IP.
    const handler = async (message: ReceivedMessage) => {
      if (message.isReceipt || !message.asic) {
        t.step(`${shortId(message.messageId)} ${message.type} (a receipt, nothing to file)`);
        return;
      }
      const document = await message.asic.mainDocument();
      if (document?.mimeType !== 'application/pdf') {
        throw new Error(`the archive takes PDF main documents only, not ${document?.name} (${document?.mimeType})`);
      }
      const saved = await message.asic.saveTo(join(inbox, message.messageId)); // safe extraction (no zip-slip, limits)
      const files = saved.map((f) => f.entry.name);
      handled.push({ messageId: message.messageId, files });
      const documents = saved.filter((f) => f.entry.kind === 'document').map((f) => f.entry.name);
      t.step(`${shortId(message.messageId)} filed: ${documents.join(', ')} (main document ${document.name})`);
    };

    const loop = conn.receiver.receive(handler, {
      filter: { serviceIdentifier: 'DPO' },
      store: new JsonFileProcessedStore(join(dir, 'processed.json')),
      maxAttempts: 2,
      onPoison: 'deadLetter',
      deadLetterDir: join(dir, 'dead-letters'),
      // The IP's lock duration (lockTimeoutMinutes, 5 minutes by default): the loop warns before it runs out.
      lockTimeoutMs: conn.simulated ? lockTimeoutMs : 5 * 60_000,
      pollIntervalMs: conn.simulated ? 100 : 1_000,
      maxPollIntervalMs: conn.simulated ? 200 : 30_000,
      // A real IP: stop when the queue is empty (a service would run until SIGTERM:
      // process.once('SIGTERM', () => loop.stop())). The simulator: stop below once every message is settled.
      ...(expected ? {} : { stopWhenIdle: true }),
      signal: AbortSignal.timeout(options.timeoutMs ?? (conn.simulated ? 30_000 : 10 * 60_000)),
    });
    loop.on('failed', ({ messageId, stage, attempts, poison, error }) =>
      t.step(`${shortId(messageId)} failed at ${stage} (attempt ${attempts}${poison ? ', poison' : ''}): ${describeError(error)}`),
    );
    // 'processed' comes once a message is off the IP: handled, or dead-lettered and then deleted.
    let settled = 0;
    loop.on('processed', () => {
      settled += 1;
      if (expected !== undefined && settled >= expected) void loop.stop();
    });
    loop.on('deadLettered', ({ messageId, dir: where }) => t.step(`${shortId(messageId)} dead-lettered to ${where}`));
    loop.on('warning', (w) => t.step(`warning (${w.kind}): ${w.message}`));

    const report = await loop.done;
    t.step(`loop stopped (${report.stoppedBy}): ${report.handled} handled, ${report.deadLettered} dead-lettered, ${report.polls} polls`);

    const deadLetterRoot = join(dir, 'dead-letters');
    const deadLettered: SavedMessage[] = [];
    for (const entry of await readdir(deadLetterRoot, { withFileTypes: true }).catch(() => [])) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      deadLettered.push({ messageId: entry.name, files: (await readdir(join(deadLetterRoot, entry.name))).sort() });
    }
    return { handled, deadLettered, report };
  } finally {
    if (temporary) await rm(dir, { recursive: true, force: true });
    await conn.close();
  }
}

runMain(import.meta.url, () => main({ dir: process.argv[2] }));
