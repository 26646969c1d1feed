import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import type { FileStore, StoredContent } from './storage.js';

/**
 * Builds the ASiC-E that `pop` returns (`AsicHandlerImpl`), streamed: documents are read from the file store as
 * the zip is written, never buffered whole.
 * @internal
 * @module
 */

/** One document in the container. */
export interface AsicDocument {
  filename: string;
  mimeType: string;
  content: StoredContent;
}

/** Input for {@link buildAsic}. */
export interface AsicInput {
  /** Receiver and sender identifiers as in the SBD (`0192:910075918`). */
  receiver: string;
  sender: string;
  /** Documents, main document first, then the others in upload order. */
  documents: AsicDocument[];
  mtime: Date;
}

const MIMETYPE = 'application/vnd.etsi.asic-e+zip';
/** Documents above this size are stored instead of deflated (speed; a real ASiC may deflate them). */
const STORE_ABOVE = 256 * 1024;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const authority = (id: string) => (/^(her-id|fastlege-for):/.test(id) ? 'nhn-actorid' : 'iso6523-actorid-upis');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('base64');

/** The NextMove `manifest.xml`. */
export function nextMoveManifest(input: Pick<AsicInput, 'receiver' | 'sender'>, main: AsicDocument): string {
  const hoveddokument = `   <hoveddokument href="${esc(main.filename)}" mime="${esc(main.mimeType)}">\n      <tittel lang="no">Hoveddokument</tittel>\n   </hoveddokument>\n`;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<manifest>\n' +
    `   <mottaker>\n      <organisasjon authority="${authority(input.receiver)}">${esc(input.receiver)}</organisasjon>\n   </mottaker>\n` +
    `   <avsender>\n      <organisasjon authority="${authority(input.sender)}">${esc(input.sender)}</organisasjon>\n   </avsender>\n` +
    `${hoveddokument}</manifest>\n`
  );
}

/** Builds the container; returns the zip as a Node stream. */
export function buildAsic(store: FileStore, input: AsicInput): Readable {
  const zip = new yazl.ZipFile();
  const mtime = input.mtime;
  // pop never builds a container without documents (it answers 404 FileNotFoundException instead).
  const manifest = Buffer.from(nextMoveManifest(input, input.documents[0] as AsicDocument));
  const signatureName = `META-INF/signature-${randomUUID()}.p7s`;
  const refs: { uri: string; mime: string; digest: string }[] = [
    { uri: 'manifest.xml', mime: 'application/xml', digest: sha256(manifest) },
  ];

  zip.addBuffer(Buffer.from(MIMETYPE), 'mimetype', { compress: false, mtime });
  zip.addBuffer(manifest, 'manifest.xml', { mtime });
  for (const doc of input.documents) {
    refs.push({ uri: doc.filename, mime: doc.mimeType, digest: doc.content.sha256 });
    const compress = doc.content.size <= STORE_ABOVE;
    if (doc.content.kind === 'memory') {
      zip.addBuffer(doc.content.data, doc.filename, { mtime, compress });
    } else {
      const content = doc.content;
      zip.addReadStreamLazy(doc.filename, { mtime, compress, size: content.size }, (cb) => cb(null, store.open(content)));
    }
  }
  const asicManifest = Buffer.from(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<ASiCManifest xmlns="http://uri.etsi.org/02918/v1.2.1#" xmlns:ns2="http://www.w3.org/2000/09/xmldsig#">\n' +
      `    <SigReference URI="${esc(signatureName)}" MimeType="application/x-pkcs7-signature"/>\n` +
      refs
        .map(
          (r) =>
            `    <DataObjectReference URI="${esc(r.uri)}" MimeType="${esc(r.mime)}">\n` +
            '        <ns2:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>\n' +
            `        <ns2:DigestValue>${r.digest}</ns2:DigestValue>\n` +
            '    </DataObjectReference>\n',
        )
        .join('') +
      '</ASiCManifest>\n',
  );
  zip.addBuffer(asicManifest, 'META-INF/ASiCManifest.xml', { mtime });
  // Placeholder: a real IP writes a CAdES signature over ASiCManifest.xml with its enterprise certificate.
  zip.addBuffer(
    Buffer.from(`SIMULATED CMS SIGNATURE (eformidling simulator); ASiCManifest.xml sha256=${sha256(asicManifest)}\n`),
    signatureName,
    { mtime },
  );
  const entries = [
    { path: '/', mime: MIMETYPE },
    { path: 'manifest.xml', mime: 'application/xml' },
    ...input.documents.map((d) => ({ path: d.filename, mime: d.mimeType })),
    { path: 'META-INF/ASiCManifest.xml', mime: 'application/xml' },
    { path: signatureName, mime: 'application/x-pkcs7-signature' },
  ];
  const odf =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">\n' +
    entries.map((e) => `    <manifest:file-entry manifest:full-path="${esc(e.path)}" manifest:media-type="${esc(e.mime)}"/>\n`).join('') +
    '</manifest:manifest>\n';
  zip.addBuffer(Buffer.from(odf), 'META-INF/manifest.xml', { mtime });
  zip.end({ comment: `mimetype=${MIMETYPE}`, forceZip64Format: false });
  return zip.outputStream as Readable;
}
