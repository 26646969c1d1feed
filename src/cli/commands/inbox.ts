import { conversationIdOf, expiryOf, messageIdOf, processOf, type StandardBusinessDocument, senderOf, typeOf } from '../../models/sbd.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../errors.js';
import { displayTime, shortProcess } from '../output.js';
import { limitOf } from './statuses.js';

/**
 * `eformidling inbox [--process] [--service] [--from] [--limit]`: lists the incoming queue with
 * `GET /api/messages/in`, which locks nothing (peek would).
 * @internal
 */
export async function inbox(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const limit = limitOf(opts.limit);
  const ip = await ctx.client();
  const filter = {
    ...(opts.process ? { process: String(opts.process) } : {}),
    ...(opts.service ? { serviceIdentifier: String(opts.service) } : {}),
    ...(opts.from ? { senderIdentifier: String(opts.from) } : {}),
  };
  const messages: StandardBusinessDocument[] = [];
  for await (const sbd of ip.incoming.list({ ...filter, pageSize: Math.min(limit, 2000) }, { signal: ctx.signal })) {
    messages.push(sbd);
    if (messages.length >= limit) break;
  }
  const rows = messages.map((sbd) => ({
    messageId: messageIdOf(sbd),
    conversationId: conversationIdOf(sbd),
    type: typeOf(sbd),
    sender: senderOf(sbd),
    process: processOf(sbd),
    created: sbd.standardBusinessDocumentHeader.documentIdentification.creationDateAndTime,
    expires: expiryOf(sbd),
  }));
  const out = ctx.out;
  out.result({ count: rows.length, messages: rows }, () => {
    if (rows.length === 0) {
      out.line('the inbox is empty');
      return;
    }
    out.table(rows, [
      { header: 'MESSAGE ID', value: (r) => r.messageId ?? '-' },
      { header: 'TYPE', value: (r) => r.type },
      { header: 'FROM', value: (r) => r.sender ?? '-' },
      { header: 'CREATED', value: (r) => displayTime(r.created) },
      { header: 'EXPIRES', value: (r) => displayTime(r.expires) },
      { header: 'PROCESS', value: (r) => shortProcess(r.process), flexible: true },
    ]);
    out.line();
    out.line(
      `${rows.length} message(s)${rows.length === limit ? ` (the first ${limit}; raise --limit for more)` : ''}; take them with: eformidling receive --out <dir>`,
    );
  });
  return EXIT.ok;
}
