import { createSimulator, defaultNetwork } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { type AnyJson, DEPARTEMENT, KOMMUNE, messageIdOf, raw, sbd, uploadHeaders } from './fixtures.js';

const ctx = useSimulator();
const PERSON = '09118532322';
const DPV_ORG = '910076787';
const EINNSYN = '910076221';

describe('default network and service registry', () => {
  it('answers capabilities through the SDK client; security level and process narrow them; unknown → 404', async () => {
    const ip = ctx.client(DEPARTEMENT);
    const caps = await ip.capabilities.get(KOMMUNE);
    expect(caps.capabilities.map((c) => c.serviceIdentifier)).toContain('DPE');
    expect(
      caps.capabilities.find((c) => c.process === 'urn:no:difi:profile:arkivmelding:response:ver1.0')?.documentTypes.map((d) => d.type),
    ).toEqual(['arkivmelding_kvittering', 'status', 'feil']);
    const person = await ip.capabilities.get(PERSON, { securityLevel: 4, process: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0' });
    expect(person.capabilities).toHaveLength(1);
    expect(person.capabilities[0]).toMatchObject({
      serviceIdentifier: 'DPI',
      postAddress: { name: 'Kari Nordmann' },
      digitalPostAddress: { supplier: '984661185' },
    });
    const res = await raw(ctx.sim.baseUrl(DEPARTEMENT))('GET', '/api/capabilities/123456785');
    expect(res.json).toMatchObject({ status: 404, exception: 'no.difi.meldingsutveksling.exceptions.IdentifierNotFoundException' });
    expect(ctx.sim.organisations.filter((o) => o.hasIntegrationPoint).map((o) => o.id)).toEqual([DEPARTEMENT, KOMMUNE, EINNSYN]);
  });

  it('delivers DPV digital_dpv to an organisation without IP: SENDT → LEVERT; every file needs a title', async () => {
    const out = raw(ctx.sim.baseUrl(DEPARTEMENT));
    const doc = sbd({
      receiver: DPV_ORG,
      type: 'digital_dpv',
      standard: 'urn:no:difi:digitalpost:xsd:digital::digital_dpv',
      process: 'urn:no:difi:profile:digitalpost:info:ver1.0',
      body: { tittel: 'T', sammendrag: 'S', innhold: 'I' },
    });
    const id = messageIdOf((await out('POST', '/api/messages/out', { json: doc })).json);
    const noTitle = await out('PUT', `/api/messages/out/${id}`, { body: 'x', headers: uploadHeaders('brev.pdf') });
    expect(noTitle.json).toMatchObject({
      exception: 'no.difi.meldingsutveksling.exceptions.MissingFileTitleException',
      message: 'Title is required for the following capabilities: DPV',
    });
    expect((await out('PUT', `/api/messages/out/${id}?title=Brev`, { body: 'x', headers: uploadHeaders('brev.pdf') })).status).toBe(200);
    expect((await out('POST', `/api/messages/out/${id}`)).status).toBe(200);
    await ctx.sim.settle();
    expect(ctx.sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'LEVERT']);
  });

  it('delivers DPI digital to a person: primary document required, SENDT → MOTTATT → LEVERT', async () => {
    const out = raw(ctx.sim.baseUrl(DEPARTEMENT));
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
        digitalPostInfo: { virkningsdato: '2026-08-21', aapningskvittering: false },
      },
    });
    const id = messageIdOf((await out('POST', '/api/messages/out', { json: doc })).json);
    await out('PUT', `/api/messages/out/${id}?title=Vedlegg`, { body: 'x', headers: uploadHeaders('vedlegg.pdf') });
    expect((await out('POST', `/api/messages/out/${id}`)).json.exception).toBe(
      'no.difi.meldingsutveksling.exceptions.MissingPrimaryDocumentException',
    );
    await out('PUT', `/api/messages/out/${id}`, { body: 'x', headers: uploadHeaders('vedtak.pdf') });
    expect((await out('POST', `/api/messages/out/${id}`)).status).toBe(200);
    await ctx.sim.settle();
    expect(ctx.sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
  });

  it('fills print defaults from the registry', async () => {
    const doc = sbd({
      receiver: PERSON,
      type: 'print',
      standard: 'urn:no:difi:digitalpost:xsd:fysisk::print',
      process: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0',
      body: { hoveddokument: 'brev.pdf' },
    });
    const res = await raw(ctx.sim.baseUrl(DEPARTEMENT))('POST', '/api/messages/out', { json: doc });
    expect(res.json.print).toMatchObject({
      utskriftsfarge: 'SORT_HVIT',
      posttype: 'B_OEKONOMI',
      mottaker: { navn: 'Kari Nordmann', postnummer: '7010' },
      retur: { returhaandtering: 'DIREKTE_RETUR', mottaker: { navn: 'Eksempel kommune' } },
    });
  });

  it('carries DPE innsynskrav from eInnsyn to the kommune and einnsyn_kvittering back', async () => {
    const einnsyn = raw(ctx.sim.baseUrl(EINNSYN));
    const doc = sbd({
      sender: EINNSYN,
      receiver: KOMMUNE,
      type: 'innsynskrav',
      standard: 'urn:no:difi:einnsyn:xsd::innsynskrav',
      process: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0',
      body: { orgnr: KOMMUNE, epost: 'kari@example.no' },
    });
    const id = messageIdOf((await einnsyn('POST', '/api/messages/out', { json: doc })).json);
    await einnsyn('PUT', `/api/messages/out/${id}`, { body: '<innsynskrav/>', headers: uploadHeaders('order.xml', 'application/xml') });
    expect((await einnsyn('POST', `/api/messages/out/${id}`)).status).toBe(200);
    await ctx.sim.settle();
    const kommune = raw(ctx.sim.baseUrl(KOMMUNE));
    const peeked = (await kommune('GET', '/api/messages/in/peek?serviceIdentifier=DPE')).json as AnyJson;
    expect(messageIdOf(peeked)).toBe(id);
    await kommune('DELETE', `/api/messages/in/${id}`);
    const receipt = sbd({
      sender: KOMMUNE,
      receiver: EINNSYN,
      type: 'einnsyn_kvittering',
      standard: 'urn:no:difi:einnsyn:xsd::einnsyn_kvittering',
      process: 'urn:no:difi:profile:einnsyn:response:ver1.0',
      body: { dokumentId: 'd1', status: 'levert', referanseType: 'innsynskrav' },
    });
    const rid = messageIdOf((await kommune('POST', '/api/messages/out', { json: receipt })).json);
    expect((await kommune('POST', `/api/messages/out/${rid}`)).status).toBe(200);
    await ctx.sim.settle();
    expect(ctx.sim.statuses(EINNSYN, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    expect((await einnsyn('GET', '/api/messages/in')).json.content.map((m: AnyJson) => messageIdOf(m))).toEqual([rid]);
  });
});

describe('network configuration', () => {
  it('rejects a network without integration points or with duplicate participants', () => {
    expect(() => createSimulator({ participants: [] })).toThrow();
    const net = defaultNetwork();
    expect(() =>
      createSimulator({ participants: [...net.participants, net.participants[0] as (typeof net.participants)[number]] }),
    ).toThrow();
    expect(() => createSimulator().baseUrl('123456785')).toThrow();
  });
});
