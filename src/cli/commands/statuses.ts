import type { MessageStatus } from '../../models/status.js';
import type { CommandContext } from '../context.js';
import { parseSince } from '../duration.js';
import { CliUsageError, EXIT } from '../errors.js';
import { glossStatus, STATUS_GLOSS } from '../output.js';

/** Parses `--limit`. @internal */
export function limitOf(value: unknown, max = 10_000): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliUsageError(`--limit must be a whole number from 1 to ${max}`);
  return n;
}

/**
 * `eformidling statuses [--status FEIL,LEVETID_UTLOPT] [--since 24h] [--message id] [--limit 100]`: the newest
 * matching statuses (one search per status value: the IP's filter takes one), shown oldest first.
 * @internal
 */
export async function statuses(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const limit = limitOf(opts.limit);
  const now = new Date();
  const since = opts.since === undefined ? undefined : parseSince(String(opts.since), '--since', now);
  const values =
    opts.status === undefined
      ? [undefined]
      : [
          ...new Set(
            String(opts.status)
              .split(',')
              .map((s) => s.trim().toUpperCase())
              .filter(Boolean),
          ),
        ];
  for (const v of values) {
    if (v !== undefined && !Object.hasOwn(STATUS_GLOSS, v)) {
      ctx.out.warn(`${v} is not a status this CLI knows (known: ${Object.keys(STATUS_GLOSS).join(', ')}); searching anyway`);
    }
  }
  const ip = await ctx.client();
  const found = new Map<number, MessageStatus>();
  for (const value of values) {
    const list = ip.statuses.list(
      {
        status: value,
        messageId: opts.message as string | undefined,
        // The IP applies a range only with both ends; `to` is a little ahead so clock skew hides nothing.
        ...(since ? { fromDateTime: since, toDateTime: new Date(now.getTime() + 3_600_000) } : {}),
        sort: 'id,desc',
        pageSize: Math.min(limit, 2000),
      },
      { signal: ctx.signal },
    );
    let n = 0;
    for await (const s of list) {
      found.set(s.id, s);
      if (++n >= limit) break;
    }
  }
  const rows = [...found.values()]
    .sort((a, b) => b.id - a.id)
    .slice(0, limit)
    .reverse();
  const out = ctx.out;
  out.result(rows, () => {
    if (rows.length === 0) {
      out.line('no statuses match');
      return;
    }
    out.table(rows, [
      { header: 'ID', value: (s) => String(s.id) },
      { header: 'TIME', value: (s) => s.lastUpdate },
      { header: 'STATUS', value: (s) => glossStatus(s.status), colour: (s) => out.statusColour(s.status) },
      { header: 'MESSAGE ID', value: (s) => s.messageId ?? '-' },
      { header: 'DESCRIPTION', value: (s) => s.description ?? '', flexible: true },
    ]);
    if (rows.length === limit) out.note(`(the newest ${limit}; raise --limit for more)`);
  });
  return EXIT.ok;
}
