import { RequestValidationError } from '../errors.js';
import type { StandardBusinessDocument } from '../models/sbd.js';
import { StandardBusinessDocumentSchema } from '../models/sbd.js';
import type { RequestOptions, Transport } from '../transport/http.js';
import { mimeTypeOf, prepareBody, type Upload } from '../uploads.js';

/** The IP's per-part limit for the one-step endpoint (reference 3.2.4). */
export const MULTIPART_PART_LIMIT = 5 * 1024 * 1024;

/**
 * One-step send (`POST /api/messages/out/multipart`): a part `sbd` (JSON, no filename) and one part per file with
 * its filename, title (part name) and real content type. Never retried (a repeat would be a duplicate).
 * @internal
 */
export async function sendMultipart(
  transport: Transport,
  sbd: StandardBusinessDocument,
  files: readonly Upload[],
  options: RequestOptions,
): Promise<StandardBusinessDocument> {
  const form = new FormData();
  form.append('sbd', new Blob([JSON.stringify(sbd)], { type: 'application/json' }));
  for (const [i, file] of files.entries()) {
    const prepared = prepareBody(file, `files[${i}]`);
    if (prepared.size !== undefined && prepared.size > MULTIPART_PART_LIMIT) {
      throw new RequestValidationError(`files[${i}]`, `'${file.filename}' is larger than the one-step limit of 5 MiB`);
    }
    const blob = await new Response(prepared.open()).blob();
    form.append(file.title ?? 'file', new Blob([blob], { type: file.mimeType ?? mimeTypeOf(file.filename) }), file.filename);
  }
  return transport.json(
    { method: 'POST', path: '/api/messages/out/multipart', body: form, retry: false },
    StandardBusinessDocumentSchema,
    options,
  );
}
