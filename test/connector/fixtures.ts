/** Helpers for the connector's integration tests: send arkivmeldinger through the simulator, collect notifications. */
import { randomUUID } from 'node:crypto';
import { IntegrasjonspunktClient, type MessageStatus, type StandardBusinessDocument } from 'eformidling';
import { type SimulatorServer, startSimulator } from 'eformidling/mock';
import type { NotificationEvent } from 'eformidling/rabbitmq';
import { afterAll, beforeAll } from 'vitest';
import { startBroker, type TestBroker } from './broker.js';

export const SENDER = '910077473';
export const RECEIVER = '910075918';
export const ARKIVMELDING_PROCESS = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';

/** What a broker suite runs on: a private broker, the simulator's HTTP server, clients for the sender's and receiver's IPs. */
export interface BrokerNetwork {
  broker: TestBroker;
  sim: SimulatorServer;
  sender: IntegrasjonspunktClient;
  receiver: IntegrasjonspunktClient;
}

/**
 * Fills `net` before the suite's tests and stops its broker and simulator after them. Call inside the suite's
 * `describe.skipIf(!services().rabbitmq)`, so nothing starts where there is no rabbitmq-server.
 */
export function startBrokerNetwork(net: BrokerNetwork): void {
  beforeAll(async () => {
    net.broker = await startBroker();
    net.sim = await startSimulator({ port: 0, host: '127.0.0.1' });
    net.sender = new IntegrasjonspunktClient({ baseUrl: net.sim.baseUrl(SENDER), retry: 1 });
    net.receiver = new IntegrasjonspunktClient({ baseUrl: net.sim.baseUrl(RECEIVER), retry: 1 });
  }, 180_000);
  afterAll(async () => {
    await net.sim?.close();
    await net.broker?.close();
  }, 60_000);
}

/** A status as the IP's `/api/statuses` lists it, for the notification contract tests. */
export const LEVERT_STATUS: MessageStatus = {
  id: 4630,
  lastUpdate: '2026-08-20T09:31:02.25+02:00',
  status: 'LEVERT',
  convId: 4410,
  messageId: '5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90',
  conversationId: 'b4e9a1c2-0f6d-4c3b-8e27-91d5a6f3c0e1',
};

const arkivmeldingXml = (file: string) => `<?xml version="1.0" encoding="UTF-8"?>
<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <system>Connector test</system>
  <meldingId>${randomUUID()}</meldingId>
  <tidspunkt>2026-08-20T09:10:00</tidspunkt>
  <antallFiler>1</antallFiler>
  <mappe xsi:type="saksmappe">
    <systemID>${randomUUID()}</systemID>
    <tittel>Byggesak</tittel>
    <basisregistrering xsi:type="journalpost">
      <systemID>${randomUUID()}</systemID>
      <dokumentbeskrivelse>
        <systemID>${randomUUID()}</systemID>
        <tittel>Vedtak</tittel>
        <tilknyttetRegistreringSom>Hoveddokument</tilknyttetRegistreringSom>
        <dokumentnummer>1</dokumentnummer>
        <dokumentobjekt><referanseDokumentfil>${file}</referanseDokumentfil></dokumentobjekt>
      </dokumentbeskrivelse>
      <tittel>Vedtak i byggesak</tittel>
      <offentligTittel>Vedtak i byggesak</offentligTittel>
      <journalpostnummer>17</journalpostnummer>
    </basisregistrering>
  </mappe>
</arkivmelding>`;

/** Sends one arkivmelding from `from` to `to` (one-step multipart) and returns its messageId. */
export async function sendArkivmelding(from: IntegrasjonspunktClient, to = RECEIVER, sender = SENDER): Promise<string> {
  const messageId = randomUUID();
  const sbd = {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${sender}` } }],
      receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${to}` } }],
      documentIdentification: {
        standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
        typeVersion: '2.0',
        instanceIdentifier: messageId,
        type: 'arkivmelding',
      },
      businessScope: {
        scope: [{ type: 'ConversationId', instanceIdentifier: randomUUID(), identifier: ARKIVMELDING_PROCESS }],
      },
    },
    arkivmelding: { hoveddokument: 'vedtak.pdf', sikkerhetsnivaa: 3 },
  } as unknown as StandardBusinessDocument;
  await from.outgoing.sendMultipart(sbd, [
    { filename: 'arkivmelding.xml', content: arkivmeldingXml('vedtak.pdf'), mimeType: 'application/xml' },
    { filename: 'vedtak.pdf', content: new TextEncoder().encode('%PDF-1.7 test'), mimeType: 'application/pdf' },
  ]);
  return messageId;
}

/** Receives everything queued for the receiver on the IP, as a receiving system would, so the sender sees LEVERT. */
export async function receiveAll(ip: IntegrasjonspunktClient): Promise<void> {
  for (;;) {
    const sbd = await ip.incoming.peek();
    if (!sbd) return;
    const id = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier ?? '';
    await (await ip.incoming.pop(id))?.arrayBuffer();
    await ip.incoming.delete(id);
  }
}

/** Every status id the IP has, in id order (the ground truth for "nothing lost"). */
export async function allStatuses(ip: IntegrasjonspunktClient) {
  const out = [];
  for await (const s of ip.statuses.list({ sort: 'id,asc', pageSize: 2000 })) out.push(s);
  return out;
}

/** Waits (bounded) until `condition()` holds, polling every 20 ms. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A received notification with its routing key. */
export interface Received {
  event: NotificationEvent;
  routingKey: string;
  redelivered: boolean;
}
