import { unreadableJson } from '../business-message.js';
import { multipartBoundary, parseMultipart } from '../http-parsing.js';
import { frameworkError } from '../ip-error.js';
import type { MultipartFile } from '../model/index.js';

/**
 * Reading a `multipart/form-data` request for `POST /api/messages/out/multipart`
 * (`NextMoveMessageOutController.createAndSendMessage`, Spring's multipart resolver and its size limit).
 * @module
 */

const MAX_MULTIPART_REQUEST = 500 * 1024 * 1024;

/** The `sbd` part and the attachments of a multipart request. @internal */
export async function readMultipart(request: Request): Promise<{ sbd: unknown; files: MultipartFile[] }> {
  const boundary = multipartBoundary(request.headers.get('content-type'));
  if (!boundary) {
    throw frameworkError(
      415,
      'org.springframework.web.HttpMediaTypeNotSupportedException',
      `Content-Type '${request.headers.get('content-type') ?? ''}' is not supported`,
    );
  }
  const length = Number(request.headers.get('content-length') ?? '0');
  if (length > MAX_MULTIPART_REQUEST) {
    throw frameworkError(413, 'org.springframework.web.multipart.MaxUploadSizeExceededException', 'Maximum upload size exceeded');
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of (request.body ?? []) as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > MAX_MULTIPART_REQUEST) {
      throw frameworkError(413, 'org.springframework.web.multipart.MaxUploadSizeExceededException', 'Maximum upload size exceeded');
    }
    chunks.push(Buffer.from(chunk));
  }
  let parts: ReturnType<typeof parseMultipart>;
  try {
    parts = parseMultipart(Buffer.concat(chunks), boundary);
  } catch (error) {
    // MultipartParseError, or HeaderParseError for a part's Content-Disposition: both are a broken request.
    throw frameworkError(
      500,
      'org.springframework.web.multipart.MultipartException',
      `Failed to parse multipart servlet request: ${(error as Error).message}`,
    );
  }
  const sbdPart = parts.find((p) => p.name === 'sbd');
  if (!sbdPart) {
    // createAndSendMessage takes `@RequestParam StandardBusinessDocument sbd`.
    throw frameworkError(
      400,
      'org.springframework.web.bind.MissingServletRequestParameterException',
      "Required request parameter 'sbd' for method parameter type StandardBusinessDocument is not present",
    );
  }
  let sbd: unknown;
  try {
    sbd = JSON.parse(sbdPart.data.toString('utf8'));
  } catch (error) {
    throw unreadableJson((error as SyntaxError).message, 'multipart');
  }
  // Every part with a filename is an attachment (a filename on the sbd part makes it one too, as on the IP).
  const files = parts
    .filter((p) => p.filename !== undefined)
    .map((p) => ({ title: p.name, filename: p.filename as string, mimeType: p.contentType, data: p.data }));
  return { sbd, files };
}
