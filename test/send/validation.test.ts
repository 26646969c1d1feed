import {
  arkivmelding,
  avtalt,
  dialogmelding,
  digital,
  digitalDpv,
  IntegrasjonspunktClient,
  isRequestValidationError,
  MULTIPART_PART_LIMIT,
  RequestValidationError,
  type StandardBusinessDocument,
  type Upload,
} from 'eformidling';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeIp } from './fake-ip.js';
import { arkivmeldingXml, dpoFiles, PDF, PERSON, RECEIVER } from './fixtures.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// biome-ignore lint/suspicious/noExplicitAny: tests break the SBD on purpose
type Loose = Record<string, any>;

function mutate(sbd: StandardBusinessDocument, fn: (s: Loose) => void): StandardBusinessDocument {
  const copy = structuredClone(sbd) as Loose;
  fn(copy);
  return copy as StandardBusinessDocument;
}

const H = 'standardBusinessDocumentHeader';
const base = () => arkivmelding({ receiver: RECEIVER, hoveddokument: 'vedtak.pdf' });

const cases: Array<{
  what: string;
  sbd: () => StandardBusinessDocument;
  files?: () => Upload[];
  strategy?: 'one-step';
  field: string | RegExp;
}> = [
  {
    what: 'duplicate filenames',
    sbd: base,
    files: () => [...dpoFiles(), { filename: 'vedlegg.pdf', content: PDF }],
    field: 'files[3].filename',
  },
  {
    what: 'a file over 5 MiB with strategy one-step',
    sbd: base,
    files: () => [
      { filename: 'arkivmelding.xml', content: arkivmeldingXml(['vedtak.pdf']) },
      { filename: 'vedtak.pdf', content: new Uint8Array(MULTIPART_PART_LIMIT + 1) },
    ],
    strategy: 'one-step',
    field: 'files[1]',
  },
  {
    what: 'arkivmelding without arkivmelding.xml',
    sbd: base,
    files: () => dpoFiles().slice(1),
    field: 'files',
  },
  {
    what: 'a file named in arkivmelding.xml that is missing',
    sbd: base,
    files: () => dpoFiles().slice(0, 2),
    field: 'files[0]',
  },
  {
    what: 'hoveddokument not among the files',
    sbd: () => arkivmelding({ receiver: RECEIVER, hoveddokument: 'annet.pdf' }),
    field: 'arkivmelding.hoveddokument',
  },
  {
    what: 'a digital metadata file that is missing',
    sbd: () => digital({ receiver: PERSON, tittel: 'T', hoveddokument: 'a.pdf', metadataFiler: { 'a.pdf': 'a.xml' } }),
    files: () => [{ filename: 'a.pdf', content: PDF }],
    field: 'digital.metadataFiler.a.pdf',
  },
  {
    what: 'a DPV file without a title',
    sbd: () => digitalDpv({ receiver: RECEIVER, tittel: 'T', sammendrag: 'S', innhold: 'I' }),
    files: () => [{ filename: 'a.pdf', content: PDF }],
    field: 'files[0].title',
  },
  {
    what: 'a DPI attachment without a title',
    sbd: () => digital({ receiver: PERSON, tittel: 'T', hoveddokument: 'a.pdf' }),
    files: () => [
      { filename: 'a.pdf', content: PDF },
      { filename: 'b.pdf', content: PDF },
    ],
    field: 'files[1].title',
  },
  {
    what: 'a DPH attachment not listed in metadataFiler',
    sbd: () => dialogmelding({ receiver: 'her-id:8094866', hoveddokument: 'a.pdf' }),
    files: () => [
      { filename: 'a.pdf', content: PDF },
      { filename: 'b.pdf', content: PDF },
    ],
    field: 'files[1].filename',
  },
  {
    what: "standard not ending with '::<type>'",
    sbd: () => mutate(base(), (s) => (s[H].documentIdentification.standard = 'urn:no:difi:arkivmelding:xsd::avtalt')),
    field: `${H}.documentIdentification.standard`,
  },
  {
    what: 'the business-message key not equal to the type',
    sbd: () =>
      mutate(base(), (s) => {
        s.avtalt = s.arkivmelding;
        delete s.arkivmelding;
      }),
    field: 'avtalt',
  },
  {
    what: 'an invalid sender',
    sbd: () => mutate(base(), (s) => (s[H].sender = [{ identifier: { value: '0192:910077474', authority: 'iso6523-actorid-upis' } }])),
    field: `${H}.sender[0].identifier.value`,
  },
  {
    what: 'an invalid receiver',
    sbd: () => mutate(base(), (s) => (s[H].receiver = [{ identifier: { value: '12345', authority: 'iso6523-actorid-upis' } }])),
    field: `${H}.receiver[0].identifier.value`,
  },
  {
    what: 'a receiver with the wrong authority',
    sbd: () => mutate(base(), (s) => (s[H].receiver = [{ identifier: { value: 'her-id:8094866', authority: 'iso6523-actorid-upis' } }])),
    field: `${H}.receiver[0].identifier.authority`,
  },
  {
    what: 'no receiver',
    sbd: () => mutate(base(), (s) => delete s[H].receiver),
    field: `${H}.receiver`,
  },
  {
    what: 'expectedResponseDateTime in the past',
    sbd: () => arkivmelding({ receiver: RECEIVER, hoveddokument: 'vedtak.pdf', expectedResponseDateTime: new Date(Date.now() - 60_000) }),
    field: `${H}.businessScope.scope.scopeInformation.expectedResponseDateTime`,
  },
  {
    what: 'a messageId that is not a UUID',
    sbd: () => mutate(base(), (s) => (s[H].documentIdentification.instanceIdentifier = 'melding-1')),
    field: `${H}.documentIdentification.instanceIdentifier`,
  },
  {
    what: 'no files for a type that needs them',
    sbd: base,
    files: () => [],
    field: 'files',
  },
];

describe('local validation: nothing is sent', () => {
  for (const c of cases) {
    it(`rejects ${c.what} (field ${String(c.field)})`, async () => {
      const ip = fakeIp();
      server.use(...ip.handlers);
      const client = new IntegrasjonspunktClient({ baseUrl: ip.base });
      const error = await client.send({ sbd: c.sbd(), files: c.files?.() ?? dpoFiles() }, { strategy: c.strategy ?? 'auto' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RequestValidationError);
      expect(isRequestValidationError(error)).toBe(true);
      expect((error as RequestValidationError).field).toBe(c.field);
      expect(ip.requests).toEqual([]);
    });
  }

  it('accepts a receipt-like type without files and the same files in multi-step', async () => {
    const ip = fakeIp();
    server.use(...ip.handlers);
    const client = new IntegrasjonspunktClient({ baseUrl: ip.base });
    await client.send({ sbd: avtalt({ receiver: RECEIVER, identifier: 'x', content: { a: 1 } }) });
    expect(ip.lines()).toEqual(['POST /api/messages/out/multipart']);
  });

  it('rejects an unknown strategy and a negative oneStepMaxBytes', async () => {
    const client = new IntegrasjonspunktClient({ baseUrl: 'http://ip.test' });
    await expect(client.send({ sbd: base(), files: dpoFiles() }, { strategy: 'fast' as never })).rejects.toMatchObject({
      field: 'strategy',
    });
    await expect(client.send({ sbd: base(), files: dpoFiles() }, { oneStepMaxBytes: -1 })).rejects.toMatchObject({
      field: 'oneStepMaxBytes',
    });
  });

  it('checks referanseDokumentfil in an arkivmelding.xml read from a Blob and with a namespace prefix', async () => {
    const client = new IntegrasjonspunktClient({ baseUrl: 'http://ip.test' });
    const xml = '<a:arkivmelding xmlns:a="x"><a:referanseDokumentfil>b&amp;c.pdf</a:referanseDokumentfil></a:arkivmelding>';
    const error = await client
      .send({ sbd: arkivmelding({ receiver: RECEIVER }), files: [{ filename: 'arkivmelding.xml', content: new Blob([xml]) }] })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('b&c.pdf');
  });
});
