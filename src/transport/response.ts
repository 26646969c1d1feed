import type { z } from 'zod';
import { ApiError, NotIntegrasjonspunktError, ResponseValidationError, type ValidationIssue } from '../errors.js';
import { fastCheckOf } from '../models/common.js';
import { ApiErrorBodySchema } from '../models/error-body.js';
import type { ReadContext } from './request.js';

/**
 * Reading a `Response`: text with a size cap and its own deadline, draining, the IP's error JSON and JSON bodies
 * checked against a schema.
 * @module
 */

const decoder = new TextDecoder();

/** What a body read is held to: a deadline (`remainingMs`, then `timeout()`) and the caller's signal. @internal */
export type ReadLimits = Pick<ReadContext, 'remainingMs' | 'timeout' | 'signal'>;

/**
 * Reads a body into memory, at most `limit` bytes (the rest is cancelled). With `limits` (a custom reader's
 * {@link ReadContext}), the read is held to the remaining time, rejecting with `limits.timeout()`, and to the
 * caller's signal, rejecting with its reason; the built-in readers are covered by the attempt's own timer.
 * This is the SDK's one "read a body under a timer and a signal".
 * @internal
 */
export async function readBytes(
  body: ReadableStream<Uint8Array> | null,
  limits?: ReadLimits,
  limit = Number.POSITIVE_INFINITY,
): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  let timedOut = false;
  const timer = limits
    ? setTimeout(() => {
        timedOut = true;
        reader.cancel(limits.timeout()).catch(() => {});
      }, limits.remainingMs)
    : undefined;
  const signal = limits?.signal;
  const onAbort = () => reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    if (size >= limit) await reader.cancel().catch(() => {});
  } catch (error) {
    if (timedOut && limits) throw limits.timeout();
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  // A cancelled stream ends its pending read as done: the flags tell a cut-off body from a complete one.
  if (timedOut && limits) throw limits.timeout();
  if (signal?.aborted) throw signal.reason;
  const first = chunks[0];
  return chunks.length === 1 && first ? Buffer.from(first.buffer, first.byteOffset, first.byteLength) : Buffer.concat(chunks, size);
}

/**
 * Reads a body as text, at most `limit` bytes (see {@link readBytes}).
 * @internal
 */
export async function readText(res: Response, ctx?: ReadLimits, limit = Number.POSITIVE_INFINITY): Promise<string> {
  if (!res.body) return '';
  if (!ctx && limit === Number.POSITIVE_INFINITY) return res.text();
  return decoder.decode(await readBytes(res.body, ctx, limit));
}

/** Largest body {@link discard} reads (to keep the connection) rather than cancels. */
const SMALL_BODY = 64 * 1024;

/**
 * Drops a body the caller does not need. A small one (or one of unknown length, which the attempt's timer bounds) is
 * read, so that the connection can serve the next request; a large one is cancelled.
 * @internal
 */
export async function discard(res: Response): Promise<void> {
  if (!res.body) return;
  const length = res.headers.get('content-length');
  if (length !== null && Number(length) > SMALL_BODY) {
    cancel(res);
    return;
  }
  await res.arrayBuffer();
}

/** Drops a body unread. @internal */
export function cancel(res: Response): void {
  res.body?.cancel().catch(() => {});
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * True for the IP's error JSON (`IntegrasjonspunktErrorController`): it always carries `status` and at least one of
 * `error`, `path`, `exception`. A gateway's or another server's JSON lacks them.
 */
function isIpErrorBody(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === 'number' && (typeof v.error === 'string' || typeof v.path === 'string' || typeof v.exception === 'string');
}

/** The error for a 4xx/5xx answer, from its (capped) body. @internal */
export async function toApiError(res: Response, method: string, url: string, baseUrl: string, requestPath: string): Promise<ApiError> {
  let raw = '';
  try {
    raw = (await readText(res, undefined, MAX_ERROR_BODY)).slice(0, MAX_ERROR_BODY);
  } catch {
    // The body broke off; the status still tells.
  }
  let body: z.output<typeof ApiErrorBodySchema> | undefined;
  let ipError = false;
  if (raw) {
    try {
      const json: unknown = JSON.parse(raw);
      ipError = isIpErrorBody(json);
      const parsed = ApiErrorBodySchema.safeParse(json);
      if (parsed.success) body = parsed.data;
    } catch {
      // Not JSON (e.g. a gateway's HTML page): keep the raw text.
    }
  }
  // Every 404 of the IP's API carries its error JSON (`MessageNotFoundException`, `NoResourceFoundException`, ...);
  // an HTML page, an empty body or another JSON means baseUrl points somewhere else.
  if (res.status === 404 && !ipError) {
    return new NotIntegrasjonspunktError({ status: 404, method, url, rawBody: raw, headers: res.headers, baseUrl, requestPath });
  }
  return ApiError.from({ status: res.status, method, url, body, rawBody: raw, headers: res.headers });
}

/** Validates a JSON body already read as text (`status`, `method` and `url` describe the answer in an error). @internal */
export function parseJsonText<S extends z.ZodType>(raw: string, schema: S, status: number, method: string, url: string): z.output<S> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new ResponseValidationError({
      issues: [
        {
          path: '',
          message: !raw
            ? 'the body is empty'
            : /^\s*</.test(raw)
              ? 'the body is an HTML or XML page, not JSON: is baseUrl an integrasjonspunkt API?'
              : 'the body is not valid JSON',
        },
      ],
      rawBody: raw,
      status,
      method,
      url,
    });
  }
  if (fastCheckOf(schema)?.(data)) return data as z.output<S>;
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new ResponseValidationError({ issues: toIssues(result.error), rawBody: raw, status, method, url });
  }
  return result.data;
}

/** Turns zod issues into ours. @internal */
export function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** A network failure's code and message (`ECONNREFUSED connect ECONNREFUSED 127.0.0.1:1`). @internal */
export function describeNetworkError(cause: unknown): string {
  if (cause && typeof cause === 'object') {
    const c = cause as { code?: string; message?: string; cause?: { code?: string; message?: string } };
    const code = c.code ?? c.cause?.code;
    const message = c.cause?.message ?? c.message;
    return [code, message].filter(Boolean).join(' ') || 'network error';
  }
  return String(cause);
}
