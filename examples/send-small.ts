/**
 * Send a small arkivmelding: `arkivmelding.xml` plus one PDF, in one multipart request (one-step).
 *
 *   npm run example -- send-small                    # against the embedded simulator
 *   IP_URL=https://localhost:9093 IP_RECEIVER=910075918 npm run example -- send-small
 *
 * (see examples/support/connect.ts for IP_USERNAME, IP_PASSWORD, IP_CA.)
 *
 * `ip.sendTo()` first asks the receiver's capabilities whether it accepts this process and document type (and throws
 * `ReceiverNotCapableError` if not), validates the message locally (every file arkivmelding.xml names is attached),
 * then sends. With strategy `auto` (the default), small files go one-step; see send-large.ts for the other way.
 */
import { arkivmelding, chooseStrategy, conversationIdOf, messageIdOf, type Upload } from 'eformidling';
import { type ConnectOptions, connect } from './support/connect.ts';
import { arkivmeldingXml, pdf } from './support/content.ts';
import { runMain } from './support/run.ts';
import { type LogFn, timeline } from './support/timeline.ts';

/** Options of {@link main}. */
export interface SendSmallOptions extends ConnectOptions {
  log?: LogFn;
}

/** What {@link main} did. */
export interface SendSmallResult {
  messageId: string;
  conversationId: string | undefined;
  /** The strategy `auto` picked: `one-step` for files this small. */
  strategy: 'one-step' | 'multi-step';
  /** The message's statuses on the sender's IP right after sending, e.g. OPPRETTET, SENDT. */
  statuses: string[];
}

export async function main(options: SendSmallOptions = {}): Promise<SendSmallResult> {
  const t = timeline(options.log);
  const conn = await connect(options);
  try {
    const receiver = conn.requireReceiver();

    // The message: arkivmelding.xml describes the case, the journal entry and its documents; the PDF is the one
    // document it names. Every file named there must be sent, and nothing else besides arkivmelding.xml.
    const files: Upload[] = [
      {
        filename: 'arkivmelding.xml',
        content: arkivmeldingXml({ tittel: 'Vedtak om skjenkebevilling', files: ['vedtak.pdf'] }),
        mimeType: 'application/xml',
      },
      { filename: 'vedtak.pdf', content: pdf('Vedtak om skjenkebevilling'), mimeType: 'application/pdf' },
    ];
    const sbd = arkivmelding({ sender: conn.senderOrg, hoveddokument: 'vedtak.pdf' });

    // Capabilities check + local validation + one multipart POST /api/messages/out/multipart.
    const stored = await conn.sender.sendTo(receiver, sbd, files);
    const messageId = messageIdOf(stored) as string;
    const conversationId = conversationIdOf(stored);
    const strategy = chooseStrategy(files);
    t.step(`sent arkivmelding ${messageId} to ${receiver} (${strategy})`);

    // What the IP has registered so far (the conversation's statuses, oldest first).
    const statuses: string[] = [];
    for await (const status of conn.sender.statuses.forMessage(messageId)) statuses.push(status.status);
    t.step(`statuses: ${statuses.join(' → ')}`);
    return { messageId, conversationId, strategy, statuses };
  } finally {
    await conn.close();
  }
}

runMain(import.meta.url, main);
