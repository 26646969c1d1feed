import {
  avtalt,
  businessMessageOf,
  conversationIdOf,
  expiryOf,
  messageIdOf,
  processOf,
  receiverOf,
  type StandardBusinessDocument,
  senderOf,
  typeOf,
} from 'eformidling';
import { StandardBusinessDocumentRequestSchema } from 'eformidling/schemas';
import { describe, expect, it } from 'vitest';

const base = (): StandardBusinessDocument =>
  avtalt({
    sender: '910075918',
    receiver: '910077473',
    identifier: 'x',
    conversationId: '7b0f9c2e-1d3a-4c5b-8e6f-9a0b1c2d3e4f',
    expectedResponseDateTime: '2099-01-01T00:00:00+01:00',
  });

function issues(sbd: unknown): string[] {
  const result = StandardBusinessDocumentRequestSchema.safeParse(sbd);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('the strict request shape of an SBD (as NextMoveMessageOutController.createMessage reads it)', () => {
  it('accepts what the builders make', () => {
    expect(issues(base())).toEqual([]);
  });

  it('wants exactly one business message, keyed by the type, as an object', () => {
    const extra = { ...base(), other: {} };
    expect(issues(extra)[0]).toMatch(/exactly one business message.*avtalt, other/);
    const { avtalt: _, ...none } = base();
    expect(issues(none)[0]).toMatch(/found none/);
    const wrongKey = { standardBusinessDocumentHeader: base().standardBusinessDocumentHeader, arkivmelding: {} };
    expect(issues(wrongKey)[0]).toMatch(/^arkivmelding: .*must equal documentIdentification.type/);
    expect(issues({ ...base(), avtalt: [] })[0]).toMatch(/must be a JSON object/);
  });

  it('checks the type case, the standard suffix and the UUIDs', () => {
    const sbd = base();
    const doc = sbd.standardBusinessDocumentHeader.documentIdentification;
    const upper = structuredClone(sbd);
    upper.standardBusinessDocumentHeader.documentIdentification.type = 'AVTALT';
    expect(issues({ standardBusinessDocumentHeader: upper.standardBusinessDocumentHeader, AVTALT: {} }).join('\n')).toMatch(
      /must be lower case/,
    );
    const standard = structuredClone(sbd);
    standard.standardBusinessDocumentHeader.documentIdentification.standard = 'urn:no:difi:avtalt:xsd::arkivmelding';
    expect(issues(standard)).toEqual([`standardBusinessDocumentHeader.documentIdentification.standard: must end with '::${doc.type}'`]);
    const messageId = structuredClone(sbd);
    messageId.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier = '42';
    expect(issues(messageId)[0]).toMatch(/messageId must be a UUID/);
  });

  it('allows at most one sender and one receiver', () => {
    const sbd = structuredClone(base());
    const header = sbd.standardBusinessDocumentHeader;
    header.receiver = [...(header.receiver ?? []), ...(header.receiver ?? [])];
    expect(issues(sbd)).toEqual(['standardBusinessDocumentHeader.receiver: at most one partner']);
  });

  it('needs a ConversationId scope with the process, and a UUID conversationId', () => {
    const noScope = structuredClone(base());
    noScope.standardBusinessDocumentHeader.businessScope.scope = [];
    expect(issues(noScope)[0]).toMatch(/ConversationId scope carrying the process is required/);
    const noProcess = structuredClone(base());
    delete noProcess.standardBusinessDocumentHeader.businessScope.scope[0]?.identifier;
    expect(issues(noProcess)[0]).toMatch(/process URN as identifier/);
    const badConversation = structuredClone(base());
    const scope = badConversation.standardBusinessDocumentHeader.businessScope.scope[0];
    if (scope) scope.instanceIdentifier = 'not-a-uuid';
    expect(issues(badConversation)[0]).toMatch(/conversationId must be a UUID/);
  });
});

describe('business message values the IP cannot read or would refuse', () => {
  const withBody = (type: string, body: Record<string, unknown>, receiver = true): unknown => {
    const header = structuredClone(base().standardBusinessDocumentHeader);
    header.documentIdentification.type = type;
    header.documentIdentification.standard = `urn:no:difi:x:xsd::${type}`;
    if (!receiver) delete header.receiver;
    return { standardBusinessDocumentHeader: header, [type]: body };
  };
  const address = { navn: 'Ola', adresselinje1: 'Gata 1', postnummer: '0150', poststed: 'OSLO' };
  const retur = { mottaker: address, returhaandtering: 'DIREKTE_RETUR' };

  it.each([
    ['arkivmelding', { dpv: { varselType: 'VARSEL_DPV_MED_REVARSEL' } }, 'arkivmelding.dpv.varselType'],
    ['digital_dpv', { dpv: { varselTransportType: 'EPOST' } }, 'digital_dpv.dpv.varselTransportType'],
    ['print', { mottaker: address, retur, utskriftsfarge: 'BLUE' }, 'print.utskriftsfarge'],
    ['print', { mottaker: address, retur, posttype: 'NOPE' }, 'print.posttype'],
    ['print', { mottaker: address, retur: { ...retur, returhaandtering: 'KAST' } }, 'print.retur.returhaandtering'],
    ['arkivmelding', { sikkerhetsnivaa: 'abc' }, 'arkivmelding.sikkerhetsnivaa'],
    ['digital', { digitalPostInfo: { aapningskvittering: 'kanskje' } }, 'digital.digitalPostInfo.aapningskvittering'],
  ])('%s: refuses %j at %s', (type, body, path) => {
    expect(issues(withBody(type, body))).toEqual([expect.stringMatching(new RegExp(`^${path.replace(/\./g, '\\.')}: `))]);
  });

  it('accepts the wire spellings and what Jackson coerces', () => {
    expect(issues(withBody('arkivmelding', { sikkerhetsnivaa: '3', dpv: { varselType: 'VarselDPVMedRevarsel' } }))).toEqual([]);
    expect(issues(withBody('print', { mottaker: address, retur, utskriftsfarge: 'FARGE', posttype: 'A_PRIORITERT' }))).toEqual([]);
  });

  it('a print without receiver needs complete addresses; with one the IP fills them from the registry', () => {
    expect(issues(withBody('print', { retur }, false))).toEqual([expect.stringMatching(/^print\.mottaker: is required/)]);
    expect(issues(withBody('print', { mottaker: { navn: 'Ola', adresselinje1: 'Gata 1' }, retur }, false))).toEqual([
      expect.stringMatching(/^print\.mottaker\.postnummer: postnummer, poststed are required/),
    ]);
    expect(issues(withBody('print', { mottaker: { adresselinje1: 'Storgatan 1', land: 'Sverige' }, retur }, false))).toEqual([]);
    expect(issues(withBody('print', { mottaker: address }, false))).toEqual([expect.stringMatching(/^print\.retur: is required/)]);
    expect(issues(withBody('print', {}, true))).toEqual([]);
  });
});

describe('SBD accessors', () => {
  it('read the ids, process, partners, expiry and the business message', () => {
    const sbd = base();
    expect(messageIdOf(sbd)).toMatch(/^[0-9a-f-]{36}$/);
    expect(conversationIdOf(sbd)).toBe('7b0f9c2e-1d3a-4c5b-8e6f-9a0b1c2d3e4f');
    expect(processOf(sbd)).toBe('urn:no:difi:profile:avtalt:avtalt:ver1.0');
    expect(typeOf(sbd)).toBe('avtalt');
    expect(senderOf(sbd)).toBe('0192:910075918');
    expect(receiverOf(sbd)).toBe('0192:910077473');
    expect(expiryOf(sbd)).toBe('2099-01-01T00:00:00+01:00');
    expect(businessMessageOf<{ identifier: string }>(sbd)?.identifier).toBe('x');
  });

  it('give undefined when the parts are missing', () => {
    const sbd = structuredClone(base());
    sbd.standardBusinessDocumentHeader.businessScope.scope = [];
    delete sbd.standardBusinessDocumentHeader.sender;
    delete sbd.standardBusinessDocumentHeader.receiver;
    expect([conversationIdOf(sbd), processOf(sbd), expiryOf(sbd), senderOf(sbd), receiverOf(sbd)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
