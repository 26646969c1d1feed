import { crc32, deflateRawSync } from 'node:zlib';
import yazl from 'yazl';

export interface Doc {
  name: string;
  content: string | Buffer;
  mimeType?: string;
}

/** Collects a yazl zip into a Buffer. */
export async function zipOf(files: Array<{ name: string; content: string | Buffer; compress?: boolean }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(Buffer.from(f.content), f.name, { compress: f.compress ?? true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** An ASiC-E laid out as the IP writes it (`AsicHandlerImpl`, `ManifestFactory`). */
export function asicFiles(
  docs: Doc[],
  options: { main?: string; asicManifest?: boolean; oasisManifest?: boolean; sender?: string; receiver?: string } = {},
) {
  const main = options.main ?? docs[0]?.name ?? 'none';
  const mainDoc = docs.find((d) => d.name === main);
  const nextMove = `<?xml version="1.0" encoding="UTF-8"?>
<manifest>
   <mottaker><organisasjon authority="iso6523-actorid-upis">${options.receiver ?? '0192:910075918'}</organisasjon></mottaker>
   <avsender><organisasjon authority="iso6523-actorid-upis">${options.sender ?? '0192:910077473'}</organisasjon></avsender>
   <hoveddokument href="${esc(main)}" mime="${mainDoc?.mimeType ?? 'application/pdf'}"><tittel lang="no">Hoveddokument</tittel></hoveddokument>
</manifest>`;
  const refs = [{ name: 'manifest.xml', mimeType: 'application/xml' }, ...docs]
    .map(
      (d) =>
        `<DataObjectReference URI="${esc(d.name)}" MimeType="${d.mimeType ?? 'application/octet-stream'}"><ns2:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ns2:DigestValue>AAAA</ns2:DigestValue></DataObjectReference>`,
    )
    .join('');
  const asicManifest = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ASiCManifest xmlns="http://uri.etsi.org/02918/v1.2.1#" xmlns:ns2="http://www.w3.org/2000/09/xmldsig#"><SigReference URI="META-INF/signature-0a1b.p7s" MimeType="application/x-pkcs7-signature"/>${refs}</ASiCManifest>`;
  const oasis = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.etsi.asic-e+zip"/>${docs
    .map(
      (d) => `<manifest:file-entry manifest:full-path="${esc(d.name)}" manifest:media-type="${d.mimeType ?? 'application/octet-stream'}"/>`,
    )
    .join('')}</manifest:manifest>`;
  const files: Array<{ name: string; content: string | Buffer; compress?: boolean }> = [
    { name: 'mimetype', content: 'application/vnd.etsi.asic-e+zip', compress: false },
    { name: 'manifest.xml', content: nextMove },
    ...docs.map((d) => ({ name: d.name, content: d.content })),
  ];
  if (options.asicManifest !== false) files.push({ name: 'META-INF/ASiCManifest.xml', content: asicManifest });
  files.push({ name: 'META-INF/signature-0a1b.p7s', content: Buffer.from([0x30, 0x82, 0x01, 0x00, 1, 2, 3]) });
  if (options.oasisManifest !== false) files.push({ name: 'META-INF/manifest.xml', content: oasis });
  return files;
}

/** An ASiC-E as bytes. */
export function buildAsic(docs: Doc[], options?: Parameters<typeof asicFiles>[1]): Promise<Buffer> {
  return zipOf(asicFiles(docs, options));
}

export interface RawEntry {
  /** Name bytes as written (a string is UTF-8 encoded). */
  name: string | Buffer;
  data?: Buffer | string;
  /** 0 stored, 8 deflate, anything else as given. */
  method?: number;
  flags?: number;
  versionMadeBy?: number;
  externalAttributes?: number;
  /** Lie in the headers. */
  uncompressedSize?: number;
  crc?: number;
  /** Use raw bytes as the compressed data instead of compressing `data`. */
  compressed?: Buffer;
}

/** Hand-built zip bytes, for names and flags yazl refuses to write. */
export function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, 'utf8');
    const data = Buffer.from(e.data ?? '');
    const method = e.method ?? 0;
    const compressed = e.compressed ?? (method === 8 ? deflateRawSync(data) : data);
    const crc = e.crc ?? crc32(data);
    const size = e.uncompressedSize ?? data.length;
    const flags = e.flags ?? 0x0800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, compressed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.versionMadeBy ?? (3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((e.externalAttributes ?? 0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + compressed.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}
