import { createSimulator, DEPARTEMENT, EINNSYN, KOMMUNE, PERSON, type SimulatorOptions } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { type AnyJson, arkivmeldingXml, messageIdOf, raw, sbd, sendArkivmelding, uploadHeaders } from './fixtures.js';

/** The carrier, conversations and uploads in the situations a client can create but the happy path never does. */

const START = Date.UTC(2026, 0, 15, 12);

function setup(options: SimulatorOptions = {}) {
  const sim = createSimulator(undefined, { clock: { start: START }, ...options });
  const face = (org: string) => raw(sim.baseUrl(org), (r) => sim.handle(r));
  return { sim, out: face(DEPARTEMENT), inn: face(KOMMUNE), einnsyn: face(EINNSYN) };
}
const statuses = (sim: ReturnType<typeof setup>['sim'], org: string, id: string) => sim.statuses(org, id).map((s) => s.status);

/** A request body the test feeds chunk by chunk. */
function controlledBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  return {
    stream,
    push: (data: string | Buffer) => controller.enqueue(typeof data === 'string' ? Buffer.from(data) : data),
    end: () => controller.close(),
    fail: (error: Error) => controller.error(error),
  };
}
const turn = () => new Promise((r) => setTimeout(r, 5));

describe('carrier and conversations', () => {
  it('a message deleted after send but before the carrier moved it is never transmitted', async () => {
    const { sim, out, inn } = setup();
    const id = await sendArkivmelding(out);
    expect((await out('DELETE', `/api/messages/out/${id}`)).status).toBe(200);
    expect(sim.deliverAll()).toBe(1);
    expect(statuses(sim, DEPARTEMENT, id)).toEqual(['OPPRETTET']);
    expect((await inn('GET', '/api/messages/in/peek')).status).toBe(204);
  });

  it('a conversation the client deleted while its message was outgoing: the message still travels, without statuses', async () => {
    const { sim, out, inn } = setup();
    const id = messageIdOf((await out('POST', '/api/messages/out', { json: sbd() })).json);
    expect((await out('DELETE', `/api/conversations/messageId/${id}`)).status).toBe(200);
    // Uploads and send keep working on the queued message.
    await out('PUT', `/api/messages/out/${id}`, { body: arkivmeldingXml(), headers: uploadHeaders('arkivmelding.xml', 'application/xml') });
    await out('PUT', `/api/messages/out/${id}?title=Vedtak`, { body: '%PDF', headers: uploadHeaders('vedtak.pdf') });
    expect((await out('POST', `/api/messages/out/${id}`)).status).toBe(200);
    sim.deliverAll();
    expect(statuses(sim, DEPARTEMENT, id)).toEqual([]);
    expect((await out('GET', `/api/conversations/messageId/${id}`)).status).toBe(404);
    // The receiver gets it; without the sender's conversation its title and reference fall back.
    const conv = (await inn('GET', `/api/conversations?messageId=${id}`)).json.content[0];
    expect(conv).toMatchObject({ direction: 'INCOMING', messageTitle: '' });
    expect(conv.messageReference).toBe(conv.conversationId);
    expect((await inn('GET', '/api/messages/in/peek')).status).toBe(200);
    expect((await inn('DELETE', `/api/messages/in/${id}`)).status).toBe(200);
    expect(sim.pendingDeliveries).toBe(0); // no LEVERT travels back: nobody holds the outgoing conversation
    expect(statuses(sim, KOMMUNE, id)).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT']);
  });

  it('an expired message whose conversation was deleted is dropped by the carrier without a status', async () => {
    const { sim, out } = setup();
    const id = await sendArkivmelding(out, { expiry: new Date(START + 1000).toISOString() });
    await out('DELETE', `/api/conversations/messageId/${id}`);
    sim.clock.advance(2000);
    sim.deliverAll();
    expect(sim.queues(DEPARTEMENT).outgoing).toBe(0);
    expect(sim.queues(KOMMUNE).incoming).toBe(0);
    expect(statuses(sim, KOMMUNE, id)).toEqual([]);
  });

  it('statusServices: [] — the receiver sends no MOTTATT or LEVERT back', async () => {
    const { sim, out, inn } = setup({ statusServices: [] });
    const id = await sendArkivmelding(out);
    await sim.settle();
    await inn('GET', '/api/messages/in/peek');
    await inn('DELETE', `/api/messages/in/${id}`);
    await sim.settle();
    expect(statuses(sim, DEPARTEMENT, id)).toEqual(['OPPRETTET', 'SENDT']);
    expect(statuses(sim, KOMMUNE, id)).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT']);
  });

  it('a messageId a second sender reuses reaches the receiver once (the duplicate is discarded)', async () => {
    const { sim, out, inn, einnsyn } = setup();
    const id = await sendArkivmelding(out);
    sim.deliverAll();
    const krav = sbd({
      sender: EINNSYN,
      receiver: KOMMUNE,
      messageId: id,
      type: 'innsynskrav',
      standard: 'urn:no:difi:einnsyn:xsd::innsynskrav',
      process: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0',
      body: { orgnr: KOMMUNE, epost: 'kari@example.no' },
    });
    expect((await einnsyn('POST', '/api/messages/out', { json: krav })).status).toBe(200);
    await einnsyn('PUT', `/api/messages/out/${id}`, { body: '<innsynskrav/>', headers: uploadHeaders('order.xml', 'application/xml') });
    expect((await einnsyn('POST', `/api/messages/out/${id}`)).status).toBe(200);
    sim.deliverAll();
    expect(statuses(sim, EINNSYN, id)).toEqual(['OPPRETTET', 'SENDT']);
    const incoming = (await inn('GET', '/api/messages/in')).json.content as AnyJson[];
    expect(incoming.map((m) => m.standardBusinessDocumentHeader.documentIdentification.type)).toEqual(['arkivmelding']);
    expect((await inn('GET', `/api/conversations?messageId=${id}`)).json.totalElements).toBe(1);
  });

  it('two simulators can share one clock', async () => {
    const first = setup();
    const second = createSimulator(undefined, { clock: first.sim.clock });
    const out = raw(second.baseUrl(DEPARTEMENT), (r) => second.handle(r));
    const id = await sendArkivmelding(out);
    first.sim.clock.advance(1000); // due on the shared clock: the second simulator's carrier moves too
    expect(second.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT']);
    await second.close();
  });

  it('close is idempotent; after it, advancing the clock moves nothing', async () => {
    const { sim, out } = setup();
    const id = await sendArkivmelding(out);
    await sim.close();
    await sim.close();
    sim.clock.advance(5000);
    expect(sim.pendingDeliveries).toBe(1);
    expect(statuses(sim, DEPARTEMENT, id)).toEqual(['OPPRETTET']);
  });
});

describe('arkivmelding_kvittering variants', () => {
  async function kvittering(inn: ReturnType<typeof setup>['inn'], body: Record<string, unknown>) {
    const doc = sbd({
      sender: KOMMUNE,
      receiver: DEPARTEMENT,
      type: 'arkivmelding_kvittering',
      process: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
      body,
    });
    const id = messageIdOf((await inn('POST', '/api/messages/out', { json: doc })).json);
    expect((await inn('POST', `/api/messages/out/${id}`)).status).toBe(200);
  }

  it('without relatedToMessageId, or about an unknown message, it changes nothing; without receiptType it means LEST', async () => {
    const { sim, out, inn } = setup();
    const id = await sendArkivmelding(out);
    sim.deliverAll();
    await kvittering(inn, { receiptType: 'ERROR' });
    await kvittering(inn, { receiptType: 'ERROR', relatedToMessageId: 'ffffffff-0000-4000-8000-000000000000' });
    sim.deliverAll();
    expect(statuses(sim, DEPARTEMENT, id)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT']);
    await kvittering(inn, { relatedToMessageId: id });
    sim.deliverAll();
    const lest = (await out('GET', `/api/statuses?messageId=${id}&status=LEST`)).json.content[0];
    expect(JSON.parse(lest.rawReceipt)).toEqual({ hoveddokument: null, receiptType: null, relatedToMessageId: id, messages: [] });
  });

  it('NOTSUPPORTED makes the original FEIL', async () => {
    const { sim, out, inn } = setup();
    const id = await sendArkivmelding(out);
    sim.deliverAll();
    await kvittering(inn, { receiptType: 'NOTSUPPORTED', relatedToMessageId: id });
    sim.deliverAll();
    expect(sim.statuses(DEPARTEMENT, id).at(-1)).toMatchObject({ status: 'FEIL', description: 'ArkivmeldingKvittering: NOTSUPPORTED' });
  });
});

describe('arkivmelding.xml on upload and send', () => {
  const minimal = `<?xml version="1.0"?>
<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding">
  <mappe xsi:type="saksmappe" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <basisregistrering xsi:type="journalpost"><tittel>Intern</tittel></basisregistrering>
  </mappe>
</arkivmelding>`;

  it('without offentligTittel and journalpostnummer the conversation keeps an empty title and the conversationId as reference', async () => {
    const { out } = setup();
    const doc = sbd();
    const id = messageIdOf((await out('POST', '/api/messages/out', { json: doc })).json);
    expect(
      (await out('PUT', `/api/messages/out/${id}`, { body: minimal, headers: uploadHeaders('arkivmelding.xml', 'application/xml') }))
        .status,
    ).toBe(200);
    const conv = (await out('GET', `/api/conversations/messageId/${id}`)).json;
    expect(conv.messageTitle).toBe('');
    expect(conv.messageReference).toBe(conv.conversationId);
  });

  it.each([
    ['no saksmappe', minimal.replace(/<mappe[^>]*>/, '<mappe>'), 'arkivmelding without saksmappe'],
    ['no journalpost', minimal.replace(/<basisregistrering[^>]*>/, '<basisregistrering>'), 'arkivmelding without journalpost'],
  ])('%s: 500 ArkivmeldingRuntimeException, nothing stored', async (_name, xml, reason) => {
    const { sim, out } = setup();
    const id = messageIdOf((await out('POST', '/api/messages/out', { json: sbd() })).json);
    const res = await out('PUT', `/api/messages/out/${id}`, { body: xml, headers: uploadHeaders('arkivmelding.xml', 'application/xml') });
    expect(res.json).toMatchObject({
      status: 500,
      exception: 'no.difi.meldingsutveksling.arkivmelding.ArkivmeldingRuntimeException',
      message: `Failed to unmarshal arkivmelding: ${reason}`,
    });
    expect(sim.model.ip(DEPARTEMENT).outgoing.get(id)?.files).toEqual([]);
  });

  it('an arkivmelding.xml stored on disk (above the spill threshold) is still checked for its referenced files', async () => {
    const { sim, out } = setup({ spillThresholdBytes: 64 });
    const id = messageIdOf((await out('POST', '/api/messages/out', { json: sbd() })).json);
    await out('PUT', `/api/messages/out/${id}`, {
      body: arkivmeldingXml(['vedtak.pdf', 'vedlegg.pdf']),
      headers: uploadHeaders('arkivmelding.xml', 'application/xml'),
    });
    expect(sim.model.ip(DEPARTEMENT).outgoing.get(id)?.files[0]?.content.kind).toBe('disk');
    await out('PUT', `/api/messages/out/${id}?title=Vedtak`, { body: '%PDF-1.7 vedtak', headers: uploadHeaders('vedtak.pdf') });
    expect((await out('POST', `/api/messages/out/${id}`)).json).toMatchObject({
      status: 400,
      exception: 'no.difi.meldingsutveksling.exceptions.MissingArkivmeldingFileException',
      message: 'File(s) defined in arkivmelding, but not found in message: vedlegg.pdf',
    });
    await out('PUT', `/api/messages/out/${id}?title=Vedlegg`, { body: '%PDF-1.7 vedlegg', headers: uploadHeaders('vedlegg.pdf') });
    expect((await out('POST', `/api/messages/out/${id}`)).status).toBe(200);
    sim.deliverAll();
    expect(sim.queues(KOMMUNE).incoming).toBe(1);
    await sim.close();
  });
});

describe('uploads racing other requests', () => {
  const put = (sim: ReturnType<typeof setup>['sim'], id: string, filename: string, body: ReadableStream<Uint8Array>) =>
    sim.handle(
      new Request(`${sim.baseUrl(DEPARTEMENT)}/api/messages/out/${id}?title=T`, {
        method: 'PUT',
        headers: uploadHeaders(filename),
        body,
        duplex: 'half',
      } as RequestInit),
    );

  it('a message deleted while a body streams in: the upload answers 404', async () => {
    const { sim, out } = setup();
    const id = await sendArkivmelding(out, { send: false });
    const body = controlledBody();
    const pending = put(sim, id, 'sent.pdf', body.stream);
    body.push('%PDF-1.7 ');
    await turn();
    await out('DELETE', `/api/messages/out/${id}`);
    body.end();
    const res = await pending;
    expect(res.status).toBe(404);
    expect((await res.json()).exception).toBe('no.difi.meldingsutveksling.exceptions.MessageNotFoundException');
  });

  it('two uploads of one filename at once: the one finishing second is a duplicate', async () => {
    const { sim, out } = setup();
    const id = await sendArkivmelding(out, { send: false });
    const a = controlledBody();
    const b = controlledBody();
    const first = put(sim, id, 'vedlegg.pdf', a.stream);
    const second = put(sim, id, 'vedlegg.pdf', b.stream);
    await turn();
    a.end();
    expect((await first).status).toBe(200);
    b.end();
    const res = await second;
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe('Filename already exists in message: vedlegg.pdf.');
  });

  it('a body that fails halfway (client gone) stores nothing, also after spilling to disk; a retry succeeds', async () => {
    const { sim, out } = setup({ spillThresholdBytes: 16 });
    const id = await sendArkivmelding(out, { send: false });
    const body = controlledBody();
    const pending = put(sim, id, 'stor.pdf', body.stream);
    body.push(Buffer.alloc(64, 1));
    await turn();
    body.fail(new Error('client went away'));
    const res = await pending;
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ exception: 'java.lang.IllegalStateException', message: 'client went away' });
    const files = () =>
      sim.model
        .ip(DEPARTEMENT)
        .outgoing.get(id)
        ?.files.map((f) => f.filename);
    expect(files()).toEqual(['arkivmelding.xml', 'vedtak.pdf']);
    expect(
      (await out('PUT', `/api/messages/out/${id}?title=Stor`, { body: Buffer.alloc(64, 2), headers: uploadHeaders('stor.pdf') })).status,
    ).toBe(200);
    expect(files()).toEqual(['arkivmelding.xml', 'vedtak.pdf', 'stor.pdf']);
    // Failing before the spill threshold (still in memory) is the same.
    const small = controlledBody();
    const early = put(sim, id, 'liten.pdf', small.stream);
    small.push('x');
    await turn();
    small.fail(new Error('reset'));
    expect((await early).status).toBe(500);
    expect(files()).toEqual(['arkivmelding.xml', 'vedtak.pdf', 'stor.pdf']);
    expect((await out('DELETE', `/api/messages/out/${id}`)).status).toBe(200); // frees the temp file
    await sim.close();
  });
});

describe('DPI', () => {
  const print = (body: Record<string, unknown>, receiver: string | null = PERSON) =>
    sbd({
      receiver,
      type: 'print',
      standard: 'urn:no:difi:digitalpost:xsd:fysisk::print',
      process: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0',
      body,
    });

  it('print without a receiver goes to DPI with the fixed defaults and the given addresses; conversations sort it first by receiver', async () => {
    const { sim, out } = setup();
    const address = { navn: 'Ola Nordmann', adresselinje1: 'Kirkegata 1', postnummer: '0153', poststed: 'OSLO' };
    const retur = { mottaker: address, returhaandtering: 'DIREKTE_RETUR' };
    const res = await out('POST', '/api/messages/out', { json: print({ hoveddokument: 'brev.pdf', mottaker: address, retur }, null) });
    expect(res.status).toBe(200);
    expect(res.json.print).toEqual({
      hoveddokument: 'brev.pdf',
      mottaker: address,
      utskriftsfarge: 'SORT_HVIT',
      posttype: 'B_OEKONOMI',
      retur,
      printinstruksjoner: {},
    });
    const id = messageIdOf(res.json);
    await sendArkivmelding(out, { send: false });
    const sorted = (await out('GET', '/api/conversations?sort=receiver,asc')).json.content as AnyJson[];
    expect(sorted.map((c) => c.receiver)).toEqual([undefined, `0192:${KOMMUNE}`]);
    expect(sorted[0]).toMatchObject({ messageId: id, serviceIdentifier: 'DPI' });
    expect((await out('GET', '/api/conversations?sort=receiver,desc')).json.content.map((c: AnyJson) => c.receiver)).toEqual([
      `0192:${KOMMUNE}`,
      undefined,
    ]);
    await out('PUT', `/api/messages/out/${id}`, { body: '%PDF', headers: uploadHeaders('brev.pdf') });
    expect((await out('POST', `/api/messages/out/${id}`)).status).toBe(200);
    await sim.settle();
    expect(statuses(sim, DEPARTEMENT, id)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
  });

  it('print keeps the addresses and options the client gave', async () => {
    const { out } = setup();
    const mottaker = { navn: 'Ola Nordmann', adresselinje1: 'Kirkegata 1', postnummer: '0153', poststed: 'OSLO', land: 'Norge' };
    const returMottaker = { navn: 'Arkivet', adresselinje1: 'Postboks 1', postnummer: '0101', poststed: 'OSLO', land: 'Norge' };
    const res = await out('POST', '/api/messages/out', {
      json: print({
        hoveddokument: 'brev.pdf',
        utskriftsfarge: 'FARGE',
        mottaker,
        retur: { mottaker: returMottaker, returhaandtering: 'MAKULERING_MED_MELDING' },
      }),
    });
    expect(res.json.print).toMatchObject({
      utskriftsfarge: 'FARGE',
      mottaker,
      retur: { mottaker: returMottaker, returhaandtering: 'MAKULERING_MED_MELDING' },
    });
  });

  it('digital: attachments need a title unless they are the main document or metadata; every metadata file must be uploaded', async () => {
    const { out } = setup();
    const doc = sbd({
      receiver: PERSON,
      type: 'digital',
      standard: 'urn:no:difi:digitalpost:xsd:digital::digital',
      process: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0',
      body: {
        sikkerhetsnivaa: 4,
        hoveddokument: 'vedtak.pdf',
        tittel: 'Vedtak',
        spraak: 'NO',
        metadataFiler: { 'vedtak.pdf': 'vedtak.xml' },
      },
    });
    const id = messageIdOf((await out('POST', '/api/messages/out', { json: doc })).json);
    const upload = (name: string, title = '') =>
      out('PUT', `/api/messages/out/${id}${title && `?title=${title}`}`, { body: 'x', headers: uploadHeaders(name) });
    expect((await upload('vedlegg.pdf')).json).toMatchObject({
      exception: 'no.difi.meldingsutveksling.exceptions.MissingFileTitleException',
      message: 'Title is required for the following capabilities: DPI',
    });
    expect((await upload('vedtak.pdf')).status).toBe(200);
    expect((await out('POST', `/api/messages/out/${id}`)).json).toMatchObject({
      status: 404,
      exception: 'no.difi.meldingsutveksling.exceptions.FileNotFoundException',
      message: 'File(s) named vedtak.xml was not found',
    });
    expect((await upload('vedtak.xml')).status).toBe(200);
    expect((await upload('vedlegg.pdf', 'Vedlegg')).status).toBe(200);
    expect((await out('POST', `/api/messages/out/${id}`)).status).toBe(200);
  });
});
