import { createSimulator } from 'eformidling/mock';
import { afterEach, describe, expect, it } from 'vitest';
import { type AnyJson, DEPARTEMENT, KOMMUNE, raw, sbd } from './fixtures.js';

/**
 * Create validation (`NextMoveMessageService.createMessage`, `NextMoveValidator`): the shape checks
 * (Jackson/IllegalArgumentException), bean validation (MethodArgumentNotValidException with one FieldError per
 * violation) and the business checks, as a client sees them.
 */

const sim = createSimulator(undefined, { clock: { start: Date.UTC(2026, 0, 15, 12) } });
const out = raw(sim.baseUrl(DEPARTEMENT), (r) => sim.handle(r));
afterEach(() => sim.faults.clear());

type Doc = Record<string, AnyJson>;
const header = (doc: Doc): AnyJson => doc.standardBusinessDocumentHeader;
const create = (json: unknown) => out('POST', '/api/messages/out', { json });
/** A valid SBD changed by `edit`. */
function edited(edit: (doc: Doc) => void): Doc {
  const doc = sbd() as Doc;
  edit(doc);
  return doc;
}
const fields = (json: AnyJson) => (json.errors as { field: string; code: string }[]).map((e) => `${e.field} ${e.code}`);

describe('create: bean validation (400 MethodArgumentNotValidException, one FieldError per violation)', () => {
  it.each([
    ['no header at all', (d: Doc) => delete d.standardBusinessDocumentHeader, ['standardBusinessDocumentHeader NotNull']],
    [
      'headerVersion, standard and typeVersion missing',
      (d: Doc) => {
        delete header(d).headerVersion;
        delete header(d).documentIdentification.standard;
        delete header(d).documentIdentification.typeVersion;
      },
      [
        'standardBusinessDocumentHeader.headerVersion NotNull',
        'standardBusinessDocumentHeader.documentIdentification.standard NotNull',
        'standardBusinessDocumentHeader.documentIdentification.typeVersion NotNull',
      ],
    ],
    [
      'no documentIdentification',
      (d: Doc) => delete header(d).documentIdentification,
      ['standardBusinessDocumentHeader.documentIdentification NotNull'],
    ],
    [
      'type null (the business message names it for the shape check)',
      (d: Doc) => {
        header(d).documentIdentification.type = null;
      },
      ['standardBusinessDocumentHeader.documentIdentification.type NotNull'],
    ],
    [
      'two receivers',
      (d: Doc) => {
        header(d).receiver.push({ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${DEPARTEMENT}` } });
      },
      ['standardBusinessDocumentHeader.receiver Size'],
    ],
    ['no businessScope', (d: Doc) => delete header(d).businessScope, ['standardBusinessDocumentHeader.businessScope NotNull']],
    ['no scope list', (d: Doc) => delete header(d).businessScope.scope, ['standardBusinessDocumentHeader.businessScope.scope NotNull']],
    [
      'an empty scope list',
      (d: Doc) => {
        header(d).businessScope.scope = [];
      },
      ['standardBusinessDocumentHeader.businessScope.scope Size'],
    ],
    [
      'an unknown scope type and a ConversationId that is no UUID',
      (d: Doc) => {
        header(d).businessScope.scope[0].instanceIdentifier = 'sak-17';
        header(d).businessScope.scope.push({ type: 'Saksnummer', instanceIdentifier: '17' });
      },
      [
        'standardBusinessDocumentHeader.businessScope.scope[0].instanceIdentifier UUID',
        'standardBusinessDocumentHeader.businessScope.scope[1].type OneOf',
      ],
    ],
  ])('%s', async (_name, edit, expected) => {
    const res = await create(edited(edit));
    expect(res.status).toBe(400);
    expect(res.json.exception).toBe('org.springframework.web.bind.MethodArgumentNotValidException');
    expect(res.json.message).toBe(`Validation failed for object='standardBusinessDocument'. Error count: ${expected.length}`);
    expect(fields(res.json)).toEqual(expected);
  });

  const senders: [string, string, string | undefined][] = [
    ['an invalid fødselsnummer', '12345678901', undefined],
    ['an organisation number failing MOD11 (PartnerIdentifier does not check it)', '123456789', `0192:${DEPARTEMENT}:123456789`],
    ['ICD with part 0 and a zero check digit', '0192:910077473:0:0', undefined],
    ['a non-numeric ICD', 'abcd:910077473', undefined],
    ['our own bare organisation number (gets its ICD)', DEPARTEMENT, `0192:${DEPARTEMENT}`],
    ['another bare organisation number (sent on behalf of it)', KOMMUNE, `0192:${DEPARTEMENT}:${KOMMUNE}`],
    ['a valid fødselsnummer', '09118532322', '09118532322'],
    ['a UUID', '5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90', '5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90'],
  ];
  it.each(senders)('sender identifier: %s', async (_name, value, stored) => {
    const res = await create(
      edited((d) => {
        header(d).sender[0].identifier.value = value;
      }),
    );
    if (stored === undefined) {
      expect(res.status).toBe(400);
      expect(res.json.errors[0]).toMatchObject({
        field: 'standardBusinessDocumentHeader.sender[].identifier.value',
        code: 'SenderValue',
        rejectedValue: value,
      });
    } else {
      expect(res.status).toBe(200);
      expect(header(res.json).sender[0].identifier.value).toBe(stored);
    }
  });

  it('a HER-id sender (nhn-actorid) is accepted; a sender without identifier value is not', async () => {
    const herId = await create(
      edited((d) => {
        header(d).sender = [{ identifier: { authority: 'nhn-actorid', value: 'her-id:8142987' } }];
      }),
    );
    expect(herId.status).toBe(200);
    const noValue = await create(
      edited((d) => {
        header(d).sender = [{ identifier: { authority: 'iso6523-actorid-upis' } }];
      }),
    );
    expect(noValue.json.errors[0]).toMatchObject({ code: 'SenderValue' });
  });
});

describe('create: expectedResponseDateTime', () => {
  const withExpiry = (value: unknown) =>
    edited((d) => {
      header(d).businessScope.scope[0].scopeInformation = [{ expectedResponseDateTime: value }];
    });

  it('unparseable text and non-string values are JSON parse errors (400)', async () => {
    for (const value of ['next week', 42, true]) {
      const res = await create(withExpiry(value));
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({
        exception: 'org.springframework.http.converter.HttpMessageNotReadableException',
        message: `JSON parse error: Text '${String(value)}' could not be parsed`,
      });
    }
  });

  it('null is defaulted like a missing value (now + 24 h), an offset is kept as given', async () => {
    const defaulted = await create(withExpiry(null));
    expect(header(defaulted.json).businessScope.scope[0].scopeInformation[0].expectedResponseDateTime).toBe('2026-01-16T13:00:00+01:00');
    const given = await create(withExpiry('2026-01-15T09:00:00-05:00'));
    expect(given.status).toBe(200);
    const conv = await out('GET', `/api/conversations/messageId/${header(given.json).documentIdentification.instanceIdentifier}`);
    expect(conv.json.expiry).toBe('2026-01-15T15:00:00+01:00');
  });
});

describe('create: shape errors a broken serialiser produces', () => {
  it.each([
    [
      'the business message is not an object',
      (d: Doc) => {
        d.arkivmelding = 'vedtak.pdf';
      },
      500,
      'java.lang.IllegalArgumentException',
      'Business message arkivmelding must be an object',
    ],
    [
      'receiver is an object instead of a list',
      (d: Doc) => {
        header(d).receiver = header(d).receiver[0];
      },
      400,
      'org.springframework.http.converter.HttpMessageNotReadableException',
      expect.stringContaining('java.util.HashSet<no.difi.meldingsutveksling.domain.sbdh.Partner>'),
    ],
    [
      'an unknown identifier authority',
      (d: Doc) => {
        header(d).receiver[0].identifier.authority = 'orgnr';
      },
      500,
      'java.lang.IllegalArgumentException',
      'Unknown authority: orgnr',
    ],
    ['only the header', (d: Doc) => delete d.arkivmelding, 500, 'java.lang.IllegalArgumentException', 'Missing business message'],
    [
      'a scope that is not an object',
      (d: Doc) => {
        header(d).businessScope.scope.push('ConversationId');
      },
      400,
      'org.springframework.http.converter.HttpMessageNotReadableException',
      expect.stringContaining('no.difi.meldingsutveksling.domain.sbdh.Scope'),
    ],
    [
      'scopeInformation that is not a list',
      (d: Doc) => {
        header(d).businessScope.scope[0].scopeInformation = { expectedResponseDateTime: '2026-02-01T12:00:00+01:00' };
      },
      400,
      'org.springframework.http.converter.HttpMessageNotReadableException',
      expect.stringContaining('java.util.Set'),
    ],
    [
      'a scopeInformation item that is not an object',
      (d: Doc) => {
        header(d).businessScope.scope[0].scopeInformation = ['2026-02-01T12:00:00+01:00'];
      },
      400,
      'org.springframework.http.converter.HttpMessageNotReadableException',
      expect.stringContaining('no.difi.meldingsutveksling.domain.sbdh.ScopeInformation'),
    ],
    [
      'no ConversationId scope (no process)',
      (d: Doc) => {
        header(d).businessScope.scope[0].type = 'SenderRef';
      },
      500,
      'no.difi.meldingsutveksling.nextmove.NextMoveRuntimeException',
      'SBD missing process',
    ],
  ])('%s', async (_name, edit, status, exception, message) => {
    const before = sim.queues(DEPARTEMENT).outgoing;
    const res = await create(edited(edit));
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ status, exception, message });
    expect(sim.queues(DEPARTEMENT).outgoing).toBe(before); // nothing stored
  });
});

describe('create: business checks', () => {
  it('a receiver outside the registry does not accept the process', async () => {
    const res = await create(sbd({ receiver: '123456785' }));
    expect(res.status).toBe(400);
    expect(res.json.exception).toBe('no.difi.meldingsutveksling.exceptions.ReceiverDoesNotAcceptProcessException');
    expect(res.json.description).toContain(
      'SRParameter(identifier=123456785, process=urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
    );
  });

  it('a type that does not fit the document standard is refused', async () => {
    const doc = sbd({
      type: 'arkivmelding_kvittering',
      standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
      body: { receiptType: 'OK', relatedToMessageId: 'x' },
    });
    const res = await create(doc);
    expect(res.json).toMatchObject({
      status: 400,
      exception: 'no.difi.meldingsutveksling.exceptions.MessageTypeDoesNotFitDocumentTypeException',
      message: 'Message type arkivmelding_kvittering does not match the document type urn:no:difi:arkivmelding:xsd::arkivmelding',
    });
  });
});
