import type { MessageStatus } from '../../models/status.js';
import { DeliveryFailedError, DeliveryTimeoutError } from '../../tracking/errors.js';
import type { CommandContext } from '../context.js';
import { formatDuration, parseDuration } from '../duration.js';
import { EXIT } from '../errors.js';
import { glossStatus, type Output } from '../output.js';
import { ipText } from '../text.js';

function statusTable(out: Output, statuses: readonly MessageStatus[]): void {
  out.table(statuses, [
    { header: 'ID', value: (s) => String(s.id) },
    { header: 'TIME', value: (s) => s.lastUpdate },
    { header: 'STATUS', value: (s) => glossStatus(s.status), colour: (s) => out.statusColour(s.status) },
    { header: 'DESCRIPTION', value: (s) => s.description ?? '', flexible: true },
  ]);
}

/**
 * Waits for one message with a per-id tracker, printing each new status (human mode). Exit 0 when delivered, 3 when
 * it failed or expired, 1 when `timeoutMs` ran out first.
 * @internal
 */
export async function waitAndReport(
  ctx: CommandContext,
  messageId: string,
  options: { until: 'LEVERT' | 'LEST'; timeoutMs: number; pollIntervalMs: number; extra?: Record<string, unknown> },
): Promise<number> {
  const ip = await ctx.client();
  const out = ctx.out;
  const tracker = ip.track([messageId], {
    strategy: 'per-id',
    until: options.until,
    pollIntervalMs: options.pollIntervalMs,
    maxPollIntervalMs: Math.max(options.pollIntervalMs, 30_000),
    signal: ctx.signal,
  });
  if (!out.json) {
    tracker.on('status', (update) => {
      const s = update.status;
      out.line(`  ${ipText(s.lastUpdate)}  ${out.status(s.status)}${s.description ? `  ${ipText(s.description)}` : ''}`);
    });
  }
  const base = { messageId, until: options.until, ...options.extra };
  try {
    const history = await tracker.waitFor(messageId, { until: options.until, timeoutMs: options.timeoutMs, signal: ctx.signal });
    const last = history.at(-1);
    out.result({ ...base, outcome: 'delivered', status: last?.status, history }, () => {
      out.line(`${messageId}: ${out.status(last?.status ?? options.until)}`);
    });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof DeliveryFailedError) {
      const s = error.status;
      out.result(
        { ...base, outcome: 'failed', status: s.status, description: s.description, rawReceipt: s.rawReceipt, history: error.history },
        () => {
          out.line(`${messageId}: ${out.status(s.status)}${s.description ? `: ${s.description}` : ''}`);
        },
      );
      return EXIT.deliveryFailed;
    }
    if (error instanceof DeliveryTimeoutError) {
      const last = error.history.at(-1);
      out.result({ ...base, outcome: 'timeout', status: last?.status, history: error.history }, () => {
        out.line(
          `${messageId}: not ${options.until} after ${formatDuration(options.timeoutMs)}${last ? `; still ${glossStatus(last.status)}` : ''} (nothing was cancelled)`,
        );
      });
      return EXIT.failure;
    }
    throw error;
  } finally {
    await tracker.stop().catch(() => {});
  }
}

/**
 * `eformidling status <messageId> [--wait] [--until LEVERT|LEST] [--wait-timeout] [--interval]`.
 * Without `--wait`: the history as a table, exit 1 when the IP knows no status for the id.
 * @internal
 */
export async function status(ctx: CommandContext, messageId: string, opts: Record<string, unknown>): Promise<number> {
  const until = opts.until as 'LEVERT' | 'LEST';
  if (opts.wait) {
    const timeoutMs = parseDuration(String(opts.waitTimeout), '--wait-timeout');
    const pollIntervalMs = parseDuration(String(opts.interval), '--interval');
    await ctx.client();
    if (!ctx.out.json) ctx.out.line(`waiting for ${messageId} to reach ${glossStatus(until)} (at most ${formatDuration(timeoutMs)})…`);
    return waitAndReport(ctx, messageId, { until, timeoutMs, pollIntervalMs });
  }
  const ip = await ctx.client();
  const statuses: MessageStatus[] = [];
  for await (const s of ip.statuses.forMessage(messageId, { signal: ctx.signal, pageSize: 100 })) {
    statuses.push(s);
    if (statuses.length >= 1000) break;
  }
  statuses.sort((a, b) => a.id - b.id);
  const out = ctx.out;
  const last = statuses.at(-1);
  out.result({ messageId, status: last?.status, statuses }, () => {
    if (!last) return;
    statusTable(out, statuses);
    out.line();
    out.line(`now: ${out.status(last.status)}`);
  });
  if (!last) {
    out.note(`no statuses for ${messageId}: the IP does not know this messageId (or its conversation was deleted)`);
    return EXIT.failure;
  }
  return EXIT.ok;
}

export { statusTable };
