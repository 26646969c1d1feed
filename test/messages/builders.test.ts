import {
  arkivmelding,
  arkivmeldingKvittering,
  avtalt,
  dialogmelding,
  digital,
  digitalDpv,
  einnsynKvittering,
  innsynskrav,
  PROCESSES,
  print,
  processOf,
  publisering,
  RequestValidationError,
  STANDARDS,
  type StandardBusinessDocument,
} from 'eformidling';
import { StandardBusinessDocumentRequestSchema } from 'eformidling/schemas';
import { describe, expect, it } from 'vitest';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const address = { navn: 'Kari Nordmann', adresselinje1: 'Storgata 12', postnummer: '7010', poststed: 'TRONDHEIM' };

const built: Array<[string, StandardBusinessDocument, string]> = [
  ['arkivmelding', arkivmelding({ receiver: '910075918' }), PROCESSES.arkivmelding.administrasjon],
  ['arkivmelding_kvittering', arkivmeldingKvittering({ receiver: '910075918', relatedToMessageId: 'x' }), PROCESSES.arkivmelding.response],
  ['avtalt', avtalt({ receiver: '910075918', identifier: 'a' }), PROCESSES.avtalt.avtalt],
  ['digital', digital({ receiver: '09118532322', tittel: 'T', hoveddokument: 'a.pdf' }), PROCESSES.digitalpost.info],
  ['digital_dpv', digitalDpv({ receiver: '910076787', tittel: 'T', sammendrag: 'S', innhold: 'I' }), PROCESSES.digitalpost.info],
  [
    'print',
    print({ hoveddokument: 'a.pdf', mottaker: address, retur: { mottaker: address, returhaandtering: 'DIREKTE_RETUR' } }),
    PROCESSES.digitalpost.info,
  ],
  ['innsynskrav', innsynskrav({ receiver: '910075918', orgnr: '910075918', epost: 'a@b.no' }), PROCESSES.einnsyn.innsynskrav],
  ['publisering', publisering({ receiver: '910076221', orgnr: '910075918' }), PROCESSES.einnsyn.journalpost],
  [
    'einnsyn_kvittering',
    einnsynKvittering({ receiver: '910076221', dokumentId: 'd', status: 'publisert', referanseType: 'publisering' }),
    PROCESSES.einnsyn.response,
  ],
  ['dialogmelding', dialogmelding({ receiver: 'her-id:8094866', hoveddokument: 'a.pdf' }), PROCESSES.helse.helse],
];

describe('message builders', () => {
  for (const [type, sbd, process] of built) {
    it(`${type}: standard, type, typeVersion and process from the reference tables; UUIDs; the strict shape`, () => {
      const doc = sbd.standardBusinessDocumentHeader.documentIdentification;
      expect(doc.type).toBe(type);
      expect(doc.standard).toBe(STANDARDS[type as keyof typeof STANDARDS]);
      expect(doc.typeVersion).toBe('2.0');
      expect(doc.instanceIdentifier).toMatch(UUID);
      expect(Number.isNaN(Date.parse(doc.creationDateAndTime as string))).toBe(false);
      expect(processOf(sbd)).toBe(process);
      expect(sbd.standardBusinessDocumentHeader.businessScope.scope[0]?.instanceIdentifier).toMatch(UUID);
      expect(StandardBusinessDocumentRequestSchema.safeParse(sbd).success).toBe(true);
      expect(Object.keys(sbd)).toEqual(['standardBusinessDocumentHeader', type]);
    });
  }

  it('writes sender/receiver in SBD form: plain, 0192:, on-behalf-of, person and NHN', () => {
    const a = arkivmelding({ sender: '910077473', onBehalfOf: '910075918', receiver: '0192:910075918' });
    expect(a.standardBusinessDocumentHeader.sender).toEqual([
      { identifier: { value: '0192:910077473:910075918', authority: 'iso6523-actorid-upis' } },
    ]);
    expect(a.standardBusinessDocumentHeader.receiver).toEqual([
      { identifier: { value: '0192:910075918', authority: 'iso6523-actorid-upis' } },
    ]);
    const d = dialogmelding({ receiver: 'her-id:8094866', hoveddokument: 'a.pdf' });
    expect(d.standardBusinessDocumentHeader.receiver?.[0]?.identifier).toEqual({ value: 'her-id:8094866', authority: 'nhn-actorid' });
    expect(
      print({ hoveddokument: 'a.pdf', mottaker: address, retur: { mottaker: address, returhaandtering: 'DIREKTE_RETUR' } })
        .standardBusinessDocumentHeader.receiver,
    ).toBeUndefined();
  });

  it('takes conversationId, messageId, expiry, security level, process and references', () => {
    const sbd = arkivmelding({
      receiver: '910075918',
      conversationId: 'b4e9a1c2-0f6d-4c3b-8e27-91d5a6f3c0e1',
      messageId: '5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90',
      expectedResponseDateTime: new Date('2030-01-01T00:00:00Z'),
      securityLevel: 3,
      process: PROCESSES.arkivmelding.planByggOgGeodata,
      senderRef: 'sak-1',
      receiverRef: 'deres-ref-9',
    });
    const header = sbd.standardBusinessDocumentHeader;
    expect(header.documentIdentification.instanceIdentifier).toBe('5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90');
    expect(header.businessScope.scope).toEqual([
      {
        type: 'ConversationId',
        instanceIdentifier: 'b4e9a1c2-0f6d-4c3b-8e27-91d5a6f3c0e1',
        identifier: PROCESSES.arkivmelding.planByggOgGeodata,
        scopeInformation: [{ expectedResponseDateTime: '2030-01-01T00:00:00.000Z' }],
      },
      { type: 'SenderRef', instanceIdentifier: 'sak-1' },
      { type: 'ReceiverRef', instanceIdentifier: 'deres-ref-9' },
    ]);
    expect(sbd.arkivmelding).toEqual({ sikkerhetsnivaa: 3 });
    const two = [arkivmelding({ receiver: '910075918' }), arkivmelding({ receiver: '910075918' })];
    expect(two[0]?.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).not.toBe(
      two[1]?.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier,
    );
  });

  it('rejects bad identifiers and dates with the field named', () => {
    expect(() => arkivmelding({ receiver: '91007591' })).toThrow(RequestValidationError);
    expect(() => arkivmelding({ receiver: '91007591' })).toThrow(/^receiver:/);
    expect(() => arkivmelding({ onBehalfOf: '910075918' })).toThrow(/^sender:/);
    expect(() => arkivmelding({ expectedResponseDateTime: 'snart' })).toThrow(/^expectedResponseDateTime:/);
    expect(() => arkivmelding({ expectedResponseDateTime: new Date('snart') })).toThrow(/^expectedResponseDateTime: is not a valid date/);
    // On behalf of: both sides plain organisation numbers (`OnBehalfOfNormalizer`), not a person or an NHN id.
    expect(() => arkivmelding({ sender: '910077473', onBehalfOf: '09118532322' })).toThrow(/^onBehalfOf:/);
    expect(() => arkivmelding({ sender: 'her-id:8094866', onBehalfOf: '910075918' })).toThrow(/^onBehalfOf:/);
    expect(() => arkivmelding({ sender: '0192:910077473:910075918', onBehalfOf: '910075918' })).toThrow(/^onBehalfOf:/);
    expect(() => digital({ receiver: '09118532322', tittel: 'T', hoveddokument: 'a', virkningsdato: '21.08.2026' })).toThrow(
      /^virkningsdato:/,
    );
  });
});

describe('builders never build what the IP refuses', () => {
  it('refuses an enum value the IP cannot read, naming the field', () => {
    const bad = () => arkivmelding({ receiver: '910075918', dpv: { varselType: 'VARSEL_DPV_MED_REVARSEL' as never } });
    expect(bad).toThrow(RequestValidationError);
    expect(bad).toThrow(/^arkivmelding\.dpv\.varselType: must be one of VarselDPVUtenRevarsel, VarselDPVMedRevarsel/);
    expect(() =>
      print({
        hoveddokument: 'a.pdf',
        mottaker: address,
        retur: { mottaker: address, returhaandtering: 'DIREKTE_RETUR' },
        utskriftsfarge: 'BLUE' as never,
      }),
    ).toThrow(/^print\.utskriftsfarge: /);
    expect(arkivmelding({ receiver: '910075918', dpv: { varselType: 'VarselDPVMedRevarsel' } }).arkivmelding).toEqual({
      dpv: { varselType: 'VarselDPVMedRevarsel' },
    });
  });

  it('refuses a print without receiver whose address the IP would find incomplete', () => {
    const partial = { navn: 'Ola', adresselinje1: 'Gata 1', postnummer: '', poststed: 'OSLO' };
    expect(() =>
      print({ hoveddokument: 'a.pdf', mottaker: partial, retur: { mottaker: address, returhaandtering: 'DIREKTE_RETUR' } }),
    ).toThrow(/^print\.mottaker\.postnummer: /);
    // With a receiver the IP fills empty fields from the service registry: allowed.
    expect(
      print({
        receiver: '09118532322',
        hoveddokument: 'a.pdf',
        mottaker: partial,
        retur: { mottaker: address, returhaandtering: 'DIREKTE_RETUR' },
      }).print,
    ).toMatchObject({ mottaker: partial });
  });
});
