import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestValidationError } from '../errors.js';
import { isTimerMs } from '../internal/timer-ms.js';
import { type PingEvent, type StatusEvent, type WebhookEvent, WebhookEventSchema } from '../models/subscription.js';
import { EFORMIDLING, HTTP } from '../observability/attributes.js';
import { type SpanAttributes, type SpanScope, withSpan } from '../observability/spans.js';

/** Anything with a `notify(event)` method, e.g. a {@link StatusTracker}. @category Webhooks */
export interface Notifiable {
  notify(event: WebhookEvent): unknown;
}

/**
 * Options for {@link createWebhookHandler}.
 * @category Webhooks
 */
export interface WebhookHandlerOptions {
  /** Called for every status event (both directions), after the IP got its 200. */
  onStatus?: ((event: StatusEvent) => unknown) | undefined;
  /** Called for the ping the IP sends when a subscription is created or its endpoint changes. */
  onPing?: ((event: PingEvent) => unknown) | undefined;
  /** Called for status events with `direction: 'INCOMING'` (a message arrived or moved in your in-queue). */
  onIncoming?: ((event: StatusEvent) => unknown) | undefined;
  /** Trackers to `notify(event)`: they poll at once instead of waiting for their next cycle. */
  trackers?: readonly Notifiable[] | undefined;
  /** Called for `INCOMING` status events, e.g. `() => loop.wake()` to make a receive loop peek at once. */
  wake?: (() => unknown) | undefined;
  /** Largest accepted body in bytes; larger gets 413. @defaultValue 65 536 */
  maxBodyBytes?: number | undefined;
  /**
   * A shared secret (at least 16 characters) that every request must carry as the `token` query parameter of the
   * push URL, e.g. `https://sak.example/hooks/eformidling?token=<secret>` (see {@link webhookEndpoint}). A request
   * without it gets 401, one with another token 403, and neither reaches your callbacks. The IP signs nothing, so
   * without a secret anyone who can reach the endpoint can post events.
   */
  secret?: string | undefined;
  /**
   * How long a sender may take to deliver its body, in ms; a slower one gets 408 and its connection is closed. The
   * IP itself gives up after 10 s (`difi.move.webhooks.readTimeout`).
   * @defaultValue 10 000
   */
  readTimeoutMs?: number | undefined;
  /**
   * Called when a callback throws or rejects (the IP already has its 200 by then).
   * @defaultValue emits a process warning
   */
  onError?: ((error: unknown, event: WebhookEvent) => void) | undefined;
}

/**
 * A Node request handler. Its promise resolves when the callbacks have run (the response is sent before that);
 * frameworks may ignore it.
 * @category Webhooks
 */
export type WebhookHandler = (
  req: IncomingMessage & { body?: unknown },
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>;

/**
 * Creates the receiver for the IP's webhooks (sent by its `WebhookPusher` / `UrlPusher`): a plain Node `(req, res)` handler for `node:http`,
 * Express or Fastify.
 *
 * @remarks
 * It validates each event with zod, answers `200` before running your callbacks (the IP waits at most 10 s and never
 * retries), `400` for a body that is not a valid event, `401`/`403` without the right `secret` token, `405` for
 * anything but POST, `408` when the body takes longer than `readTimeoutMs`, `413` above `maxBodyBytes` and `415` for
 * a content type other than JSON. The IP signs nothing and sends no credentials: set a `secret`, serve the endpoint
 * over HTTPS (or on loopback / a private network the IP shares), and expose it only where the IP can reach it.
 * Webhooks are a supplement: events are not persisted or retried by the IP, so trackers and receive loops keep
 * polling; the handler only makes them look sooner, and a forged event can do no more than that.
 *
 * The token is compared in constant time (SHA-256 digests of equal length and `crypto.timingSafeEqual`).
 *
 * When a framework has already parsed the body (Express `express.json()`, Fastify), the handler uses `req.body`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * const tracker = ip.track(ids, { strategy: 'search' });
 * const secret = process.env.WEBHOOK_SECRET!; // e.g. crypto.randomBytes(32).toString('base64url')
 * const handler = createWebhookHandler({
 *   secret,
 *   trackers: [tracker],
 *   wake: () => loop.wake(),
 *   onStatus: (e) => console.log(e.messageId, e.status),
 * });
 * createServer(handler).listen(8080);
 * // Express: app.post('/hooks/eformidling', handler)
 * // Fastify: app.post('/hooks/eformidling', (request, reply) => {
 * //   reply.hijack(); void handler(Object.assign(request.raw, { body: request.body }), reply.raw);
 * // })
 * await ip.subscriptions.ensureSubscription({
 *   name: 'sak-arkiv',
 *   pushEndpoint: webhookEndpoint('https://sak.example/hooks/eformidling', secret),
 *   resource: 'messages',
 *   event: 'status',
 * });
 * ```
 * @category Webhooks
 */
export function createWebhookHandler(options: WebhookHandlerOptions = {}): WebhookHandler {
  const maxBodyBytes = options.maxBodyBytes ?? 65_536;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new RequestValidationError('maxBodyBytes', 'must be a whole number >= 1');
  const readTimeoutMs = options.readTimeoutMs ?? 10_000;
  if (!isTimerMs(readTimeoutMs)) {
    throw new RequestValidationError('readTimeoutMs', 'must be a number of milliseconds > 0');
  }
  const secret = options.secret === undefined ? undefined : digestOf(checkSecret(options.secret));
  const onError =
    options.onError ??
    ((error: unknown) =>
      process.emitWarning(`eformidling webhook callback failed: ${error instanceof Error ? error.message : String(error)}`));

  const handle = async (req: Parameters<WebhookHandler>[0], res: ServerResponse, span: SpanScope): Promise<void> => {
    // A sender that breaks off is expected; its stream error must never become an uncaught exception.
    req.on('error', ignore);
    // Refusals that come before the body close the connection: an unread body must not hold it open.
    if (secret) {
      const token = tokenOf(req.url);
      if (token === undefined) return refuse(req, res, 401, 'the token query parameter is missing');
      if (!timingSafeEqual(digestOf(token), secret)) return refuse(req, res, 403, 'wrong token');
    }
    if (req.method !== 'POST') return refuse(req, res, 405, 'only POST is accepted', { allow: 'POST' });
    if (!isJson(req.headers['content-type'])) return refuse(req, res, 415, 'only application/json is accepted');
    let parsed: unknown;
    if (req.body !== undefined && !isRawBody(req.body)) {
      parsed = req.body;
    } else {
      const body = req.body !== undefined ? toBuffer(req.body) : await readBody(req, maxBodyBytes, readTimeoutMs);
      // The sender went away mid-body: nobody to answer (and nothing to reject: node:http ignores the promise).
      if (body === 'aborted') return;
      if (body === 'timeout') {
        reply(res, 408, { error: `the body did not arrive within ${readTimeoutMs} ms` }, { connection: 'close' });
        // The answer goes out first; then the connection of a sender that may still trickle bytes is dropped.
        const close = () => req.destroy();
        if (res.writableFinished) close();
        else {
          res.once('finish', close);
          res.once('close', close);
        }
        return;
      }
      if (body === 'too-large' || body.length > maxBodyBytes) {
        reply(res, 413, { error: `body larger than ${maxBodyBytes} bytes` }, { connection: 'close' });
        return;
      }
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        reply(res, 400, { error: 'body is not JSON' });
        return;
      }
    }
    const result = WebhookEventSchema.safeParse(parsed);
    if (!result.success) {
      reply(res, 400, { error: 'not an eFormidling webhook event', issues: result.error.issues.map((i) => i.message) });
      return;
    }
    const event = result.data;
    if (span.recording) span.set(eventAttributes(event));
    reply(res, 200, { ok: true });

    const run = async (fn: () => unknown) => {
      try {
        await fn();
      } catch (error) {
        onError(error, event);
      }
    };
    if (event.event === 'ping') {
      await run(() => options.onPing?.(event));
      return;
    }
    const tasks: Promise<void>[] = [];
    for (const tracker of options.trackers ?? []) tasks.push(run(() => tracker.notify(event)));
    if (event.direction === 'INCOMING') {
      tasks.push(run(() => options.wake?.()));
      tasks.push(run(() => options.onIncoming?.(event)));
    }
    tasks.push(run(() => options.onStatus?.(event)));
    await Promise.all(tasks);
  };
  // One SERVER span per push (continuing the IP's trace when it sent a `traceparent`); the callbacks run inside it,
  // so a tracker's poll or a receive loop's wake-up shows below the push that caused it. No URL: it carries the token.
  return (req, res) =>
    withSpan(
      'eformidling.webhook',
      {
        kind: 'server',
        parent: req.headers.traceparent ? req.headers : undefined,
        attributes: () => ({ [HTTP.method]: req.method }),
      },
      async (span) => {
        await handle(req, res, span);
        if (res.headersSent) span.set({ [HTTP.statusCode]: res.statusCode });
      },
    );
}

/** A pushed event as span attributes: its type, message, status and direction. */
function eventAttributes(event: WebhookEvent): SpanAttributes {
  if (event.event === 'ping') return { [EFORMIDLING.eventType]: 'ping' };
  return {
    [EFORMIDLING.eventType]: event.event,
    [EFORMIDLING.messageId]: event.messageId,
    [EFORMIDLING.conversationId]: event.conversationId,
    [EFORMIDLING.status]: event.status,
    [EFORMIDLING.service]: event.serviceIdentifier,
    [EFORMIDLING.direction]: event.direction,
  };
}

/**
 * The push URL for a handler with a `secret`: `url` with the secret as its `token` query parameter, to give the IP
 * as a subscription's `pushEndpoint`.
 * @example
 * ```ts
 * webhookEndpoint('https://sak.example/hooks/eformidling', secret); // https://sak.example/hooks/eformidling?token=…
 * ```
 * @category Webhooks
 */
export function webhookEndpoint(url: string | URL, secret: string): string {
  let endpoint: URL;
  try {
    endpoint = new URL(String(url));
  } catch {
    throw new RequestValidationError('url', 'must be an absolute http(s) URL');
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new RequestValidationError('url', 'must be http: or https:');
  endpoint.searchParams.set(TOKEN_PARAM, checkSecret(secret));
  return endpoint.href;
}

const ignore = () => {};

/** The query parameter that carries the shared secret. */
const TOKEN_PARAM = 'token';

function checkSecret(secret: unknown): string {
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new RequestValidationError('secret', 'must be a string of at least 16 characters (e.g. 32 random bytes, base64url)');
  }
  return secret;
}

/** Digests have one length whatever the token's, so `timingSafeEqual` never throws and the length does not leak. */
function digestOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function tokenOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  return new URLSearchParams(url.slice(query + 1)).get(TOKEN_PARAM) ?? undefined;
}

/** `application/json`, or a `+json` type, with any parameters (`; charset=utf-8`). */
function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
}

/** Answers a refusal without reading the body, and closes the connection once the answer is out. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  reply(res, status, { error }, { connection: 'close', ...headers });
  drain(req, DRAIN_LIMIT, DRAIN_TIMEOUT_MS);
}

/** How much of a refused body is read (so the answer reaches the sender), and for how long. */
const DRAIN_LIMIT = 65_536;
const DRAIN_TIMEOUT_MS = 10_000;

function isRawBody(body: unknown): boolean {
  return typeof body === 'string' || body instanceof Uint8Array;
}

function toBuffer(body: unknown): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body as Uint8Array);
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Reads the body up to `limit` bytes within `timeoutMs`; beyond the limit the rest is drained (bounded) and
 * `'too-large'` returned. `'aborted'` when the connection broke before the end, `'timeout'` when the body was too slow.
 */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer | 'too-large' | 'aborted' | 'timeout'> {
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve) => {
    if (Number.isFinite(declared) && declared > limit) {
      drain(req, limit, timeoutMs);
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | 'too-large' | 'aborted' | 'timeout') => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish('too-large');
        drain(req, limit, timeoutMs);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, size));
    const onError = () => finish('aborted');
    const timer = setTimeout(() => {
      // Stop reading; the caller answers 408 and then drops the connection. Errors after this are expected.
      req.pause();
      finish('timeout');
    }, timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * Discards the rest of a refused body so the answer reaches the client; gives up on a sender that never stops or
 * takes longer than `timeoutMs` (destroys the request, so no timer or socket outlives it).
 */
function drain(req: IncomingMessage, limit: number, timeoutMs: number): void {
  let discarded = 0;
  const cap = Math.max(limit * 16, 1 << 20);
  const timer = setTimeout(() => req.destroy(), timeoutMs);
  const done = () => clearTimeout(timer);
  req.once('end', done);
  req.once('close', done);
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > cap) req.destroy();
  });
  req.resume();
}
