import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  arkivmelding,
  chooseStrategy,
  digital,
  digitalDpv,
  fromPath,
  MULTIPART_PART_LIMIT,
  type SendProgress,
  type Upload,
} from 'eformidling';
import { DPV_ORGANISATION } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { type Captured, filenameFromDisposition, parseMultipart } from './fake-ip.js';
import { arkivmeldingXml, dpoFiles, PDF, PERSON, RECEIVER, SENDER } from './fixtures.js';
import { useFakeIpServer } from './harness.js';

const { serve: setup } = useFakeIpServer();

const sbdOf = (c: Captured) => JSON.parse(c.body.toString('utf8'));

describe('multi-step: the exact requests', () => {
  it('DPO arkivmelding with attachments: create (JSON), one raw PUT per file, then send', async () => {
    const { ip, client } = setup();
    const sbd = arkivmelding({ sender: SENDER, receiver: RECEIVER, hoveddokument: 'vedtak.pdf', securityLevel: 3 });
    const id = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
    const files = dpoFiles();
    const stored = await client.send({ sbd, files }, { strategy: 'multi-step' });

    expect(stored.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).toBe(id);
    expect(ip.lines()).toEqual([
      'POST /api/messages/out',
      `PUT /api/messages/out/${id}`,
      `PUT /api/messages/out/${id}`,
      `PUT /api/messages/out/${id}`,
      `POST /api/messages/out/${id}`,
    ]);
    const [create, xml, main, attachment, send] = ip.requests as [Captured, Captured, Captured, Captured, Captured];
    expect(create.headers['content-type']).toBe('application/json');
    expect(sbdOf(create)).toEqual(sbd);
    expect(sbdOf(create).arkivmelding).toEqual({ hoveddokument: 'vedtak.pdf', sikkerhetsnivaa: 3 });

    expect(xml.search).toBe('?title=Arkivmelding');
    expect(xml.headers['content-type']).toBe('application/xml');
    expect(xml.headers['content-disposition']).toBe('attachment; name="Arkivmelding"; filename="arkivmelding.xml"');
    expect(xml.headers['content-length']).toBe(String(Buffer.byteLength(files[0]?.content as string)));
    expect(xml.body.toString('utf8')).toBe(files[0]?.content);

    expect(main.search).toBe(`?title=${encodeURIComponent('Vedtak i byggesak 2026/1234').replace(/%20/g, '+')}`);
    expect(main.headers['content-type']).toBe('application/pdf');
    expect(main.headers['content-disposition']).toBe('attachment; name="Vedtak i byggesak 2026/1234"; filename="vedtak.pdf"');
    expect(main.headers['content-length']).toBe(String(PDF.length));
    expect(main.body.equals(PDF)).toBe(true);

    // No title: no `title` query and no `name` in Content-Disposition.
    expect(attachment.search).toBe('');
    expect(attachment.headers['content-disposition']).toBe('attachment; filename="vedlegg.pdf"');
    expect(attachment.headers['content-length']).toBe(String(PDF.length));

    expect(send.body.length).toBe(0);
    expect(ip.sent).toEqual([id]);
  });

  it('streams a file from disk with Content-Length (not chunked) and reports progress', async () => {
    const { ip, client } = setup();
    const dir = await mkdtemp(join(tmpdir(), 'efm-send-'));
    try {
      const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
      await writeFile(join(dir, 'stor.pdf'), big);
      const files: Upload[] = [
        { filename: 'arkivmelding.xml', content: arkivmeldingXml(['stor.pdf']) },
        await fromPath(join(dir, 'stor.pdf'), { title: 'Stor' }),
      ];
      const progress: SendProgress[] = [];
      await client.send(
        { sbd: arkivmelding({ receiver: RECEIVER }), files },
        { strategy: 'multi-step', onProgress: (p) => progress.push(p) },
      );
      const put = ip.requests.find((c) => c.method === 'PUT' && c.headers['content-disposition']?.includes('stor.pdf')) as Captured;
      expect(put.headers['content-length']).toBe(String(big.length));
      expect(put.headers['transfer-encoding']).toBeUndefined();
      expect(put.body.equals(big)).toBe(true);
      const forBig = progress.filter((p) => p.file === 'stor.pdf');
      expect(forBig.at(-1)).toEqual({ file: 'stor.pdf', bytesSent: big.length, totalBytes: big.length });
      expect(forBig.map((p) => p.bytesSent)).toEqual([...forBig.map((p) => p.bytesSent)].sort((a, b) => a - b));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('DPV digital_dpv: every file goes with its title', async () => {
    const { ip, client } = setup();
    const sbd = digitalDpv({
      receiver: DPV_ORGANISATION,
      tittel: 'Vedtak',
      sammendrag: 'Kort',
      innhold: 'Lang tekst',
      hoveddokument: 'vedtak.pdf',
    });
    await client.send(
      {
        sbd,
        files: [
          { filename: 'vedtak.pdf', content: PDF, title: 'Vedtak' },
          { filename: 'vedlegg.txt', content: 'hei', title: 'Vedlegg' },
        ],
      },
      { strategy: 'multi-step' },
    );
    const puts = ip.requests.filter((c) => c.method === 'PUT');
    expect(puts.map((c) => [c.search, c.headers['content-type'], c.headers['content-disposition']])).toEqual([
      ['?title=Vedtak', 'application/pdf', 'attachment; name="Vedtak"; filename="vedtak.pdf"'],
      ['?title=Vedlegg', 'text/plain', 'attachment; name="Vedlegg"; filename="vedlegg.txt"'],
    ]);
    const created = sbdOf(ip.requests[0] as Captured);
    expect(created.standardBusinessDocumentHeader.documentIdentification).toMatchObject({
      type: 'digital_dpv',
      standard: 'urn:no:difi:digitalpost:xsd:digital::digital_dpv',
    });
    expect(created.digital_dpv).toEqual({ tittel: 'Vedtak', sammendrag: 'Kort', innhold: 'Lang tekst', hoveddokument: 'vedtak.pdf' });
  });

  it('DPI digital: the metadata file may go without a title', async () => {
    const { ip, client } = setup();
    const sbd = digital({
      receiver: PERSON,
      tittel: 'Vedtak om eiendomsskatt',
      hoveddokument: 'vedtak.pdf',
      virkningsdato: '2026-08-21',
      aapningskvittering: true,
      metadataFiler: { 'vedtak.pdf': 'vedtak-metadata.xml' },
    });
    await client.send(
      {
        sbd,
        files: [
          { filename: 'vedtak.pdf', content: PDF },
          { filename: 'vedtak-metadata.xml', content: '<metadata/>' },
        ],
      },
      { strategy: 'multi-step' },
    );
    const created = sbdOf(ip.requests[0] as Captured);
    expect(created.standardBusinessDocumentHeader.receiver).toEqual([{ identifier: { value: PERSON, authority: 'iso6523-actorid-upis' } }]);
    expect(created.digital).toMatchObject({ sikkerhetsnivaa: 4, hoveddokument: 'vedtak.pdf', spraak: 'NO' });
    const puts = ip.requests.filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.headers['content-disposition'])).toEqual([
      'attachment; filename="vedtak.pdf"',
      'attachment; filename="vedtak-metadata.xml"',
    ]);
  });
});

describe('one-step: the exact request', () => {
  it('DPO arkivmelding: part sbd is a plain JSON field, each file a part with title, filename and real type', async () => {
    const { ip, client } = setup();
    const sbd = arkivmelding({ sender: SENDER, receiver: RECEIVER, hoveddokument: 'vedtak.pdf' });
    const files = dpoFiles();
    await client.send({ sbd, files }, { strategy: 'one-step' });
    expect(ip.lines()).toEqual(['POST /api/messages/out/multipart']);
    const req = ip.requests[0] as Captured;
    expect(req.headers['content-type']).toMatch(/^multipart\/form-data; boundary=\S+$/);
    expect(req.headers['content-length']).toBe(String(req.body.length));
    const parts = parseMultipart(req.headers['content-type'] as string, req.body);
    expect(parts.map((p) => [p.headers['content-disposition'], p.headers['content-type']])).toEqual([
      ['form-data; name="sbd"', 'application/json'],
      ['form-data; name="Arkivmelding"; filename="arkivmelding.xml"', 'application/xml'],
      ['form-data; name="Vedtak i byggesak 2026/1234"; filename="vedtak.pdf"', 'application/pdf'],
      ['form-data; name="vedlegg.pdf"; filename="vedlegg.pdf"', 'application/pdf'],
    ]);
    expect(JSON.parse(parts[0]?.body.toString('utf8') as string)).toEqual(sbd);
    expect(parts[1]?.body.toString('utf8')).toBe(files[0]?.content);
    expect(parts[2]?.body.equals(PDF)).toBe(true);
    expect(parts[3]?.body.equals(PDF)).toBe(true);
  });

  it('DPV and DPI messages go one-step with titles as part names', async () => {
    const { ip, client } = setup();
    await client.send(
      {
        sbd: digitalDpv({ receiver: DPV_ORGANISATION, tittel: 'T', sammendrag: 'S', innhold: 'I' }),
        files: [{ filename: 'brev.pdf', content: PDF, title: 'Brev' }],
      },
      { strategy: 'one-step' },
    );
    await client.send(
      {
        sbd: digital({ receiver: PERSON, tittel: 'T', hoveddokument: 'brev.pdf', virkningsdato: '2026-08-21' }),
        files: [
          { filename: 'brev.pdf', content: PDF },
          { filename: 'vedlegg.pdf', content: PDF, title: 'Vedlegg' },
        ],
      },
      { strategy: 'one-step' },
    );
    const [dpv, dpi] = ip.requests.map((c) => parseMultipart(c.headers['content-type'] as string, c.body));
    expect(dpv?.map((p) => p.headers['content-disposition'])).toEqual([
      'form-data; name="sbd"',
      'form-data; name="Brev"; filename="brev.pdf"',
    ]);
    expect(JSON.parse(dpv?.[0]?.body.toString() as string).standardBusinessDocumentHeader.documentIdentification.type).toBe('digital_dpv');
    expect(dpi?.map((p) => p.headers['content-disposition'])).toEqual([
      'form-data; name="sbd"',
      'form-data; name="brev.pdf"; filename="brev.pdf"',
      'form-data; name="Vedlegg"; filename="vedlegg.pdf"',
    ]);
    expect(JSON.parse(dpi?.[0]?.body.toString() as string).digital.digitalPostInfo).toEqual({
      virkningsdato: '2026-08-21',
      aapningskvittering: false,
    });
  });

  it('streams files from disk in the multipart body, with a Content-Length and progress', async () => {
    const { ip, client } = setup();
    const dir = await mkdtemp(join(tmpdir(), 'efm-send-'));
    try {
      const data = Buffer.alloc(2 * 1024 * 1024 + 3, 1);
      await writeFile(join(dir, 'vedtak.pdf'), data);
      const progress: SendProgress[] = [];
      await client.send(
        {
          sbd: arkivmelding({ receiver: RECEIVER }),
          files: [{ filename: 'arkivmelding.xml', content: arkivmeldingXml(['vedtak.pdf']) }, await fromPath(join(dir, 'vedtak.pdf'))],
        },
        { strategy: 'one-step', onProgress: (p) => progress.push(p) },
      );
      const req = ip.requests[0] as Captured;
      expect(req.headers['content-length']).toBe(String(req.body.length));
      const parts = parseMultipart(req.headers['content-type'] as string, req.body);
      expect(parts[2]?.body.equals(data)).toBe(true);
      expect(progress.filter((p) => p.file === 'vedtak.pdf').at(-1)).toEqual({
        file: 'vedtak.pdf',
        bytesSent: data.length,
        totalBytes: data.length,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sends every in-memory kind and streams of unknown size (then chunked, without Content-Length)', async () => {
    const { ip, client } = setup();
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(PDF.subarray(0, 5));
        c.enqueue(PDF.subarray(5));
        c.close();
      },
    });
    const files: Upload[] = [
      { filename: 'arkivmelding.xml', content: arkivmeldingXml(['a.pdf', 'b.pdf', 'c.pdf', 'd.pdf']) },
      { filename: 'a.pdf', content: new Uint8Array(PDF).buffer },
      { filename: 'b.pdf', content: new Blob([PDF]) },
      { filename: 'c.pdf', content: web },
      { filename: 'd.pdf', content: Readable.from([PDF]) },
    ];
    await client.send({ sbd: arkivmelding({ receiver: RECEIVER }), files }, { strategy: 'one-step' });
    const req = ip.requests[0] as Captured;
    expect(req.headers['content-length']).toBeUndefined();
    const parts = parseMultipart(req.headers['content-type'] as string, req.body);
    expect(parts.map((p) => p.filename)).toEqual([undefined, 'arkivmelding.xml', 'a.pdf', 'b.pdf', 'c.pdf', 'd.pdf']);
    for (const part of parts.slice(2)) {
      expect(part.body.equals(PDF)).toBe(true);
      expect(part.headers['content-type']).toBe('application/pdf');
    }
  });

  it('reports progress for an empty file too (0 of 0 bytes)', async () => {
    const { ip, client } = setup();
    const progress: SendProgress[] = [];
    const files: Upload[] = [
      { filename: 'arkivmelding.xml', content: arkivmeldingXml(['tom.pdf']) },
      { filename: 'tom.pdf', content: new Uint8Array(0) },
    ];
    await client.send({ sbd: arkivmelding({ receiver: RECEIVER }), files }, { strategy: 'one-step', onProgress: (p) => progress.push(p) });
    expect(progress.filter((p) => p.file === 'tom.pdf')).toEqual([{ file: 'tom.pdf', bytesSent: 0, totalBytes: 0 }]);
    const req = ip.requests[0] as Captured;
    expect(req.headers['content-length']).toBe(String(req.body.length));
    expect(parseMultipart(req.headers['content-type'] as string, req.body)[2]?.body.length).toBe(0);
  });
});

describe('non-ASCII filenames', () => {
  const name = 'Vedtak æøå ÆØÅ "x".pdf';
  it('multi-step: RFC 6266 filename* carries the exact name; the ASCII fallback stays parseable', async () => {
    const { ip, client } = setup();
    await client.send(
      {
        sbd: arkivmelding({ receiver: RECEIVER }),
        files: [
          { filename: 'arkivmelding.xml', content: arkivmeldingXml([name]) },
          { filename: name, content: PDF, title: 'Søknad om løyve' },
        ],
      },
      { strategy: 'multi-step' },
    );
    const put = ip.requests.filter((c) => c.method === 'PUT')[1] as Captured;
    const cd = put.headers['content-disposition'] as string;
    expect(cd).toMatch(/^attachment; name="[\x20-\x7e]*"; name\*=UTF-8''[^;]+; filename="[\x20-\x7e]*"; filename\*=UTF-8''[^;]+$/);
    expect(filenameFromDisposition(cd)).toBe(name);
    // The ASCII fallback for old parsers: diacritics dropped, other non-ASCII as '_', no raw quotes.
    expect(cd).toContain('filename="Vedtak __a __A _x_.pdf"');
    expect(new URL(`http://x${put.search}`).searchParams.get('title')).toBe('Søknad om løyve');
  });

  it('one-step: raw UTF-8 in the part header (RFC 7578 4.2), quotes escaped as %22', async () => {
    const { ip, client } = setup();
    // The IP keeps %22 as written (its multipart parser does not undo the escape), so it would miss the name that
    // arkivmelding.xml refers to; this test is about the bytes on the wire.
    ip.on('POST', /^\/api\/messages\/out\/multipart$/, () => 'accept');
    await client.send(
      {
        sbd: arkivmelding({ receiver: RECEIVER }),
        files: [
          { filename: 'arkivmelding.xml', content: arkivmeldingXml([name]) },
          { filename: name, content: PDF, title: 'Søknad' },
        ],
      },
      { strategy: 'one-step' },
    );
    const req = ip.requests[0] as Captured;
    const parts = parseMultipart(req.headers['content-type'] as string, req.body);
    expect(parts[2]?.filename).toBe('Vedtak æøå ÆØÅ %22x%22.pdf');
    expect(decodeURIComponent(parts[2]?.filename as string)).toBe(name);
    expect(parts[2]?.name).toBe('Søknad');
  });
});

describe('auto', () => {
  const xml = (names: string[]): Upload => ({ filename: 'arkivmelding.xml', content: arkivmeldingXml(names) });

  it('goes one-step for small files with known sizes', async () => {
    const { ip, client } = setup();
    await client.send({ sbd: arkivmelding({ receiver: RECEIVER }), files: [xml(['a.pdf']), { filename: 'a.pdf', content: PDF }] });
    expect(ip.lines()).toEqual(['POST /api/messages/out/multipart']);
  });

  it('goes multi-step when one file is over 5 MiB', async () => {
    const { ip, client } = setup();
    const big = new Uint8Array(MULTIPART_PART_LIMIT + 1);
    await client.send({ sbd: arkivmelding({ receiver: RECEIVER }), files: [xml(['a.pdf']), { filename: 'a.pdf', content: big }] });
    expect(ip.lines().map((l) => l.split(' ')[0])).toEqual(['POST', 'PUT', 'PUT', 'POST']);
    expect(ip.requests[2]?.headers['content-length']).toBe(String(big.length));
  });

  it('goes multi-step when the total is over oneStepMaxBytes, and for a stream of unknown size', async () => {
    const { ip, client } = setup();
    const files = [xml(['a.pdf']), { filename: 'a.pdf', content: new Uint8Array(1000) }];
    await client.send({ sbd: arkivmelding({ receiver: RECEIVER }), files }, { oneStepMaxBytes: 500 });
    expect(ip.lines()[0]).toBe('POST /api/messages/out');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array([1, 2, 3]));
        c.close();
      },
    });
    expect(chooseStrategy([{ filename: 'a.pdf', content: stream }])).toBe('multi-step');
    expect(chooseStrategy([{ filename: 'a.pdf', content: stream, size: 3 }])).toBe('one-step');
    expect(chooseStrategy([{ filename: 'a.pdf', content: new Uint8Array(10) }], 5)).toBe('multi-step');
    ip.requests.length = 0;
    await client.send({ sbd: arkivmelding({ receiver: RECEIVER }), files: [xml(['a.pdf']), { filename: 'a.pdf', content: stream }] });
    expect(ip.lines().map((l) => l.split(' ')[0])).toEqual(['POST', 'PUT', 'PUT', 'POST']);
    const put = ip.requests[2] as Captured;
    expect([...put.body]).toEqual([1, 2, 3]);
  });
});
