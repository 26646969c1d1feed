/**
 * One IP, many consumers: the RabbitMQ notification bridge with two consuming systems.
 *
 *   AMQP_URL=amqp://guest:guest@127.0.0.1:5672/ npm run example -- rabbitmq-bridge
 *
 * No broker at hand? `node_modules/.bin/node test/connector/broker.ts` starts a private one
 * on 127.0.0.1 and prints its AMQP_URL. The IP is the SDK's simulator, so nothing else is needed.
 *
 * What happens:
 * - the bridge follows the receiving organisation's IP and publishes one CloudEvent per new status and per newly
 *   arrived message to the topic exchange `eformidling` (routing keys `eformidling.event.message.<status>` and
 *   `eformidling.event.incoming.<documentType>`);
 * - "dashboard" binds `eformidling.event.message.*` and prints every status;
 * - "archive" binds `eformidling.event.incoming.#` and fetches each message from the IP (notify-then-fetch: peek by
 *   messageId → pop → store → delete), so several archive instances could share the queue or the IP safely;
 * - the sending organisation sends two arkivmeldinger; when both are archived (and the dashboard has seen
 *   INNKOMMENDE_LEVERT for both) everything shuts down.
 *
 * The message contract (CloudEvents 1.0, JSON, `content-type: application/cloudevents+json`):
 *   { "specversion": "1.0", "id": "status-4630" | "incoming-<messageId>",
 *     "type": "no.eformidling.message.status" | "no.eformidling.message.incoming",
 *     "source": "<IP base URL>", "subject": "/api/statuses/<messageId>" | "/api/messages/in/<messageId>",
 *     "time": "...", "datacontenttype": "application/json",
 *     "data": { messageId, conversationId, status, statusId, description, direction, serviceIdentifier, process,
 *               documentType } }   // ids and metadata only, never document content
 */
import { arkivmelding, IntegrasjonspunktClient } from 'eformidling';
import { DEPARTEMENT, KOMMUNE, startSimulator } from 'eformidling/mock';
import { consumeNotifications, createNotificationBridge, fetchIncoming, MemoryBridgeStateStore } from 'eformidling/rabbitmq';

const amqpUrl = process.env.AMQP_URL;
if (!amqpUrl) {
  console.error('Set AMQP_URL (e.g. start a private broker: node_modules/.bin/node test/connector/broker.ts)');
  process.exit(2);
}

const server = await startSimulator({ port: 0 });
const sender = new IntegrasjonspunktClient({ baseUrl: server.baseUrl(DEPARTEMENT), userAgent: 'Example Sak/1.0' });
const ip = new IntegrasjonspunktClient({ baseUrl: server.baseUrl(KOMMUNE), userAgent: 'Example Arkiv/1.0' });
const exchange = `eformidling.example.${process.pid}`;

// The bridge: one per IP. In production give it new JsonFileBridgeStateStore('/var/lib/…/state.json') so a restart resumes.
const bridge = createNotificationBridge({
  ip,
  amqpUrl,
  exchange,
  store: new MemoryBridgeStateStore(),
  startFrom: 'beginning',
  pollIntervalMs: 200,
});
bridge.on('error', (error) => console.warn(`[bridge] retrying after: ${error.message}`));

// Consumer 1: a dashboard that only wants statuses.
const delivered = new Set<string>();
const dashboard = consumeNotifications({
  amqpUrl,
  exchange,
  queue: `${exchange}.dashboard`,
  bindings: ['eformidling.event.message.*'],
  prefetch: 50,
  handler: (event, { routingKey }) => {
    console.log(`[dashboard] ${routingKey.padEnd(45)} ${event.data.messageId} ${event.data.status}`);
    if (event.data.status === 'INNKOMMENDE_LEVERT') delivered.add(event.data.messageId);
  },
});

// Consumer 2: an archive that fetches every arrived message from the IP itself.
const archived = new Set<string>();
const archive = consumeNotifications({
  amqpUrl,
  exchange,
  queue: `${exchange}.archive`,
  bindings: ['eformidling.event.incoming.#'],
  prefetch: 5,
  handler: fetchIncoming(ip, async ({ messageId, sbd, download }) => {
    const bytes = download ? (await download.arrayBuffer()).byteLength : 0;
    console.log(`[archive]   stored ${sbd.standardBusinessDocumentHeader.documentIdentification.type} ${messageId} (${bytes} bytes)`);
    archived.add(messageId);
  }),
});
await Promise.all([dashboard.ready, archive.ready]);

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <system>Example Sak</system><meldingId>1</meldingId><tidspunkt>2026-08-20T09:10:00</tidspunkt><antallFiler>1</antallFiler>
  <mappe xsi:type="saksmappe"><systemID>sak-1</systemID><tittel>Byggesak</tittel>
    <basisregistrering xsi:type="journalpost"><systemID>jp-1</systemID>
      <dokumentbeskrivelse><systemID>d-1</systemID><tittel>Vedtak</tittel>
        <tilknyttetRegistreringSom>Hoveddokument</tilknyttetRegistreringSom><dokumentnummer>1</dokumentnummer>
        <dokumentobjekt><referanseDokumentfil>vedtak.pdf</referanseDokumentfil></dokumentobjekt>
      </dokumentbeskrivelse>
      <tittel>Vedtak</tittel><offentligTittel>Vedtak</offentligTittel><journalpostnummer>1</journalpostnummer>
    </basisregistrering>
  </mappe>
</arkivmelding>`;

const sent: string[] = [];
for (let i = 0; i < 2; i++) {
  const sbd = await sender.send({
    sbd: arkivmelding({ sender: DEPARTEMENT, receiver: KOMMUNE, hoveddokument: 'vedtak.pdf' }),
    files: [
      { filename: 'arkivmelding.xml', content: xml, mimeType: 'application/xml' },
      { filename: 'vedtak.pdf', content: new TextEncoder().encode('%PDF-1.7 example'), mimeType: 'application/pdf' },
    ],
  });
  sent.push(sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier ?? '');
}
console.log(`[sender]    sent ${sent.join(', ')}`);

const deadline = Date.now() + 30_000;
while (!sent.every((id) => archived.has(id) && delivered.has(id))) {
  if (Date.now() > deadline) throw new Error('timed out: is the broker reachable?');
  await new Promise((resolve) => setTimeout(resolve, 100));
}
console.log(`[bridge]    ${JSON.stringify(bridge.stats)}`);
await Promise.all([dashboard.close(), archive.close()]);
await bridge.stop();
await server.close();
