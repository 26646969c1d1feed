import type { IncomingMessage, ServerResponse } from 'node:http';
import { type PingEvent, type StatusEvent, type WebhookEvent, WebhookEventSchema } from '../models/subscription.js';

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
 * Creates the receiver for the IP's webhooks (reference 6.11): a plain Node `(req, res)` handler for `node:http`,
 * Express or Fastify.
 *
 * @remarks
 * It validates each event with zod, answers `200` before running your callbacks (the IP waits at most 10 s and never
 * retries), `400` for a body that is not a valid event, `413` above `maxBodyBytes`, and `405` for anything but POST.
 * The IP signs nothing and sends no credentials, so expose the endpoint only where the IP can reach it. Webhooks are
 * a supplement: events are not persisted or retried by the IP, so trackers and receive loops keep polling; the
 * handler only makes them look sooner.
 *
 * When a framework has already parsed the body (Express `express.json()`, Fastify), the handler uses `req.body`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * const tracker = ip.track(ids, { strategy: 'search' });
 * const handler = createWebhookHandler({
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
 *   name: 'sak-arkiv', pushEndpoint: 'https://sak.example/hooks/eformidling', resource: 'messages', event: 'status',
 * });
 * ```
 * @category Webhooks
 */
export function createWebhookHandler(options: WebhookHandlerOptions = {}): WebhookHandler {
  const maxBodyBytes = options.maxBodyBytes ?? 65_536;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new RangeError('maxBodyBytes must be a whole number >= 1');
  const onError =
    options.onError ??
    ((error: unknown) =>
      process.emitWarning(`eformidling webhook callback failed: ${error instanceof Error ? error.message : String(error)}`));

  return async (req, res) => {
    if (req.method !== 'POST') {
      reply(res, 405, { error: 'only POST is accepted' }, { allow: 'POST' });
      req.resume();
      return;
    }
    let parsed: unknown;
    if (req.body !== undefined && !isRawBody(req.body)) {
      parsed = req.body;
    } else {
      const body = req.body !== undefined ? toBuffer(req.body) : await readBody(req, maxBodyBytes);
      // The sender went away mid-body: nobody to answer (and nothing to reject: node:http ignores the promise).
      if (body === 'aborted') return;
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
}

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
 * Reads the body up to `limit` bytes; beyond that the rest is drained (bounded) and `'too-large'` returned.
 * `'aborted'` when the connection broke before the end.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve) => {
    if (Number.isFinite(declared) && declared > limit) {
      drain(req, limit);
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        drain(req, limit);
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', () => resolve('aborted'));
  });
}

/** Discards the rest of a refused body so the 413 reaches the client; gives up on a sender that never stops. */
function drain(req: IncomingMessage, limit: number): void {
  let discarded = 0;
  const cap = Math.max(limit * 16, 1 << 20);
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > cap) req.destroy();
  });
  req.resume();
}
