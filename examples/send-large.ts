/**
 * Send a large file from disk, streamed, with progress: multi-step (create → one streamed PUT per file → send).
 *
 *   npm run example -- send-large                    # writes a 50 MiB temp file and sends it to the simulator
 *   npm run example -- send-large ./tegninger.pdf    # sends your file
 *   IP_URL=https://localhost:9093 IP_RECEIVER=910075918 npm run example -- send-large ./tegninger.pdf
 *
 * (see examples/support/connect.ts for IP_USERNAME, IP_PASSWORD, IP_CA.)
 *
 * `fromPath()` never reads the file into memory: the upload streams it with a Content-Length (the IP's size check
 * needs one) and reopens it if a retry is needed. A file over 5 MiB cannot go one-step, so `auto` picks
 * multi-step; if a step fails the SDK deletes the half-built message (or keeps it with `keepOnFailure` for
 * `ip.resumeSend()`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { arkivmelding, chooseStrategy, fromPath, messageIdOf, type SendProgress, type Upload } from 'eformidling';
import { type ConnectOptions, connect } from './support/connect.ts';
import { arkivmeldingXml, pdf, writeLargeFile } from './support/content.ts';
import { runMain } from './support/run.ts';
import { formatBytes, type LogFn, timeline } from './support/timeline.ts';

/** Options of {@link main}. */
export interface SendLargeOptions extends ConnectOptions {
  /** The file to send; without it a temp file of `sizeBytes` is written (and removed afterwards). */
  path?: string;
  /** Size of the generated file. @defaultValue 50 MiB */
  sizeBytes?: number;
  log?: LogFn;
}

/** What {@link main} did. */
export interface SendLargeResult {
  messageId: string;
  strategy: 'one-step' | 'multi-step';
  /** Size of the large file. */
  bytes: number;
  /** The progress percentages printed (0-100), e.g. [20, 40, 60, 80, 100]. */
  progress: number[];
  /** Statuses on the sender's IP right after sending. */
  statuses: string[];
}

/** Calls `print` at every `step` percent of a file's upload: a few lines, not one per chunk. */
function everyPercent(step: number, print: (p: SendProgress, percent: number) => void): (p: SendProgress) => void {
  const next = new Map<string, number>();
  return (p) => {
    if (!p.totalBytes) return;
    const percent = Math.floor((p.bytesSent / p.totalBytes) * 100);
    if (percent < (next.get(p.file) ?? step)) return;
    next.set(p.file, Math.floor(percent / step) * step + step);
    print(p, percent);
  };
}

export async function main(options: SendLargeOptions = {}): Promise<SendLargeResult> {
  const t = timeline(options.log);
  const conn = await connect(options);
  let tempDir: string | undefined;
  try {
    const receiver = conn.requireReceiver();
    let path = options.path;
    if (!path) {
      tempDir = await mkdtemp(join(tmpdir(), 'eformidling-send-large-'));
      path = join(tempDir, 'tegninger.pdf');
      const written = await writeLargeFile(path, options.sizeBytes ?? 50 * 1024 * 1024);
      t.step(`wrote ${formatBytes(written.size)} to ${path}`);
    }

    const large = await fromPath(path, { title: 'Tegninger' }); // size from stat(), streamed when sent
    const name = basename(path);
    const files: Upload[] = [
      {
        filename: 'arkivmelding.xml',
        content: arkivmeldingXml({ tittel: 'Byggesøknad med tegninger', files: ['søknad.pdf', name] }),
        mimeType: 'application/xml',
      },
      { filename: 'søknad.pdf', content: pdf('Byggesoknad'), mimeType: 'application/pdf' },
      large,
    ];
    const strategy = chooseStrategy(files);
    t.step(`sending ${name} (${formatBytes(large.size ?? 0)}) to ${receiver}: ${strategy}`);

    const progress: number[] = [];
    const stored = await conn.sender.sendTo(receiver, arkivmelding({ sender: conn.senderOrg, hoveddokument: 'søknad.pdf' }), files, {
      onProgress: everyPercent(20, (p, percent) => {
        if (p.file === name) progress.push(percent);
        t.step(`  ${p.file} ${String(percent).padStart(3)}% (${formatBytes(p.bytesSent)})`);
      }),
    });
    const messageId = messageIdOf(stored) as string;
    t.step(`sent ${messageId}`);

    const statuses: string[] = [];
    for await (const status of conn.sender.statuses.forMessage(messageId)) statuses.push(status.status);
    t.step(`statuses: ${statuses.join(' → ')}`);
    return { messageId, strategy, bytes: large.size ?? 0, progress, statuses };
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    await conn.close();
  }
}

runMain(import.meta.url, () => main({ path: process.argv[2] }));
