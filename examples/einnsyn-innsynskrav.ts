/**
 * eInnsyn: receive an innsynskrav (a request for access to public records) and answer with an einnsyn_kvittering.
 *
 *   npm run example -- einnsyn-innsynskrav
 *   IP_URL=https://localhost:9093 npm run example -- einnsyn-innsynskrav     # answers the innsynskrav in your queue
 *
 * (see examples/support/connect.ts for IP_USERNAME, IP_PASSWORD, IP_CA.)
 *
 * Innsynskrav arrive over DPE from eInnsyn's integrasjonspunkt. The ASiC-E carries the order (`order.xml`: who asks
 * for which journal entries) and the e-mail text for the case worker. The receiving system registers the request
 * and answers with an einnsyn_kvittering in the same conversation. On the simulator, eInnsyn (910076221) sends one
 * innsynskrav to Eksempel kommune (910075918) first, and takes the kvittering at the end. The order.xml here is a
 * simplified stand-in for eInnsyn's format; the receipt's `status` values are agreed with eInnsyn.
 */
import { einnsynKvittering, innsynskrav, messageIdOf, PROCESSES, type ReceivedMessage, type Upload } from 'eformidling';
import { EINNSYN, KOMMUNE } from 'eformidling/mock';
import { type Connection, type ConnectOptions, connect } from './support/connect.ts';
import { runMain } from './support/run.ts';
import { type LogFn, shortId, timeline } from './support/timeline.ts';

/** Options of {@link main}. */
export interface InnsynskravOptions extends ConnectOptions {
  /** Stop after this long at the latest. @defaultValue 20 s on the simulator, 10 minutes on a real IP */
  timeoutMs?: number;
  log?: LogFn;
}

/** One answered innsynskrav. */
export interface AnsweredInnsynskrav {
  messageId: string;
  /** The requester's e-mail (`innsynskrav.epost`). */
  epost: string | undefined;
  /** Journal entries asked for (from order.xml). */
  journalposter: string[];
  /** The einnsyn_kvittering sent back. */
  kvitteringId: string;
}

/** What {@link main} did. */
export interface InnsynskravResult {
  answered: AnsweredInnsynskrav[];
  /** Simulator only: the kvittering as eInnsyn received it. */
  receivedByEinnsyn: { dokumentId: string; status: string; referanseType: string } | undefined;
}

function orderXml(id: string, journalposter: string[]): string {
  const documents = journalposter.map((j) => `    <dokument><journalnr>${j}</journalnr></dokument>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bestilling>
  <id>${id}</id>
  <bestillingsdato>${new Date().toISOString().slice(0, 10)}</bestillingsdato>
  <bestiller><navn>Ola Nordmann</navn><epost>ola.nordmann@example.com</epost></bestiller>
  <dokumenter>
${documents}
  </dokumenter>
</bestilling>
`;
}

/** Simulator only: eInnsyn sends one innsynskrav for two journal entries to the kommune. */
async function sendDemoInnsynskrav(conn: Connection): Promise<string> {
  const einnsyn = conn.clientFor(EINNSYN);
  const orderId = crypto.randomUUID();
  const files: Upload[] = [
    { filename: 'order.xml', content: orderXml(orderId, ['2025/117-3', '2025/121-1']), mimeType: 'application/xml' },
    { filename: 'emailtext', content: 'Ola Nordmann ber om innsyn i to journalposter.', mimeType: 'text/plain' },
  ];
  const sbd = innsynskrav({ sender: EINNSYN, orgnr: KOMMUNE, epost: 'ola.nordmann@example.com', hoveddokument: 'order.xml' });
  return messageIdOf(await einnsyn.sendTo(KOMMUNE, sbd, files)) as string;
}

export async function main(options: InnsynskravOptions = {}): Promise<InnsynskravResult> {
  const t = timeline(options.log);
  const conn = await connect(options);
  const timeoutMs = options.timeoutMs ?? (conn.simulated ? 20_000 : 10 * 60_000);
  try {
    if (conn.simulated) t.step(`eInnsyn sent innsynskrav ${shortId(await sendDemoInnsynskrav(conn))}`);

    const answered: AnsweredInnsynskrav[] = [];
    const kommune = conn.receiver;
    // Only innsynskrav: DPE in the innsynskrav process. Anything else stays in the queue for other loops.
    const loop = kommune.receive(
      async (message: ReceivedMessage) => {
        const order = (await (await message.asic?.open())?.readEntry('order.xml'))?.toString('utf8');
        if (!order) throw new Error(`innsynskrav ${message.messageId} has no order.xml`);
        const journalposter = [...order.matchAll(/<journalnr>([^<]+)<\/journalnr>/g)].map((m) => m[1] as string);
        const orderId = /<id>([^<]+)<\/id>/.exec(order)?.[1] ?? message.messageId;
        const epost = (message.businessMessage as { epost?: string } | undefined)?.epost;
        t.step(`innsynskrav ${shortId(message.messageId)} from ${epost}: ${journalposter.join(', ')}`);

        // Register the request in the case system here, then acknowledge it to eInnsyn, in the same conversation.
        // (Answering inside the handler: if the delete afterwards fails, a redelivery answers again; a processed-id
        // store, see receive-loop.ts, keeps that from happening after a restart.)
        const kvittering = einnsynKvittering({
          receiver: message.sender, // the sender is left out: the IP fills in its own organisation
          conversationId: message.conversationId,
          dokumentId: orderId,
          status: 'mottatt',
          referanseType: 'innsynskrav',
        });
        const sent = await kommune.send({ sbd: kvittering });
        const kvitteringId = messageIdOf(sent) as string;
        answered.push({ messageId: message.messageId, epost, journalposter, kvitteringId });
        t.step(`einnsyn_kvittering ${shortId(kvitteringId)} sent to ${message.sender}`);
      },
      {
        filter: { serviceIdentifier: 'DPE', process: PROCESSES.einnsyn.innsynskrav },
        pollIntervalMs: conn.pollIntervalMs,
        // The simulator: the one demo request. A real IP: until the queue is empty.
        ...(conn.simulated ? { maxMessages: 1 } : { stopWhenIdle: true }),
        signal: AbortSignal.timeout(timeoutMs),
      },
    );
    loop.on('failed', ({ messageId, stage, error }) => t.step(`${shortId(messageId)} failed at ${stage}: ${String(error)}`));
    const report = await loop.done;
    t.step(`answered ${answered.length} innsynskrav (loop stopped: ${report.stoppedBy})`);

    // Simulator only: eInnsyn's side takes the kvittering.
    let receivedByEinnsyn: InnsynskravResult['receivedByEinnsyn'];
    if (conn.simulated && answered.length > 0) {
      const einnsynLoop = conn.clientFor(EINNSYN).receive(
        (message) => {
          receivedByEinnsyn = message.businessMessage as typeof receivedByEinnsyn;
          t.step(`eInnsyn got ${message.type}: ${JSON.stringify(message.businessMessage)}`);
        },
        {
          filter: { process: PROCESSES.einnsyn.response },
          maxMessages: 1,
          pollIntervalMs: conn.pollIntervalMs,
          signal: AbortSignal.timeout(timeoutMs),
        },
      );
      await einnsynLoop.done;
    }
    return { answered, receivedByEinnsyn };
  } finally {
    await conn.close();
  }
}

runMain(import.meta.url, main);
