import { PERSON } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { useBothFaces } from './both-faces.js';
import { type AnyJson, DEPARTEMENT, sbd } from './fixtures.js';

/**
 * docs/simulator.md "Where the simulator answers like the IP", rows 1, 2 and 11: POST /api/messages/out reads the business message into its typed class, fills and
 * checks print addresses, and writes header dates back as OffsetDateTime — on both faces.
 */

const faces = useBothFaces();

const printDoc = (body: Record<string, unknown>, receiver: string | null = PERSON) =>
  sbd({
    receiver,
    type: 'print',
    standard: 'urn:no:difi:digitalpost:xsd:fysisk::print',
    process: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0',
    body: { hoveddokument: 'brev.pdf', ...body },
  });

const address = { navn: 'Ola Nordmann', adresselinje1: 'Kirkegata 1', postnummer: '0153', poststed: 'OSLO', land: 'Norge' };
const retur = { mottaker: address, returhaandtering: 'DIREKTE_RETUR' };

function multipart(doc: unknown): { body: string; headers: Record<string, string> } {
  const body = [
    '--b',
    'Content-Disposition: form-data; name="sbd"\r\nContent-Type: application/json\r\n',
    JSON.stringify(doc),
    '--b',
    'Content-Disposition: form-data; name="Vedtak"; filename="vedtak.pdf"\r\nContent-Type: application/pdf\r\n',
    '%PDF',
    '--b--',
    '',
  ].join('\r\n');
  return { body, headers: { 'content-type': 'multipart/form-data; boundary=b' } };
}

describe.each(faces)('$name face', (face) => {
  describe('row 1: the business message is read into its typed class', () => {
    it.each([
      [
        'dpv.varselType',
        sbd({ body: { dpv: { varselType: 'VARSEL_DPV_MED_REVARSEL' } } }),
        'no.difi.meldingsutveksling.nextmove.DpvVarselType',
      ],
      ['dpv.varselTransportType', sbd({ body: { dpv: { varselTransportType: 'EPOST' } } }), 'DpvVarselTransportType'],
      [
        'print.utskriftsfarge',
        printDoc({ utskriftsfarge: 'BLUE', mottaker: address, retur }),
        'no.difi.meldingsutveksling.nextmove.PrintColor',
      ],
      ['print.posttype', printDoc({ posttype: 'NOPE', mottaker: address, retur }), 'no.difi.meldingsutveksling.nextmove.PostalCategory'],
      ['print.retur.returhaandtering', printDoc({ mottaker: address, retur: { ...retur, returhaandtering: 'KAST' } }), 'ReturnHandling'],
      ['sikkerhetsnivaa', sbd({ body: { sikkerhetsnivaa: 'abc' } }), 'java.lang.Integer'],
    ])('an unreadable %s is 400 HttpMessageNotReadableException and nothing is stored', async (_field, doc, javaType) => {
      const { sim, ip } = await face.start();
      const res = await ip(DEPARTEMENT)('POST', '/api/messages/out', { json: doc });
      expect(res.status).toBe(400);
      expect(res.json.exception).toBe('org.springframework.http.converter.HttpMessageNotReadableException');
      expect(res.json.message).toMatch(/^JSON parse error: Cannot deserialize value of type `/);
      expect(res.json.message).toContain(javaType);
      expect(sim.queues(DEPARTEMENT).outgoing).toBe(0);
    });

    it('multipart: an unknown enum constant fails the conversion of the `sbd` parameter (400), nothing is stored', async () => {
      const { sim, ip } = await face.start();
      const doc = sbd({ body: { hoveddokument: 'vedtak.pdf', dpv: { varselType: 'VARSEL_DPV_MED_REVARSEL' } } });
      const res = await ip(DEPARTEMENT)('POST', '/api/messages/out/multipart', multipart(doc));
      // StringToStandardBusinessDocumentConverter runs for a @RequestParam: Spring reports a type mismatch.
      expect(res.json).toMatchObject({
        status: 400,
        exception: 'org.springframework.web.method.annotation.MethodArgumentTypeMismatchException',
      });
      expect(res.json.message).toMatch(/^Method parameter 'sbd': .*DpvVarselType/);
      expect(sim.queues(DEPARTEMENT).outgoing).toBe(0);
    });

    it('multipart: malformed JSON in the sbd part is the same 400 type mismatch', async () => {
      const { ip } = await face.start();
      const { body, headers } = multipart({});
      const res = await ip(DEPARTEMENT)('POST', '/api/messages/out/multipart', { body: body.replace('{}', '{"standard'), headers });
      expect(res.json).toMatchObject({
        status: 400,
        exception: 'org.springframework.web.method.annotation.MethodArgumentTypeMismatchException',
      });
    });

    it('known values pass, Jackson coercions apply, and unknown fields are dropped from the echo', async () => {
      const { ip } = await face.start();
      const doc = sbd({
        body: {
          hoveddokument: 'vedtak.pdf',
          sikkerhetsnivaa: '3',
          ukjent: 'x',
          dpv: { varselType: 'VarselDPVMedRevarsel', varselTransportType: 'EpostOgSMS', dagerTilSvarfrist: '7', annet: true },
        },
      });
      const res = await ip(DEPARTEMENT)('POST', '/api/messages/out', { json: doc });
      expect(res.status).toBe(200);
      expect(res.json.arkivmelding).toEqual({
        hoveddokument: 'vedtak.pdf',
        sikkerhetsnivaa: 3,
        dpv: { varselType: 'VarselDPVMedRevarsel', varselTransportType: 'EpostOgSMS', dagerTilSvarfrist: 7 },
      });
      // GET returns what was stored, not what was sent.
      const id = res.json.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
      expect((await ip(DEPARTEMENT)('GET', `/api/messages/out/${id}`)).json.arkivmelding).not.toHaveProperty('ukjent');
    });
  });

  describe('row 2: print addresses (NextMoveOutMessageFactory defaults, then NextMoveValidator)', () => {
    it('without a receiver a missing mottaker or retur is 400 MissingAddressInformationException', async () => {
      const { sim, ip } = await face.start();
      const out = ip(DEPARTEMENT);
      const noMottaker = await out('POST', '/api/messages/out', { json: printDoc({ retur }, null) });
      expect(noMottaker.json).toMatchObject({
        status: 400,
        exception: 'no.difi.meldingsutveksling.exceptions.MissingAddressInformationException',
        message: 'mottaker',
      });
      const noRetur = await out('POST', '/api/messages/out', { json: printDoc({ mottaker: address }, null) });
      expect(noRetur.json).toMatchObject({ status: 400, message: 'retur' });
      expect(sim.queues(DEPARTEMENT).outgoing).toBe(0);
    });

    it('an incomplete Norwegian address is refused; a foreign one needs only adresselinje1', async () => {
      const { ip } = await face.start();
      const out = ip(DEPARTEMENT);
      const partial = await out('POST', '/api/messages/out', {
        json: printDoc({ mottaker: { navn: 'Ola', adresselinje1: 'Kirkegata 1', poststed: 'OSLO' }, retur }, null),
      });
      expect(partial.json).toMatchObject({ status: 400, message: 'mottaker.postnummer/poststed/adresselinje1' });
      const badRetur = await out('POST', '/api/messages/out', {
        json: printDoc({ mottaker: address, retur: { mottaker: { navn: 'Arkiv' }, returhaandtering: 'DIREKTE_RETUR' } }, null),
      });
      expect(badRetur.json).toMatchObject({ status: 400, message: 'retur.postnummer/poststed/adresselinje1' });
      const foreign = { navn: 'Anna', adresselinje1: 'Storgatan 1', land: 'Sverige' };
      expect((await out('POST', '/api/messages/out', { json: printDoc({ mottaker: foreign, retur }, null) })).status).toBe(200);
    });

    it('with a receiver, missing and empty address fields are filled from the service registry; given ones stay', async () => {
      const { ip } = await face.start();
      const res = await ip(DEPARTEMENT)('POST', '/api/messages/out', {
        json: printDoc({ mottaker: { navn: 'Ola', adresselinje1: '', postnummer: '' } }),
      });
      expect(res.status).toBe(200);
      const print = res.json.print as AnyJson;
      expect(print.mottaker).toEqual({
        navn: 'Ola',
        adresselinje1: 'Storgata 12',
        postnummer: '7010',
        poststed: 'TRONDHEIM',
        land: 'Norge',
      });
      expect(print.retur).toEqual({
        mottaker: { navn: 'Eksempel kommune', adresselinje1: 'Postboks 100', postnummer: '7001', poststed: 'TRONDHEIM', land: 'Norge' },
        returhaandtering: 'DIREKTE_RETUR',
      });
      expect(print).toMatchObject({ utskriftsfarge: 'SORT_HVIT', posttype: 'B_OEKONOMI' });
    });
  });

  it('row 11: header dates are written back as OffsetDateTime with the IP offset', async () => {
    const { ip } = await face.start();
    const doc = sbd({ expiry: '2027-01-10T10:00:00Z' });
    (doc.standardBusinessDocumentHeader as AnyJson).documentIdentification.creationDateAndTime = '2026-08-20T10:00:00';
    const res = await ip(DEPARTEMENT)('POST', '/api/messages/out', { json: doc });
    const header = res.json.standardBusinessDocumentHeader;
    expect(header.documentIdentification.creationDateAndTime).toBe('2026-08-20T10:00:00+02:00');
    expect(header.businessScope.scope[0].scopeInformation[0].expectedResponseDateTime).toBe('2027-01-10T11:00:00+01:00');
    const bad = structuredClone(doc);
    (bad.standardBusinessDocumentHeader as AnyJson).documentIdentification.creationDateAndTime = 'yesterday';
    (bad.standardBusinessDocumentHeader as AnyJson).documentIdentification.instanceIdentifier = crypto.randomUUID();
    expect((await ip(DEPARTEMENT)('POST', '/api/messages/out', { json: bad })).json).toMatchObject({
      status: 400,
      exception: 'org.springframework.http.converter.HttpMessageNotReadableException',
    });
  });
});
