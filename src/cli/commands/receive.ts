import { randomBytes } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeDirAtomic } from '../../internal/atomic-write.js';
import type { ReceivedOne } from '../../receive/index.js';
import type { IncomingFilter } from '../../resources/incoming.js';
import type { CommandContext } from '../context.js';
import { formatDuration, parseDuration } from '../duration.js';
import { CliUsageError, EXIT } from '../errors.js';
import { ipText } from '../text.js';
import { waitingIndicator } from '../waiting.js';

/** One message written to disk. @internal */
export interface ReceivedReport {
  messageId: string;
  type: string;
  sender: string | undefined;
  process: string | undefined;
  /** The message's folder. */
  dir: string;
  /** Files written, relative to `dir`. */
  files: string[];
  /** The folder already existed from an earlier run (the delete had not reached the IP); only the delete was redone. */
  alreadyOnDisk: boolean;
}

/** One message that could not be stored (it was not deleted on the IP). @internal */
export interface FailedReport {
  messageId: string;
  error: { name: string; message: string; code?: string | undefined };
  /** True when the files are on disk but the delete failed (the IP will offer the message again). */
  stored: boolean;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Parses repeated `--filter key=value` into an incoming filter (the SDK rejects unknown keys). @internal */
export function parseFilters(values: readonly string[]): IncomingFilter {
  const filter: Record<string, string> = {};
  for (const item of values) {
    const at = item.indexOf('=');
    if (at <= 0 || at === item.length - 1) throw new CliUsageError(`--filter '${item}' must look like key=value`);
    const key = item.slice(0, at).trim();
    if (filter[key] !== undefined) throw new CliUsageError(`--filter ${key} is given twice; the IP matches one value per key`);
    filter[key] = item.slice(at + 1).trim();
  }
  return filter as IncomingFilter;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Stores one message: `sbd.json` and the extracted ASiC-E in a temporary folder inside `out`, renamed to
 * `<out>/<messageId>` when complete; only then is the message deleted on the IP.
 */
async function storeOne(message: ReceivedOne, outDir: string, keepAsic: boolean, allEntries: boolean): Promise<ReceivedReport> {
  const { messageId } = message;
  const base = { messageId, type: message.type, sender: message.sender, process: message.process };
  if (!SAFE_ID.test(messageId)) {
    throw Object.assign(new Error(`the messageId '${messageId.slice(0, 80)}' cannot be used as a folder name`), {
      name: 'UnsafeMessageId',
    });
  }
  const finalDir = join(outDir, messageId);
  if (await exists(finalDir)) {
    // A complete folder (it only gets its name when complete) from a run whose delete did not reach the IP.
    return { ...base, dir: finalDir, files: [], alreadyOnDisk: true };
  }
  // A hidden temporary name, so a half-written message never looks like a received one.
  const tempPath = join(outDir, `.${messageId}.partial-${randomBytes(4).toString('hex')}`);
  return writeDirAtomic(
    finalDir,
    async (temp) => {
      const files: string[] = [];
      await writeFile(join(temp, 'sbd.json'), `${JSON.stringify(message.sbd, null, 2)}\n`, { flag: 'wx' });
      files.push('sbd.json');
      if (message.asic) {
        const extracted = await message.asic.saveTo(join(temp, 'files'), allEntries ? {} : { filter: (e) => e.kind === 'document' });
        for (const f of extracted) files.push(relative(temp, f.path).split('\\').join('/'));
        if (keepAsic) {
          await message.asic.saveContainerTo(join(temp, 'asic.zip'));
          files.push('asic.zip');
        }
      }
      return { ...base, dir: finalDir, files, alreadyOnDisk: false };
    },
    { tempPath },
  );
}

function errorInfo(error: unknown): FailedReport['error'] {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

/**
 * `eformidling receive --out <dir> [--filter k=v ...] [--once] [--max n] [--watch] [--keep-asic]`: peek (lock) → pop
 * → extract safely into `<out>/<messageId>/` → delete on the IP, one message at a time. A message is deleted only
 * after its folder is complete; a failed one is left for the IP to offer again. Exit 1 when any message failed.
 * @internal
 */
export async function receive(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const filter = parseFilters((opts.filter as string[] | undefined) ?? []);
  const max = opts.once ? 1 : opts.max === undefined ? Number.POSITIVE_INFINITY : Number(opts.max);
  if (!(max >= 1) || (Number.isFinite(max) && !Number.isInteger(max))) throw new CliUsageError('--max must be a whole number above 0');
  const intervalMs = parseDuration(String(opts.interval), '--interval');
  if (opts.watch && opts.once) throw new CliUsageError('--watch and --once exclude each other');
  const outDir = resolve(ctx.io.cwd, String(opts.out));
  await mkdir(outDir, { recursive: true });
  const ip = await ctx.client();
  const out = ctx.out;
  const received: ReceivedReport[] = [];
  const failed: FailedReport[] = [];
  const seen = new Set<string>();
  let interrupted = false;
  const waiting = waitingIndicator(ctx.io, `waiting for messages (polling every ${formatDuration(intervalMs)}; Ctrl-C to stop)…`);

  while (received.length + failed.length < max) {
    if (ctx.signal.aborted) {
      interrupted = true;
      break;
    }
    let message: ReceivedOne | null;
    try {
      message = await ip.incoming.receiveOne(filter, { signal: ctx.signal });
    } catch (error) {
      waiting.stop();
      if (ctx.signal.aborted) {
        interrupted = true;
        break;
      }
      throw error;
    }
    if (!message) {
      if (!opts.watch) break;
      waiting.start();
      try {
        await sleep(intervalMs, undefined, { signal: ctx.signal });
      } catch {
        interrupted = true;
        break;
      }
      continue;
    }
    waiting.stop();
    if (seen.has(message.messageId)) {
      // Offered again within this run (its lock expired): it already failed once; leave it for a later run.
      await message.dispose();
      break;
    }
    seen.add(message.messageId);
    let stored = false;
    try {
      const report = await storeOne(message, outDir, opts.keepAsic === true, opts.allEntries === true);
      stored = true;
      await message.ack({ signal: ctx.signal });
      received.push(report);
      if (!out.json) {
        const where = relative(ctx.io.cwd, report.dir) || '.';
        out.line(
          `${out.paint('green', 'received')} ${report.messageId} ${ipText(report.type)} from ${ipText(report.sender ?? '?')} → ${ipText(where)}${
            report.alreadyOnDisk ? ' (already on disk; deleted on the IP now)' : ` (${report.files.length} file(s))`
          }`,
        );
      }
    } catch (error) {
      const info = errorInfo(error);
      failed.push({ messageId: message.messageId, error: info, stored });
      if (!out.json) {
        out.note(
          `${out.paint('red', 'failed', true)} ${message.messageId}: ${ipText(info.message)}${
            stored
              ? ' (the files are on disk, but the delete did not reach the IP: it will offer the message again)'
              : ' (nothing kept; not deleted: the IP offers it again when its lock expires)'
          }`,
        );
      }
    } finally {
      await message.dispose();
    }
  }

  waiting.stop();
  out.result({ out: outDir, received, failed, interrupted }, () => {
    if (received.length === 0 && failed.length === 0) out.line(interrupted ? 'interrupted' : 'no messages waiting');
    else out.line(`${received.length} received, ${failed.length} failed${interrupted ? ' (interrupted)' : ''}`);
  });
  if (failed.length > 0) return EXIT.failure;
  return interrupted ? 130 : EXIT.ok;
}
