/**
 * Header and body parsing the IP does through Spring/Tomcat: Content-Disposition (RFC 6266 / RFC 5987) and
 * multipart/form-data.
 * @internal
 * @module
 */

/** A parsed Content-Disposition. */
export interface ContentDispositionValue {
  type: string;
  params: Record<string, string>;
}

/** Thrown for a header the IP's parser rejects (a parameter without `=` → 500). */
export class HeaderParseError extends Error {}

function decodeExtended(value: string): string {
  // RFC 5987: charset'language'percent-encoded
  const m = /^([\w!#$&+.^`|~-]*)'[\w-]*'(.*)$/.exec(value);
  if (!m) return value;
  const charset = (m[1] as string).toLowerCase();
  const bytes = Buffer.from(
    (m[2] as string).replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
    'latin1',
  );
  return charset === 'iso-8859-1' ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** Splits on `;` outside quotes. */
function splitParams(header: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i] as string;
    if (c === '"' && header[i - 1] !== '\\') quoted = !quoted;
    if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * Parses `attachment; name="Vedtak"; filename="vedtak.pdf"` (quoted or not; `filename*`/`name*` in RFC 5987 form
 * win over the plain ones).
 */
export function parseContentDisposition(header: string): ContentDispositionValue {
  const [type = '', ...rest] = splitParams(header);
  const params: Record<string, string> = {};
  const extended: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new HeaderParseError(`Invalid Content-Disposition parameter: ${part}`);
    const key = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    if (key.endsWith('*')) extended[key.slice(0, -1)] = decodeExtended(value);
    else params[key] = value;
  }
  return { type: type.toLowerCase(), params: { ...params, ...extended } };
}

/** One multipart part. */
export interface MultipartPart {
  name: string | undefined;
  filename: string | undefined;
  contentType: string | undefined;
  data: Buffer;
}

/** Thrown for a body that is not valid multipart/form-data. */
export class MultipartParseError extends Error {}

/** The boundary of a `multipart/form-data` Content-Type, or undefined. */
export function multipartBoundary(contentType: string | null): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType.trim())) return undefined;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Parses a whole multipart/form-data body. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartParseError('no multipart boundary found');
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing "--"
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    else throw new MultipartParseError('malformed multipart boundary line');
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new MultipartParseError('multipart part without header end');
    const headers: Record<string, string> = {};
    for (const line of body.subarray(pos, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new MultipartParseError('multipart body not terminated');
    const disposition = headers['content-disposition'] ? parseContentDisposition(headers['content-disposition']) : undefined;
    parts.push({
      name: disposition?.params.name,
      filename: disposition?.params.filename,
      contentType: headers['content-type'],
      data: body.subarray(headerEnd + 4, next),
    });
    pos = next + 2;
  }
  return parts;
}

/** MIME type from a filename's extension, as the IP's MimeTypeExtensionMapper (unknown → application/pdf). */
export function mimeTypeFromFilename(filename: string): string {
  const ext = /\.([^.]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';
  const map: Record<string, string> = {
    pdf: 'application/pdf',
    html: 'text/html',
    txt: 'text/plain',
    xml: 'application/xml',
    doc: 'application/msword',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xls: 'application/vnd.ms-excel',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    xltx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.template',
    ppt: 'application/vnd.ms-powerpoint',
    pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    odf: 'application/vnd.oasis.opendocument.formula',
    odt: 'application/vnd.oasis.opendocument.text',
    fods: 'application/vnd.oasis.opendocument.spreadsheet',
    fodp: 'application/vnd.oasis.opendocument.presentation',
    fodg: 'application/vnd.oasis.opendocument.graphics',
    gif: 'image/gif',
    jpeg: 'image/jpeg',
    jpg: 'image/jpeg',
    png: 'image/png',
    zip: 'application/zip',
  };
  return map[ext] ?? 'application/pdf';
}
