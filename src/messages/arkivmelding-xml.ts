import { randomUUID } from 'node:crypto';
import { RequestValidationError } from '../errors.js';

/** Parameters of {@link arkivmeldingXml}. @category Messages */
export interface ArkivmeldingXmlParams {
  /** The title of the case and the journal entry (also its public title, which the IP shows as the message title). */
  tittel: string;
  /** The document files in order; the first is the main document. Every name must be sent as a file. */
  files: readonly string[];
  /** Public title when it differs from `tittel` (e.g. with names screened). */
  offentligTittel?: string;
  /** The sending system's name. @defaultValue 'eformidling' */
  system?: string;
  /** Case year. @defaultValue the current year */
  saksaar?: number;
  /** Case sequence number. */
  sakssekvensnummer?: number;
  /** Journal entry type. @defaultValue 'Utgående dokument' */
  journalposttype?: string;
  /** Journal entry status. @defaultValue 'Ekspedert' */
  journalstatus?: string;
  /** Timestamp of the message. @defaultValue now */
  now?: Date;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/**
 * A minimal Noark 5 `arkivmelding.xml`: one saksmappe with one journalpost whose documents are `files`, in order.
 * The IP reads `offentligTittel` (the conversation's title) and every `referanseDokumentfil` (each must be sent,
 * `NextMoveValidator`, MissingArkivmeldingFileException); for a real archive, let your archive system write the full arkivmelding instead.
 *
 * @example
 * ```ts
 * const files = [{ filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel: 'Vedtak', files: ['vedtak.pdf'] }) },
 *                { filename: 'vedtak.pdf', content: pdfBytes }];
 * ```
 * @category Messages
 */
export function arkivmeldingXml(params: ArkivmeldingXmlParams): string {
  if (!params.tittel) throw new RequestValidationError('tittel', 'must not be empty');
  if (params.files.length === 0) throw new RequestValidationError('files', 'name at least the main document');
  params.files.forEach((file, i) => {
    if (!file || file === 'arkivmelding.xml') throw new RequestValidationError(`files[${i}]`, `'${file}' cannot be a document`);
  });
  const now = (params.now ?? new Date()).toISOString();
  const documents = params.files
    .map(
      (file, i) => `      <dokumentbeskrivelse>
        <systemID>${randomUUID()}</systemID>
        <dokumenttype>${i === 0 ? 'Brev' : 'Vedlegg'}</dokumenttype>
        <tilknyttetRegistreringSom>${i === 0 ? 'Hoveddokument' : 'Vedlegg'}</tilknyttetRegistreringSom>
        <dokumentnummer>${i + 1}</dokumentnummer>
        <tittel>${escapeXml(file)}</tittel>
        <dokumentobjekt>
          <versjonsnummer>1</versjonsnummer>
          <variantformat>Produksjonsformat</variantformat>
          <referanseDokumentfil>${escapeXml(file)}</referanseDokumentfil>
        </dokumentobjekt>
      </dokumentbeskrivelse>`,
    )
    .join('\n');
  const sekvens = params.sakssekvensnummer === undefined ? '' : `\n    <sakssekvensnummer>${params.sakssekvensnummer}</sakssekvensnummer>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <system>${escapeXml(params.system ?? 'eformidling')}</system>
  <meldingId>${randomUUID()}</meldingId>
  <tidspunkt>${now}</tidspunkt>
  <antallFiler>${params.files.length}</antallFiler>
  <mappe xsi:type="saksmappe">
    <systemID>${randomUUID()}</systemID>
    <tittel>${escapeXml(params.tittel)}</tittel>
    <saksaar>${params.saksaar ?? new Date(now).getFullYear()}</saksaar>${sekvens}
    <basisregistrering xsi:type="journalpost">
      <systemID>${randomUUID()}</systemID>
      <tittel>${escapeXml(params.tittel)}</tittel>
      <offentligTittel>${escapeXml(params.offentligTittel ?? params.tittel)}</offentligTittel>
${documents}
      <journalposttype>${escapeXml(params.journalposttype ?? 'Utgående dokument')}</journalposttype>
      <journalstatus>${escapeXml(params.journalstatus ?? 'Ekspedert')}</journalstatus>
    </basisregistrering>
  </mappe>
</arkivmelding>
`;
}
