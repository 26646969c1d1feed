import type { Upload } from 'eformidling';

export const SENDER = '910077473';
export const RECEIVER = '910075918';
/** A valid fødselsnummer (11 digits whose two MOD11 check digits hold). */
export const PERSON = '09118532322';

export function arkivmeldingXml(files: string[]): string {
  const docs = files
    .map(
      (f, i) => `      <dokumentbeskrivelse>
        <systemID>9f2e4c7b-1a35-4d6e-b8c0-5e3a7d1f2b4${i}</systemID>
        <tittel>Dokument ${i + 1}</tittel>
        <tilknyttetRegistreringSom>${i === 0 ? 'Hoveddokument' : 'Vedlegg'}</tilknyttetRegistreringSom>
        <dokumentnummer>${i + 1}</dokumentnummer>
        <dokumentobjekt>
          <referanseDokumentfil>${f.replace(/&/g, '&amp;')}</referanseDokumentfil>
        </dokumentobjekt>
      </dokumentbeskrivelse>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <system>Eksempel Sak</system>
  <meldingId>8d1f2a77-3b0c-4e55-a6f1-0c2b9e7d4a13</meldingId>
  <tidspunkt>2026-08-20T09:10:00</tidspunkt>
  <antallFiler>${files.length}</antallFiler>
  <mappe xsi:type="saksmappe">
    <systemID>0e7c5b1a-2d44-4f0b-9c3e-7a1b6d2e8f55</systemID>
    <tittel>Byggesak Storgata 12</tittel>
    <basisregistrering xsi:type="journalpost">
      <systemID>c3a9e6d1-54b2-4f7a-8e10-2b7d9c4f1a66</systemID>
${docs}
      <tittel>Vedtak i byggesak 2026/1234</tittel>
      <offentligTittel>Vedtak i byggesak</offentligTittel>
      <journalpostnummer>17</journalpostnummer>
    </basisregistrering>
  </mappe>
</arkivmelding>
`;
}

export const PDF = Buffer.from('%PDF-1.7\n% a tiny test document\n%%EOF\n');

/** arkivmelding.xml + a main document + an attachment, as a DPO case file. */
export function dpoFiles(main = 'vedtak.pdf', attachment = 'vedlegg.pdf'): Upload[] {
  return [
    { filename: 'arkivmelding.xml', content: arkivmeldingXml([main, attachment]), title: 'Arkivmelding' },
    { filename: main, content: PDF, title: 'Vedtak i byggesak 2026/1234' },
    { filename: attachment, content: new Blob([PDF]), mimeType: 'application/pdf' },
  ];
}
