/**
 * Your first integration: send an arkivmelding with one PDF, run the receiver, see LEVERT, then LEST.
 *
 *   npm run example -- first-integration
 *   IP_URL=https://localhost:9093 IP_ORGNR=910075918 IP_RECEIVER=910075918 npm run example -- first-integration
 *
 * (see examples/support/connect.ts for IP_USERNAME, IP_PASSWORD, IP_CA.) The README's "Your first integration" is the
 * same program in one block.
 *
 * 1. The case system (sak) sends arkivmelding.xml plus vedtak.pdf to the archive's organisation.
 * 2. The archive (arkiv) runs its receive loop. This comes before waiting: a message reaches LEVERT only when the
 *    receiving system has taken it from its IP (peek, pop, delete), never just by being sent.
 * 3. sak waits for LEVERT.
 * 4. arkiv answers with an arkivmelding_kvittering in the same conversation; the original reaches LEST at sak.
 * Against a real IP the arkiv half runs only when you send to your own organisation (IP_RECEIVER = IP_ORGNR);
 * otherwise your partner's archive does steps 2 and 4.
 */
import { arkivmelding, arkivmeldingKvittering, arkivmeldingXml, messageIdOf, type ReceivedMessage } from 'eformidling';
import { type ConnectOptions, connect } from './support/connect.ts';
import { pdf } from './support/content.ts';
import { runMain } from './support/run.ts';
import { type LogFn, shortId, timeline } from './support/timeline.ts';

/** Options of {@link main}. */
export interface FirstIntegrationOptions extends ConnectOptions {
  /** Give up waiting for LEVERT and for LEST after this long. @defaultValue 20 s on the simulator, 30 minutes on a real IP */
  timeoutMs?: number;
  log?: LogFn;
}

/** What {@link main} saw. */
export interface FirstIntegrationResult {
  messageId: string;
  /** The main document as the archive found it in the ASiC-E (undefined when a partner's archive took it). */
  mainDocument: string | undefined;
  /** The statuses at sak when LEVERT was reached, oldest first. */
  delivered: string[];
  /** The statuses at sak when LEST was reached, oldest first. */
  read: string[];
}

export async function main(options: FirstIntegrationOptions = {}): Promise<FirstIntegrationResult> {
  const t = timeline(options.log);
  const conn = await connect(options);
  const timeoutMs = options.timeoutMs ?? (conn.simulated ? 20_000 : 30 * 60_000);
  const pollIntervalMs = conn.pollIntervalMs;
  try {
    const sak = conn.sender;
    const arkiv = conn.receiver;

    // 1. Send: arkivmelding.xml names each document, and every name it gives must be sent.
    const stored = await sak.sendTo(conn.requireReceiver(), arkivmelding({ sender: conn.senderOrg, hoveddokument: 'vedtak.pdf' }), [
      { filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel: 'Vedtak i byggesak 2026/1234', files: ['vedtak.pdf'] }) },
      { filename: 'vedtak.pdf', content: pdf('Vedtak i byggesak 2026/1234'), mimeType: 'application/pdf' },
    ]);
    const messageId = messageIdOf(stored) as string;
    t.step(`sak: sent arkivmelding ${shortId(messageId)}`);

    // 2. The receiver's loop runs before anyone waits for LEVERT.
    let received: ReceivedMessage | undefined;
    let mainDocument: string | undefined;
    const playArkiv = conn.simulated || conn.receiverOrg === conn.senderOrg;
    const loop = playArkiv
      ? arkiv.receive(
          async (message) => {
            mainDocument = (await message.asic?.open())?.mainDocument?.name;
            received = message; // a real archive files the message here; it is deleted from the IP once this resolves
            t.step(`arkiv: took ${message.type} ${shortId(message.messageId)}, main document ${mainDocument}`);
          },
          { filter: { messageId }, maxMessages: 1, pollIntervalMs, signal: AbortSignal.timeout(timeoutMs) },
        )
      : undefined;

    // 3. LEVERT at the sender.
    const delivered = (await sak.waitForDelivery(messageId, { timeoutMs, pollIntervalMs })).map((s) => s.status);
    t.step(`sak: ${delivered.join(' → ')}`);
    await loop?.done;

    // 4. The archive's arkivmelding_kvittering turns the original into LEST.
    if (loop) {
      if (!received) throw new Error(`arkiv did not receive ${messageId} within ${timeoutMs} ms`);
      const kvittering = arkivmeldingKvittering({
        receiver: received.sender,
        conversationId: received.conversationId,
        relatedToMessageId: messageId,
        receiptType: 'OK',
      });
      await arkiv.send({ sbd: kvittering });
      t.step(`arkiv: sent arkivmelding_kvittering OK for ${shortId(messageId)}`);
    }
    const read = (await sak.waitForDelivery(messageId, { until: 'LEST', timeoutMs, pollIntervalMs })).map((s) => s.status);
    t.step(`sak: ${read.at(-1)}`);
    return { messageId, mainDocument, delivered, read };
  } finally {
    await conn.close();
  }
}

runMain(import.meta.url, main);
