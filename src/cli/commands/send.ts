import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { arkivmelding, arkivmeldingXml, avtalt } from '../../messages/index.js';
import { parseIdentifier } from '../../models/identifiers.js';
import { conversationIdOf, messageIdOf, processOf, type StandardBusinessDocument, typeOf } from '../../models/sbd.js';
import { chooseStrategy, type SendProgress } from '../../send/index.js';
import { fromPath, type Upload } from '../../uploads.js';
import type { CommandContext } from '../context.js';
import { formatBytes, parseDuration } from '../duration.js';
import { CliUsageError, EXIT } from '../errors.js';
import { probeApi } from '../probe.js';
import { isNotAnIpAnswer } from '../report.js';
import { securityLevel } from './capabilities.js';
import { waitAndReport } from './status.js';

/** Files at least this large (together) get a progress bar on a terminal. @internal */
export const PROGRESS_MIN_BYTES = 1024 * 1024;

function expiry(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    if (Number.isNaN(Date.parse(text))) throw new CliUsageError(`--expires: '${text}' is not a date-time`);
    return text;
  }
  return new Date(Date.now() + parseDuration(text, '--expires')).toISOString();
}

async function readSbd(path: string): Promise<StandardBusinessDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`--sbd: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as StandardBusinessDocument;
  } catch (error) {
    throw new CliUsageError(`--sbd: ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

async function loadFiles(paths: readonly string[]): Promise<Upload[]> {
  const files: Upload[] = [];
  const names = new Set<string>();
  for (const path of paths) {
    const upload = await fromPath(path).catch((error: unknown) => {
      throw new CliUsageError(`cannot send ${path}: ${(error as Error).message.replace(/^path: /, '')}`);
    });
    if (names.has(upload.filename))
      throw new CliUsageError(`two files are named ${upload.filename}; file names in a message must be unique`);
    names.add(upload.filename);
    files.push(upload);
  }
  return files;
}

/** Builds the SBD and the file list from the command line. @internal */
export async function buildMessage(
  paths: readonly string[],
  opts: Record<string, unknown>,
): Promise<{ sbd: StandardBusinessDocument; files: Upload[] }> {
  const files = await loadFiles(paths);
  if (opts.sbd !== undefined) {
    for (const flag of [
      'title',
      'process',
      'from',
      'onBehalfOf',
      'securityLevel',
      'expires',
      'identifier',
      'messageId',
      'conversationId',
    ]) {
      if (opts[flag] !== undefined)
        throw new CliUsageError(`--sbd sends the document as it is; leave out --${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    }
    return { sbd: await readSbd(opts.sbd as string), files };
  }
  const header = {
    sender: opts.from as string | undefined,
    onBehalfOf: opts.onBehalfOf as string | undefined,
    process: opts.process as string | undefined,
    messageId: opts.messageId as string | undefined,
    conversationId: opts.conversationId as string | undefined,
    expectedResponseDateTime: expiry(opts.expires),
  };
  const level = securityLevel(opts.securityLevel);
  if (opts.type === 'avtalt') {
    if (typeof opts.identifier !== 'string') throw new CliUsageError('--type avtalt needs --identifier (the agreed message type)');
    return { sbd: avtalt({ ...header, identifier: opts.identifier, hoveddokument: files[0]?.filename }), files };
  }
  if (opts.identifier !== undefined) throw new CliUsageError('--identifier is only for --type avtalt');
  const documents = files.filter((f) => f.filename !== 'arkivmelding.xml');
  const hasXml = documents.length !== files.length;
  if (!hasXml) {
    if (documents.length === 0) throw new CliUsageError('an arkivmelding needs at least one file (the main document)');
    if (typeof opts.title !== 'string' || opts.title.trim() === '') {
      throw new CliUsageError('give --title (it goes into the arkivmelding.xml that send writes), or include your own arkivmelding.xml');
    }
    // Appended, so files[i] in an error names the user's i-th file.
    files.push({
      filename: 'arkivmelding.xml',
      content: arkivmeldingXml({ tittel: opts.title, files: documents.map((f) => f.filename), system: 'eformidling-cli' }),
      mimeType: 'application/xml',
      title: 'Arkivmelding',
    });
  } else if (opts.title !== undefined) {
    throw new CliUsageError('--title is written into a generated arkivmelding.xml; you gave your own, so leave --title out');
  }
  return { sbd: arkivmelding({ ...header, hoveddokument: documents[0]?.filename, securityLevel: level }), files };
}

/** A progress display: a cli-progress bar on a terminal (stderr), nothing otherwise. */
async function progressBar(ctx: CommandContext, files: readonly Upload[]): Promise<((p: SendProgress) => void) & { stop(): void }> {
  const sizes = new Map(files.map((f) => [f.filename, f.size ?? 0]));
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const off = Object.assign(() => {}, { stop: () => {} });
  if (ctx.out.json || ctx.io.stderr.isTTY !== true || total < PROGRESS_MIN_BYTES) return off;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: ctx.io.stderr as unknown as NodeJS.WritableStream,
      format: ' {bar} {percentage}% | {done} / {size} | {file}',
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { done: formatBytes(0), size: formatBytes(total), file: '' });
  const sent = new Map<string, number>();
  return Object.assign(
    (p: SendProgress) => {
      sent.set(p.file, p.bytesSent);
      const done = [...sent.values()].reduce((a, b) => a + b, 0);
      bar.update(Math.min(done, total), { done: formatBytes(done), size: formatBytes(total), file: basename(p.file) });
    },
    { stop: () => bar.stop() },
  );
}

/**
 * `eformidling send --to <org> [--process] [--type] [--title] <files...>`: builds the SBD with the message builders,
 * checks the receiver's capabilities (unless `--no-check`), picks the strategy, sends, and with `--wait` follows it.
 * @internal
 */
export async function send(ctx: CommandContext, paths: readonly string[], opts: Record<string, unknown>): Promise<number> {
  const strategyOpt = opts.strategy as 'auto' | 'one-step' | 'multi-step';
  const waitTimeoutMs = opts.wait ? parseDuration(String(opts.waitTimeout), '--wait-timeout') : undefined;
  const { sbd, files } = await buildMessage(paths, opts);
  const ip = await ctx.client();
  const out = ctx.out;
  const strategy = strategyOpt === 'auto' ? chooseStrategy(files) : strategyOpt;
  const onProgress = await progressBar(ctx, files);
  let stored: StandardBusinessDocument;
  try {
    const options = { strategy, onProgress, signal: ctx.signal };
    stored =
      opts.check === false
        ? await ip.send({ sbd: withReceiver(sbd, opts.to as string), files }, options)
        : await ip.sendTo(opts.to as string, sbd, files, options);
  } catch (error) {
    // "The registry does not know the receiver" is also what a URL that is not an IP looks like (any 404): ask the
    // API once more to tell the two apart, and report the URL when it is not an IP.
    if (isUnknownReceiver(error)) {
      const probed = await probeApi(ip, ctx.signal).then(
        () => undefined,
        (probeError: unknown) => probeError,
      );
      if (isNotAnIpAnswer(probed)) throw probed;
    }
    throw error;
  } finally {
    onProgress.stop();
  }
  const messageId = messageIdOf(stored) ?? messageIdOf(sbd);
  const summary = {
    messageId,
    conversationId: conversationIdOf(stored),
    receiver: opts.to as string,
    process: processOf(stored),
    type: typeOf(stored),
    strategy,
    files: files.map((f) => ({
      filename: f.filename,
      size: f.size ?? (typeof f.content === 'string' ? Buffer.byteLength(f.content) : undefined),
    })),
  };
  if (!opts.wait) {
    out.result(summary, () => {
      out.line(`${out.paint('green', 'sent')} ${summary.type} ${out.paint('bold', messageId ?? '?')} to ${summary.receiver}`);
      out.line(`  conversation ${summary.conversationId ?? '-'}, process ${summary.process ?? '-'}`);
      out.line(`  ${files.length} file(s), ${strategy}: ${summary.files.map((f) => f.filename).join(', ')}`);
      out.line(`  follow it: eformidling status ${messageId} --wait`);
    });
    return EXIT.ok;
  }
  if (!out.json)
    out.line(
      `${out.paint('green', 'sent')} ${summary.type} ${out.paint('bold', messageId ?? '?')} to ${summary.receiver}; waiting for ${String(opts.until)}…`,
    );
  return waitAndReport(ctx, messageId as string, {
    until: opts.until as 'LEVERT' | 'LEST',
    timeoutMs: waitTimeoutMs as number,
    pollIntervalMs: 2_000,
    extra: { sent: summary },
  });
}

function isUnknownReceiver(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'ReceiverNotCapableError' &&
    (error as { capabilities?: readonly unknown[] }).capabilities?.length === 0 &&
    !isNotAnIpAnswer(error.cause)
  );
}

function withReceiver(sbd: StandardBusinessDocument, receiver: string): StandardBusinessDocument {
  const parsed = parseIdentifier(receiver, 'receiver');
  const existing = sbd.standardBusinessDocumentHeader.receiver?.[0]?.identifier.value;
  if (existing !== undefined && parseIdentifier(existing, 'receiver').value !== parsed.value) {
    throw new CliUsageError(`the SBD is addressed to ${existing}, not ${parsed.value}`);
  }
  return {
    ...sbd,
    standardBusinessDocumentHeader: {
      ...sbd.standardBusinessDocumentHeader,
      receiver: [{ identifier: { value: parsed.value, authority: parsed.authority } }],
    },
  };
}
