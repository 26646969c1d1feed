import { randomUUID } from 'node:crypto';
import yauzl from 'yauzl';

/** Shared request builders for the simulator tests. */

export const KOMMUNE = '910075918';
export const DEPARTEMENT = '910077473';
export const ADMIN = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';

export function arkivmeldingXml(files: string[] = ['vedtak.pdf'], title = 'Vedtak i byggesak'): string {
  const docs = files
    .map(
      (f, i) => `      <dokumentbeskrivelse>
        <systemID>${randomUUID()}</systemID>
        <dokumentnummer>${i + 1}</dokumentnummer>
        <dokumentobjekt><referanseDokumentfil>${f}</referanseDokumentfil></dokumentobjekt>
      </dokumentbeskrivelse>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <system>Test</system>
  <mappe xsi:type="saksmappe">
    <systemID>0e7c5b1a-2d44-4f0b-9c3e-7a1b6d2e8f55</systemID>
    <tittel>Byggesak</tittel>
    <basisregistrering xsi:type="journalpost">
      <systemID>${randomUUID()}</systemID>
${docs}
      <tittel>Vedtak</tittel>
      <offentligTittel>${title}</offentligTittel>
      <journalpostnummer>17</journalpostnummer>
    </basisregistrering>
  </mappe>
</arkivmelding>
`;
}

export interface SbdOptions {
  sender?: string | null;
  receiver?: string | null;
  type?: string;
  standard?: string;
  process?: string;
  messageId?: string | null;
  conversationId?: string;
  expiry?: string;
  body?: Record<string, unknown>;
}

export function sbd(options: SbdOptions = {}): Record<string, unknown> {
  const type = options.type ?? 'arkivmelding';
  const standard = options.standard ?? `urn:no:difi:arkivmelding:xsd::${type}`;
  const header: Record<string, unknown> = {
    headerVersion: '1.0',
    documentIdentification: {
      standard,
      typeVersion: '2.0',
      ...(options.messageId === null ? {} : { instanceIdentifier: options.messageId ?? randomUUID() }),
      type,
    },
    businessScope: {
      scope: [
        {
          type: 'ConversationId',
          instanceIdentifier: options.conversationId ?? randomUUID(),
          identifier: options.process ?? ADMIN,
          ...(options.expiry ? { scopeInformation: [{ expectedResponseDateTime: options.expiry }] } : {}),
        },
      ],
    },
  };
  if (options.sender !== null)
    header.sender = [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${options.sender ?? DEPARTEMENT}` } }];
  if (options.receiver !== null) {
    const r = options.receiver ?? KOMMUNE;
    header.receiver = [{ identifier: { authority: 'iso6523-actorid-upis', value: r.length === 11 ? r : `0192:${r}` } }];
  }
  return { standardBusinessDocumentHeader: header, [type]: options.body ?? { hoveddokument: 'vedtak.pdf' } };
}

export function messageIdOf(doc: Record<string, unknown>): string {
  return ((doc.standardBusinessDocumentHeader as Record<string, Record<string, unknown>>).documentIdentification as Record<string, string>)
    .instanceIdentifier as string;
}

/** A tiny fetch wrapper for raw requests against the simulator (`doFetch` defaults to the global fetch). */
export function raw(base: string, doFetch: (request: Request) => Promise<Response> = (r) => fetch(r)) {
  return async (method: string, path: string, init: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] ??= 'application/json';
    }
    const res = await doFetch(new Request(`${base}${path}`, { method, headers, body: body ?? null, duplex: 'half' } as RequestInit));
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return {
      status: res.status,
      headers: res.headers,
      text,
      json: json as AnyJson,
    };
  };
}

export interface ZipEntryInfo {
  name: string;
  compressionMethod: number;
  data: Buffer;
}

/** Reads every entry of a zip in memory (small zips only). */
export function readZip(buffer: Buffer): Promise<{ entries: ZipEntryInfo[]; comment: string }> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const entries: ZipEntryInfo[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, compressionMethod: entry.compressionMethod, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve({ entries, comment: zip.comment }));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Uploads a file with raw fetch. */
export function uploadHeaders(filename: string, type = 'application/pdf', name?: string): Record<string, string> {
  return {
    'content-type': type,
    'content-disposition': `attachment; ${name ? `name="${name}"; ` : ''}filename="${filename}"`,
  };
}

type Raw = ReturnType<typeof raw>;

/** create + upload arkivmelding.xml and vedtak.pdf (+ send unless told not to); returns the messageId. */
export async function sendArkivmelding(
  out: Raw,
  options: SbdOptions & { send?: boolean; pdf?: string | Uint8Array<ArrayBuffer> } = {},
): Promise<string> {
  const created = await out('POST', '/api/messages/out', { json: sbd(options) });
  if (created.status !== 200) throw new Error(`create failed: ${created.text}`);
  const id = messageIdOf(created.json);
  await out('PUT', `/api/messages/out/${id}`, { body: arkivmeldingXml(), headers: uploadHeaders('arkivmelding.xml', 'application/xml') });
  await out('PUT', `/api/messages/out/${id}?title=Vedtak`, { body: options.pdf ?? '%PDF-1.7 test', headers: uploadHeaders('vedtak.pdf') });
  if (options.send !== false) {
    const sent = await out('POST', `/api/messages/out/${id}`);
    if (sent.status !== 200) throw new Error(`send failed: ${sent.text}`);
  }
  return id;
}

/** Loose JSON for assertions in tests. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON
export type AnyJson = any;
