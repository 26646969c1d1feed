import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  arkivmelding,
  avtalt,
  dialogmelding,
  digital,
  digitalDpv,
  fromPath,
  IntegrasjonspunktClient,
  isRequestValidationError,
  MULTIPART_PART_LIMIT,
  RequestValidationError,
  type StandardBusinessDocument,
  type Upload,
} from 'eformidling';
import { describe, expect, it } from 'vitest';
import { referencedFiles } from '../../src/send/validate.js';
import { arkivmeldingXml, dpoFiles, PDF, PERSON, RECEIVER } from './fixtures.js';
import { useFakeIpServer } from './harness.js';

const { serve } = useFakeIpServer();
/** A fake IP and a client with the default retry policy. */
const setup = () => serve({}, {});

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
    sbd: () => mutate(base(), (s) => (s[H].sender = [{ identifier: { value: '0192:91007747', authority: 'iso6523-actorid-upis' } }])),
    field: `${H}.sender[0].identifier.value`,
  },
  {
    what: 'a business-message value the IP cannot read (DPV varselType spelled as the enum constant)',
    sbd: () => mutate(base(), (s) => ((s.arkivmelding as Record<string, unknown>).dpv = { varselType: 'VARSEL_DPV_MED_REVARSEL' })),
    field: 'arkivmelding.dpv.varselType',
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
    what: 'an expectedResponseDateTime that is not a date-time',
    sbd: () => mutate(base(), (s) => (s[H].businessScope.scope[0].scopeInformation = [{ expectedResponseDateTime: 'neste fredag' }])),
    field: `${H}.businessScope.scope.scopeInformation.expectedResponseDateTime`,
  },
  {
    what: 'a file without a filename',
    sbd: base,
    files: () => [...dpoFiles(), { content: PDF } as unknown as Upload],
    field: 'files[3].filename',
  },
  {
    what: 'a file that is not an upload (null), whatever the strategy auto would pick',
    sbd: base,
    files: () => [null as unknown as Upload, ...dpoFiles()],
    field: 'files[0].filename',
  },
  ...['mappe/vedlegg.pdf', 'mappe\\vedlegg.pdf', 'vedlegg\r\n.pdf'].map((filename) => ({
    what: `a filename that is a path or has a line break (${JSON.stringify(filename)})`,
    sbd: base,
    files: () => [...dpoFiles(), { filename, content: PDF }],
    field: 'files[3].filename',
  })),
  {
    what: 'a digital message without hoveddokument',
    sbd: () => mutate(digital({ receiver: PERSON, tittel: 'T', hoveddokument: 'a.pdf' }), (s) => delete s.digital.hoveddokument),
    files: () => [{ filename: 'a.pdf', content: PDF }],
    field: 'digital.hoveddokument',
  },
  {
    what: 'a metadataFiler key that is not among the files',
    sbd: () => digital({ receiver: PERSON, tittel: 'T', hoveddokument: 'a.pdf', metadataFiler: { 'b.pdf': 'a.xml' } }),
    files: () => [
      { filename: 'a.pdf', content: PDF },
      { filename: 'a.xml', content: '<x/>' },
    ],
    field: 'digital.metadataFiler',
  },
  {
    what: 'an arkivmelding.xml (bytes) naming a missing file',
    sbd: base,
    files: () => [
      { filename: 'arkivmelding.xml', content: Buffer.from(arkivmeldingXml(['vedtak.pdf', 'mangler.pdf'])) },
      { filename: 'vedtak.pdf', content: PDF },
    ],
    field: 'files[0]',
  },
  {
    what: 'an arkivmelding.xml (ArrayBuffer) naming a missing file',
    sbd: base,
    files: () => [
      { filename: 'arkivmelding.xml', content: new Uint8Array(Buffer.from(arkivmeldingXml(['vedtak.pdf', 'mangler.pdf']))).buffer },
      { filename: 'vedtak.pdf', content: PDF },
    ],
    field: 'files[0]',
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
      const { ip, client } = setup();
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
    const { ip, client } = setup();
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

describe('local validation: more', () => {
  it('refuses a missing input, files that are not an array, and resumeSend without a messageId', async () => {
    const { ip, client } = setup();
    await expect(client.send(undefined as never)).rejects.toMatchObject({ field: 'sbd' });
    await expect(client.send({} as never)).rejects.toMatchObject({ field: 'sbd' });
    await expect(client.send({ sbd: base(), files: 'vedtak.pdf' as never })).rejects.toMatchObject({ field: 'files' });
    await expect(client.resumeSend('', dpoFiles())).rejects.toMatchObject({ field: 'messageId' });
    expect(ip.requests).toEqual([]);
  });

  it('accepts a future expiry, extra scopes, and an arkivmelding.xml stream (its references are left to the IP)', async () => {
    const { ip, client } = setup();
    const sbd = arkivmelding({
      receiver: RECEIVER,
      expectedResponseDateTime: new Date(Date.now() + 3_600_000),
      senderRef: 'sak-2026-1234',
      receiverRef: 'deres-ref',
    });
    const xml = new Blob([arkivmeldingXml(['mangler.pdf'])]).stream();
    // The IP (and the simulator) refuses the send for the missing file; here only the SDK's part is checked.
    ip.on('POST', /^\/api\/messages\/out\/[0-9a-f-]{36}$/, () => 'accept');
    await client.send({ sbd, files: [{ filename: 'arkivmelding.xml', content: xml }] });
    expect(ip.lines().map((l) => l.split(' ')[0])).toEqual(['POST', 'PUT', 'POST']);
  });

  it('accepts a DPH attachment listed in dialogmelding.metadataFiler', async () => {
    const { ip, client } = setup();
    const sbd = dialogmelding({
      receiver: 'her-id:8094866',
      hoveddokument: 'a.pdf',
      metadataFiler: { 'b.pdf': { description: 'Vedlegg' } },
    });
    // No NHN receiver in the simulator's network: the IP's answer is canned, the SDK's checks are what is tested.
    ip.on('POST', /^\/api\/messages\/out\/multipart$/, () => 'accept');
    await client.send({
      sbd,
      files: [
        { filename: 'a.pdf', content: PDF },
        { filename: 'b.pdf', content: PDF },
      ],
    });
    expect(ip.lines()).toEqual(['POST /api/messages/out/multipart']);
  });

  it('decodes XML entities and CDATA in referanseDokumentfil before matching filenames', async () => {
    expect(
      referencedFiles(
        '<referanseDokumentfil>a&lt;b&gt;&quot;c&quot;&amp;d</referanseDokumentfil>' +
          '<referanseDokumentfil>\n  <![CDATA[e&amp;f.pdf]]>\n</referanseDokumentfil><referanseDokumentfil></referanseDokumentfil>',
      ),
    ).toEqual(['a<b>"c"&d', 'e&amp;f.pdf']);
    // A character reference beyond Unicode is malformed XML: kept as written, not a crash.
    expect(referencedFiles('<referanseDokumentfil>x&#x110000;&#1114112;.pdf</referanseDokumentfil>')).toEqual([
      'x&#x110000;&#1114112;.pdf',
    ]);
    const { ip, client } = setup();
    const name = "O'Brien søknad.pdf";
    const xml = arkivmeldingXml(['vedtak.pdf']).replace(
      '<referanseDokumentfil>vedtak.pdf',
      '<referanseDokumentfil>O&apos;Brien s&#xF8;kn&#97;d.pdf</referanseDokumentfil><referanseDokumentfil>vedtak.pdf',
    );
    const files: Upload[] = [
      { filename: 'arkivmelding.xml', content: xml },
      { filename: 'vedtak.pdf', content: PDF },
    ];
    const error = await client.send({ sbd: base(), files }).catch((e: unknown) => e);
    expect(error).toMatchObject({ field: 'files[0]' });
    expect((error as Error).message).toContain(name);
    await client.send({ sbd: base(), files: [...files, { filename: name, content: PDF }] });
    expect(ip.lines()).toEqual(['POST /api/messages/out/multipart']);
  });

  it('reads an arkivmelding.xml from disk to check it; one over 16 MiB (or a stream) is left to the IP', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'efm-validate-'));
    try {
      const path = join(dir, 'arkivmelding.xml');
      await writeFile(path, arkivmeldingXml(['vedtak.pdf', 'mangler.pdf']));
      const { ip, client } = setup();
      const small = await fromPath(path);
      const error = await client.send({ sbd: base(), files: [small, { filename: 'vedtak.pdf', content: PDF }] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ field: 'files[0]' });
      expect((error as Error).message).toContain('mangler.pdf');
      expect(ip.requests).toEqual([]);

      await truncate(path, 16 * 1024 * 1024 + 1);
      const large = await fromPath(path);
      const blob = new Blob([arkivmeldingXml(['mangler.pdf']), new Uint8Array(16 * 1024 * 1024)]);
      // The IP refuses both (an arkivmelding.xml it cannot read, a missing file); here only the SDK's part is checked.
      ip.on('PUT', /^\/api\/messages\/out\/[0-9a-f-]{36}$/, () => 'accept');
      ip.on('POST', /^\/api\/messages\/out\/[0-9a-f-]{36}$/, () => 'accept');
      for (const file of [large, { filename: 'arkivmelding.xml', content: blob }]) {
        await client.send({ sbd: base(), files: [file, { filename: 'vedtak.pdf', content: PDF }] });
      }
      expect(ip.lines()).toHaveLength(2 * 4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
