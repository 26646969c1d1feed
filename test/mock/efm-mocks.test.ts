import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { efmMocksNetwork, type SimulatorServer, startSimulator } from 'eformidling/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnyJson, arkivmeldingXml, raw } from './fixtures.js';

/**
 * The flows of efm-mocks' load client (tests/next-move/NextMove.js in felleslosninger/efm-mocks), as its requests
 * look on the wire, against the HTTP face started with the efm-mocks preset: a webhook subscription, then for each
 * service create → PUT test.pdf → PUT arkivmelding.xml → send, each waiting for SENDT over the webhook. Every
 * message must go over the service it asked for.
 */

const CLIENT = '0192:910075918';

interface Flow {
  name: string;
  service: string;
  receiver: string;
  type: string;
  standard: string;
  process: string;
  body: Record<string, unknown>;
}

const ARKIV = 'urn:no:difi:arkivmelding:xsd::arkivmelding';
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
const arkivmelding = (service: string, process: string): Flow => ({
  name: `${service} arkivmelding (${process})`,
  service,
  receiver: CLIENT,
  type: 'arkivmelding',
  standard: ARKIV,
  process: `urn:no:difi:profile:arkivmelding:${process}:ver1.0`,
  body: { sikkerhetsnivaa: 3 },
});
const anywhere = { adresselinje2: 'x', adresselinje3: 'x', adresselinje4: 'x', landkode: 'NO', land: 'Norge' };

const FLOWS: Flow[] = [
  arkivmelding('DPO', 'administrasjon'),
  arkivmelding('DPV', 'helseSosialOgOmsorg'),
  arkivmelding('DPF', 'planByggOgGeodata'),
  {
    name: 'DPI digital',
    service: 'DPI',
    receiver: '06068700602',
    type: 'digital',
    standard: 'urn:no:difi:digitalpost:xsd:digital::digital',
    process: 'urn:no:difi:profile:digitalpost:info:ver1.0',
    // As the client writes it: a date-time for the LocalDate, a string for the Boolean, an empty unknown field.
    body: {
      ikkeSensitivTittel: 'tittel',
      spraak: 'NO',
      hoveddokument: 'test.pdf',
      tittel: 'tittel',
      sikkerhetsnivaa: 3,
      digitalPostInfo: { virkningsdato: inHours(2), virkningstidspunkt: '', aapningskvittering: 'false' },
      varsler: { epostTekst: 'Varseltekst', smsTekst: 'Varseltekst' },
    },
  },
  {
    name: 'DPE innsynskrav',
    service: 'DPE',
    receiver: '0192:910076787',
    type: 'innsynskrav',
    standard: 'urn:no:difi:einnsyn:xsd::innsynskrav',
    process: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0',
    body: { orgnr: '0192:910076787', epost: 'test@example.com' },
  },
  {
    name: 'DPE journal',
    service: 'DPE',
    receiver: '0192:810074582',
    type: 'publisering',
    standard: 'urn:no:difi:einnsyn:xsd::publisering',
    process: 'urn:no:difi:profile:einnsyn:journalpost:ver1.0',
    body: { orgnr: '' },
  },
  {
    name: 'DPI print',
    service: 'DPI',
    receiver: '06068700602',
    type: 'print',
    standard: 'urn:no:difi:digitalpost:xsd:fysisk::print',
    process: 'urn:no:difi:profile:digitalpost:info:ver1.0',
    body: {
      sikkerhetsnivaa: 3,
      hoveddokument: 'test.pdf',
      mottaker: { navn: 'Ola Nordmann', adresselinje1: 'Gata 1', postnummer: '0666', poststed: 'OSLO', ...anywhere },
      utskriftsfarge: 'SORT_HVIT',
      posttype: 'B_OEKONOMI',
      retur: {
        mottaker: { navn: 'Avsender', adresselinje1: 'Gata 2', postnummer: '0666', poststed: 'OSLO', ...anywhere },
        returhaandtering: 'DIREKTE_RETUR',
      },
    },
  },
  {
    name: 'DPV digital_dpv',
    service: 'DPV',
    receiver: '10068700602',
    type: 'digital_dpv',
    standard: 'urn:no:difi:digitalpost:xsd:digital::digital_dpv',
    process: 'urn:no:difi:profile:digitalpost:info:ver1.0',
    body: { sikkerhetsnivaa: 3, hoveddokument: 'test.pdf', tittel: 'test title', sammendrag: 'test summary', innhold: 'Test body' },
  },
];

function document(flow: Flow): Record<string, unknown> {
  const partner = (value: string) => [{ identifier: { value, authority: 'iso6523-actorid-upis' }, contactInformation: [] }];
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: partner(CLIENT),
      receiver: partner(flow.receiver),
      documentIdentification: {
        instanceIdentifier: randomUUID(),
        standard: flow.standard,
        typeVersion: '2.0',
        type: flow.type,
        creationDateAndTime: new Date().toISOString(),
      },
      businessScope: {
        scope: [
          {
            type: 'ConversationId',
            instanceIdentifier: randomUUID(),
            identifier: flow.process,
            scopeInformation: [{ expectedResponseDateTime: inHours(2) }],
          },
        ],
      },
    },
    [flow.type]: flow.body,
  };
}

describe('efm-mocks load client flows on `--preset efm-mocks`', () => {
  let server: SimulatorServer;
  let hook: Server;
  let hookUrl: string;
  const events: AnyJson[] = [];
  const waiters: (() => void)[] = [];

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => {
        text += c.toString('utf8');
      });
      req.on('end', () => {
        events.push(JSON.parse(text));
        for (const wake of waiters.splice(0)) wake();
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/incoming`;
    server = await startSimulator({ network: efmMocksNetwork(), deliveryDelayMs: 1 });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => hook?.close(resolve));
  });

  /** Resolves when a SENDT event for `messageId` has arrived (bounded by the test timeout). */
  async function sent(messageId: string): Promise<void> {
    while (!events.some((e) => e.event === 'status' && e.messageId === messageId && e.status === 'SENDT')) {
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }

  it('the server root is 810074582 with DPO, DPV, DPI, DPF and DPE; every flow goes over the service it asked for', async () => {
    const ip = raw(server.url);
    expect((await ip('GET', '/manage/info')).json.simulator.organisation).toBe('810074582');
    const subscription = await ip('POST', '/api/subscriptions', {
      json: { name: 'MOVE mocks', pushEndpoint: hookUrl, resource: 'all', event: 'status' },
    });
    expect(subscription.status).toBe(200);
    expect(events[0]).toMatchObject({ event: 'ping' });

    const pdf = Buffer.alloc(200 * 1024, 7);
    const xml = arkivmeldingXml(['test.pdf']);
    for (const flow of FLOWS) {
      const created = await ip('POST', '/api/messages/out', { json: document(flow) });
      expect(created.status, `${flow.name}: ${created.text}`).toBe(200);
      const id = created.json.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
      for (const [filename, content] of [
        ['test.pdf', pdf],
        ['arkivmelding.xml', Buffer.from(xml)],
      ] as const) {
        // The client streams each file (chunked) with content-type application/json and an unquoted filename.
        const put = await fetch(`${server.url}/api/messages/out/${id}?title=${filename}`, {
          method: 'PUT',
          headers: { 'content-disposition': `attachment; filename=${filename}`, 'content-type': 'application/json' },
          body: new Blob([content]).stream(),
          duplex: 'half',
        } as RequestInit);
        expect(put.status, `${flow.name} ${filename}: ${await put.text()}`).toBe(200);
      }
      const send = await ip('POST', `/api/messages/out/${id}`);
      expect(send.status, `${flow.name}: ${send.text}`).toBe(200);
      await sent(id);
      const conversation = (await ip('GET', `/api/conversations/messageId/${id}`)).json;
      expect({ flow: flow.name, service: conversation.serviceIdentifier }).toEqual({ flow: flow.name, service: flow.service });
    }
    const unsubscribe = await ip('DELETE', `/api/subscriptions/${subscription.json.id}`);
    expect(unsubscribe.status).toBe(200);
    // The receivers with an IP of their own got theirs: DPO in 910075918, DPE innsynskrav in 910076787, DPE journal in the root.
    expect(server.simulator.queues('910075918').incoming).toBe(1);
    expect(server.simulator.queues('910076787').incoming).toBe(1);
    expect(server.simulator.queues('810074582').incoming).toBe(1);
  });
});
