import { arkivmeldingXml, RequestValidationError } from 'eformidling';
import { describe, expect, it } from 'vitest';

describe('arkivmeldingXml', () => {
  it('names every document as referanseDokumentfil, the first as Hoveddokument, with titles escaped', () => {
    const xml = arkivmeldingXml({
      tittel: 'Vedtak <A & B>',
      files: ['vedtak.pdf', 'vedlegg æøå.pdf'],
      now: new Date('2026-11-25T10:00:00Z'),
    });
    expect([...xml.matchAll(/<referanseDokumentfil>([^<]*)<\/referanseDokumentfil>/g)].map((m) => m[1])).toEqual([
      'vedtak.pdf',
      'vedlegg æøå.pdf',
    ]);
    expect(xml).toContain('<offentligTittel>Vedtak &lt;A &amp; B&gt;</offentligTittel>');
    expect(xml).toMatch(/<tilknyttetRegistreringSom>Hoveddokument<\/tilknyttetRegistreringSom>[\s\S]*<tilknyttetRegistreringSom>Vedlegg</);
    expect(xml).toContain('<antallFiler>2</antallFiler>');
    expect(xml).toContain('<saksaar>2026</saksaar>');
    expect(xml).not.toContain('sakssekvensnummer');
  });

  it('uses a separate public title and case number when given', () => {
    const xml = arkivmeldingXml({
      tittel: 'Sak om Kari Nordmann',
      offentligTittel: 'Sak om *****',
      files: ['a.pdf'],
      sakssekvensnummer: 42,
    });
    expect(xml).toContain('<offentligTittel>Sak om *****</offentligTittel>');
    expect(xml).toContain('<sakssekvensnummer>42</sakssekvensnummer>');
  });

  it('refuses an empty title, no documents, or arkivmelding.xml as a document', () => {
    expect(() => arkivmeldingXml({ tittel: '', files: ['a.pdf'] })).toThrow(RequestValidationError);
    expect(() => arkivmeldingXml({ tittel: 'T', files: [] })).toThrow(/files/);
    expect(() => arkivmeldingXml({ tittel: 'T', files: ['arkivmelding.xml'] })).toThrow(/files\[0\]/);
  });
});
