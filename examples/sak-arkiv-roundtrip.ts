/**
 * A case-handling system (sak) and an archive (arkiv): arkivmelding out, arkivmelding_kvittering back.
 *
 *   npm run example -- sak-arkiv-roundtrip
 *   IP_URL=https://localhost:9093 IP_ORGNR=910075918 IP_RECEIVER=910075918 npm run example -- sak-arkiv-roundtrip
 *
 * (see examples/support/connect.ts for IP_USERNAME, IP_PASSWORD, IP_CA.)
 *
 * 1. sak sends an arkivmelding (a journal entry with its document) to the archive's organisation;
 * 2. arkiv's receive loop takes it, reads arkivmelding.xml and "files" it; the message reaches LEVERT;
 * 3. arkiv answers with an arkivmelding_kvittering in the same conversation (`relatedToMessageId` = the original);
 * 4. the original reaches LEST at sak, and sak's own receive loop takes the kvittering (a receipt: no ASiC-E).
 * Both loops filter on the conversation, so on a real IP they touch no other message. Against a real IP the arkiv
 * half runs only when you send to your own organisation (IP_RECEIVER = IP_ORGNR); otherwise the partner's archive
 * answers and this script waits for it.
 */
import {
  arkivmelding,
  arkivmeldingKvittering,
  conversationIdOf,
  messageIdOf,
  PROCESSES,
  type ReceivedMessage,
  type Upload,
} from 'eformidling';
import { type ConnectOptions, connect } from './support/connect.ts';
import { arkivmeldingXml, pdf } from './support/content.ts';
import { runMain } from './support/run.ts';
import { type LogFn, shortId, timeline } from './support/timeline.ts';

/** Options of {@link main}. */
export interface RoundtripOptions extends ConnectOptions {
  /** Give up after this long. @defaultValue 20 s on the simulator, 30 minutes on a real IP */
  timeoutMs?: number;
  log?: LogFn;
}

/** What {@link main} saw. */
export interface RoundtripResult {
  messageId: string;
  conversationId: string;
  /** `offentligTittel` as the archive read it from arkivmelding.xml (undefined when a partner's archive answered). */
  archivedTitle: string | undefined;
  /** The kvittering sak received. */
  kvittering: { messageId: string; receiptType: string | undefined; relatedToMessageId: string | undefined };
  /** The original's statuses at sak, oldest first (… LEVERT, LEST). */
  statuses: string[];
}

const TITLE = 'Tilskudd til kulturformål – vedtak';

export async function main(options: RoundtripOptions = {}): Promise<RoundtripResult> {
  const t = timeline(options.log);
  const conn = await connect(options);
  const timeoutMs = options.timeoutMs ?? (conn.simulated ? 20_000 : 30 * 60_000);
  const poll = { pollIntervalMs: conn.pollIntervalMs, maxPollIntervalMs: conn.pollIntervalMs * 4 };
  try {
    const sak = conn.sender;
    const arkiv = conn.receiver;

    // 1. sak sends.
    const files: Upload[] = [
      { filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel: TITLE, files: ['vedtak.pdf'] }), mimeType: 'application/xml' },
      { filename: 'vedtak.pdf', content: pdf('Vedtak om tilskudd'), mimeType: 'application/pdf' },
    ];
    const sent = await sak.sendTo(conn.requireReceiver(), arkivmelding({ sender: conn.senderOrg, hoveddokument: 'vedtak.pdf' }), files);
    const messageId = messageIdOf(sent) as string;
    const conversationId = conversationIdOf(sent) as string;
    t.step(`sak: sent arkivmelding ${shortId(messageId)} in conversation ${shortId(conversationId)}`);

    // 2. + 3. The archive: take the arkivmelding, file it, then acknowledge it.
    let archivedTitle: string | undefined;
    const playArkiv = conn.simulated || conn.receiverOrg === conn.senderOrg;
    if (playArkiv) {
      let original: ReceivedMessage | undefined;
      const arkivLoop = arkiv.receive(
        async (message) => {
          const xml = (await (await message.asic?.open())?.readEntry('arkivmelding.xml'))?.toString('utf8') ?? '';
          archivedTitle = /<offentligTittel>([^<]*)<\/offentligTittel>/.exec(xml)?.[1];
          if (!archivedTitle) throw new Error('arkivmelding.xml has no offentligTittel');
          original = message;
          t.step(`arkiv: filed ${shortId(message.messageId)} "${archivedTitle}" from ${message.sender}`);
        },
        {
          filter: { conversationId, process: PROCESSES.arkivmelding.administrasjon },
          maxMessages: 1,
          ...poll,
          signal: AbortSignal.timeout(timeoutMs),
        },
      );
      await arkivLoop.done;
      if (!original) throw new Error(`arkiv did not receive ${messageId} within ${timeoutMs} ms`);

      // The kvittering goes back to the sender, in the same conversation, naming the original.
      const kvittering = arkivmeldingKvittering({
        receiver: original.sender, // the sender is left out: the IP fills in its own organisation
        conversationId,
        relatedToMessageId: messageId,
        receiptType: 'OK',
        messages: [{ code: 'OK', text: 'Journalført' }],
      });
      await arkiv.send({ sbd: kvittering }); // a receipt carries no files
      t.step(`arkiv: sent arkivmelding_kvittering OK for ${shortId(messageId)}`);
    }

    // 4. sak: LEST on the original (waitForDelivery resolves at LEVERT by default; ask for LEST) …
    const history = await sak.waitForDelivery(messageId, { until: 'LEST', timeoutMs, pollIntervalMs: conn.pollIntervalMs });
    const statuses = history.map((s) => s.status);
    t.step(`sak: ${shortId(messageId)} ${statuses.join(' → ')}`);

    // … and the kvittering itself in sak's queue (receipts appear there too; pop answers 204, so no ASiC-E).
    let kvittering: RoundtripResult['kvittering'] | undefined;
    const sakLoop = sak.receive(
      (message) => {
        const body = message.businessMessage as { receiptType?: string; relatedToMessageId?: string } | undefined;
        kvittering = { messageId: message.messageId, receiptType: body?.receiptType, relatedToMessageId: body?.relatedToMessageId };
        t.step(`sak: got ${message.type} ${body?.receiptType} for ${shortId(body?.relatedToMessageId)}`);
      },
      {
        filter: { conversationId, process: PROCESSES.arkivmelding.response },
        maxMessages: 1,
        ...poll,
        signal: AbortSignal.timeout(timeoutMs),
      },
    );
    await sakLoop.done;
    if (!kvittering) throw new Error(`no kvittering for ${messageId} within ${timeoutMs} ms`);
    return { messageId, conversationId, archivedTitle, kvittering, statuses };
  } finally {
    await conn.close();
  }
}

runMain(import.meta.url, main);
