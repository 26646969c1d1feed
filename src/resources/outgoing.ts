import { randomUUID } from 'node:crypto';
import { isApiError, isNotFoundError, RequestValidationError } from '../errors.js';
import { path } from '../internal/path.js';
import { type StandardBusinessDocument, StandardBusinessDocumentRequestSchema, StandardBusinessDocumentSchema } from '../models/sbd.js';
import type { ServiceIdentifier } from '../models/status.js';
import type { PagedAsyncIterable } from '../pagination.js';
import { type RequestOptions, toIssues } from '../transport/http.js';
import { contentDisposition, mimeTypeOf, prepareBody, type RequestBody, type Upload } from '../uploads.js';
import { postGuarded } from './lost-response.js';
import { type SendProgress, sendMultipart } from './multipart.js';
import { checkString, identifierQuery, Resource } from './resource.js';

/** Filters for `GET /api/messages/out` (NextMoveMessageOutController). @category Resources */
export interface OutgoingListFilter {
  conversationId?: string;
  messageId?: string;
  processIdentifier?: string;
  /** A `0192:` prefix is stripped. */
  receiverIdentifier?: string;
  senderIdentifier?: string;
  serviceIdentifier?: ServiceIdentifier;
  sort?: string | string[];
  pageSize?: number;
}

/** Options for {@link OutgoingResource.upload}. @category Resources */
export interface UploadOptions extends RequestOptions {
  /** The attachment's title (sent as the `title` query parameter); overrides `file.title`. */
  title?: string;
  /** Called as bytes are handed to the connection. */
  onProgress?: (progress: { bytesSent: number; totalBytes: number | undefined }) => void;
}

/**
 * `/api/messages/out`: create, upload, send, and the queue of created-but-not-sent messages.
 * Most integrators use `ip.send()`, which picks a strategy and cleans up after failures.
 * @category Resources
 */
export class OutgoingResource extends Resource {
  /**
   * Creates a message (`POST /api/messages/out`). A missing messageId is generated here, so the call can be retried
   * safely: a refused attempt (408, 429, 503) is simply repeated, and after an attempt without an answer the SDK
   * first asks the IP whether it got through (`GET /api/messages/out/{messageId}`) instead of creating a duplicate
   * (the IP would answer `MessageAlreadyExistsException`).
   * @returns the SBD as the IP stored it, with its defaults filled in.
   * @throws {@link RequestValidationError} when the SBD breaks the IP's shape rules (nothing is sent).
   */
  async create(sbd: StandardBusinessDocument, options: RequestOptions = {}): Promise<StandardBusinessDocument> {
    const body = withMessageId(validateSbd(sbd));
    const messageId = body.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
    const result = await postGuarded(this.transport.withRetry, {
      post: () =>
        this.transport.json(
          { method: 'POST', path: '/api/messages/out', json: body, retry: false },
          StandardBusinessDocumentSchema,
          options,
        ),
      look: () => this.lookup(messageId, options),
      signal: options.signal,
    });
    if ('failed' in result) throw result.failed;
    return 'posted' in result ? result.posted : result.found;
  }

  /**
   * The message as stored in the outgoing queue, or `null` when the IP does not have it (404): one request, not
   * retried unless `retry` (a look inside a retried attempt must not retry on its own).
   * @internal
   */
  lookup(messageId: string, options: RequestOptions = {}, retry = false): Promise<StandardBusinessDocument | null> {
    return this.call(async () => {
      checkString(messageId, 'messageId');
      try {
        return await this.transport.json(
          { method: 'GET', path: path`/api/messages/out/${messageId}`, retry },
          StandardBusinessDocumentSchema,
          options,
        );
      } catch (error) {
        if (isNotFoundError(error)) return null;
        throw error;
      }
    });
  }

  /**
   * Uploads one file to a created message (`PUT /api/messages/out/{messageId}`), streamed, with `Content-Length`
   * (the IP's per-service size check reads it) and an RFC 6266 `Content-Disposition` for non-ASCII names.
   * Retried only when the content can be read again (bytes, Blob, `fromPath`); when a retry meets
   * `DuplicateFilenameException`, the earlier attempt got through and its response was lost, so it counts as done.
   */
  async upload(messageId: string, file: Upload, options: UploadOptions = {}): Promise<void> {
    checkString(messageId, 'messageId');
    const { title = file.title, onProgress, ...requestOptions } = options;
    if (!file || typeof file.filename !== 'string' || !file.filename)
      throw new RequestValidationError('file.filename', 'must not be empty');
    const prepared = prepareBody(file);
    const headers: Record<string, string> = {
      'content-type': file.mimeType ?? mimeTypeOf(file.filename),
      'content-disposition': contentDisposition(file.filename, title),
    };
    // NextMoveMessageService checks the size against the request's content length (a chunked upload skips it).
    if (prepared.size !== undefined) headers['content-length'] = String(prepared.size);
    const request = {
      method: 'PUT' as const,
      path: path`/api/messages/out/${messageId}`,
      query: { title },
      body: () => (onProgress ? withProgress(prepared.open(), prepared.size, onProgress) : prepared.open()),
      headers,
      retry: false,
      upload: true,
    };
    // The per-attempt timeout must not cut off a large upload: unless the caller set one, allow the client's
    // timeout plus the time the file takes at 256 KiB/s (a stream of unknown size: at least an hour).
    requestOptions.timeoutMs ??= uploadTimeoutMs(this.transport.timeoutMs, prepared.size);
    if (!prepared.replayable) {
      // A one-shot stream goes once: never through a retrying request (a retry would find it drained).
      await this.transport.empty(request, requestOptions);
      return;
    }
    await this.transport.withRetry(
      async (attempt) => {
        try {
          await this.transport.empty(request, requestOptions);
        } catch (error) {
          if (attempt > 1 && isApiError(error) && error.exception === 'DuplicateFilenameException') return;
          throw error;
        }
      },
      { signal: requestOptions.signal },
    );
  }

  /**
   * Sends a created message (`POST /api/messages/out/{messageId}`). Never retried here: the IP puts the message on
   * its internal queue and transmits it later, so a second send can transmit it twice. `ip.send()` repeats it only
   * after a refusal (408, 429, 503) and otherwise waits for the outcome.
   */
  send(messageId: string, options: RequestOptions = {}): Promise<void> {
    return this.call(async () => {
      checkString(messageId, 'messageId');
      await this.transport.empty({ method: 'POST', path: path`/api/messages/out/${messageId}`, retry: false }, options);
    });
  }

  /**
   * Creates, attaches and sends in one call (`POST /api/messages/out/multipart`); every file at most 5 MiB.
   * @remarks If the IP's send-stage validation fails, it answers 400 but keeps the created message (create and
   * upload commit before the send stage in NextMoveMessageOutController.createAndSendMessage); `ip.send()` cleans that up for you.
   */
  sendMultipart(sbd: StandardBusinessDocument, files: readonly Upload[], options: RequestOptions = {}): Promise<StandardBusinessDocument> {
    return this.call(() => this.postMultipart(withMessageId(validateSbd(sbd)), files, options));
  }

  /**
   * {@link sendMultipart} of an SBD already validated and given its messageId (by `ip.send()`), with upload progress.
   * Sent once, never retried here.
   * @internal
   */
  postMultipart(
    sbd: StandardBusinessDocument,
    files: readonly Upload[],
    options: RequestOptions & { onProgress?: ((progress: SendProgress) => void) | undefined } = {},
  ): Promise<StandardBusinessDocument> {
    return this.call(() => sendMultipart(this.transport, sbd, files, options));
  }

  /** A created-but-not-sent message. @throws {@link NotFoundError} when unknown or already transmitted. */
  get(messageId: string, options: RequestOptions = {}): Promise<StandardBusinessDocument> {
    return this.call(() => {
      checkString(messageId, 'messageId');
      return this.transport.json({ method: 'GET', path: path`/api/messages/out/${messageId}` }, StandardBusinessDocumentSchema, options);
    });
  }

  /** The outgoing queue: messages created but not yet transmitted. */
  list(filter: OutgoingListFilter = {}, options: RequestOptions = {}): PagedAsyncIterable<StandardBusinessDocument> {
    return this.pagedCall(() => {
      const { pageSize, ...rest } = filter;
      const query = identifierQuery(rest, this.transport.identifiers);
      return this.paged('/api/messages/out', StandardBusinessDocumentSchema, query, options, pageSize);
    });
  }

  /** Deletes a created message and its files (always succeeds; statuses stay). */
  delete(messageId: string, options: RequestOptions = {}): Promise<void> {
    return this.call(async () => {
      checkString(messageId, 'messageId');
      await this.transport.empty({ method: 'DELETE', path: path`/api/messages/out/${messageId}` }, options);
    });
  }
}

/** Validates an SBD against the IP's strict request shape. @internal */
export function validateSbd(sbd: StandardBusinessDocument): StandardBusinessDocument {
  const result = StandardBusinessDocumentRequestSchema.safeParse(sbd);
  if (!result.success) {
    const issues = toIssues(result.error);
    throw new RequestValidationError(issues[0]?.path || 'sbd', issues[0]?.message ?? 'invalid SBD', issues);
  }
  return result.data;
}

/** Returns the SBD with a messageId, generating one when missing. @internal */
export function withMessageId(sbd: StandardBusinessDocument): StandardBusinessDocument {
  const doc = sbd.standardBusinessDocumentHeader.documentIdentification;
  if (doc.instanceIdentifier) return sbd;
  return {
    ...sbd,
    standardBusinessDocumentHeader: {
      ...sbd.standardBusinessDocumentHeader,
      documentIdentification: { ...doc, instanceIdentifier: randomUUID() },
    },
  };
}

/** @internal */
export function uploadTimeoutMs(baseMs: number, size: number | undefined): number {
  if (size === undefined) return Math.max(baseMs, 3_600_000);
  return baseMs + Math.ceil(size / (256 * 1024)) * 1000;
}

function withProgress(body: RequestBody, total: number | undefined, onProgress: NonNullable<UploadOptions['onProgress']>): RequestBody {
  let sent = 0;
  const source = body as unknown as AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | Uint8Array | Blob | string;
  async function* counted(): AsyncGenerator<Uint8Array> {
    const iterable: AsyncIterable<Uint8Array> | Iterable<Uint8Array> =
      typeof source === 'string'
        ? [Buffer.from(source)]
        : source instanceof Uint8Array
          ? [source]
          : source instanceof Blob
            ? (source.stream() as unknown as AsyncIterable<Uint8Array>)
            : (source as AsyncIterable<Uint8Array>);
    for await (const chunk of iterable) {
      sent += chunk.byteLength;
      yield chunk;
      onProgress({ bytesSent: sent, totalBytes: total });
    }
  }
  return counted() as unknown as RequestBody;
}
