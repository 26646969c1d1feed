import { formatDateTime } from '../format.js';
import type { ModelContext } from './context.js';
import type { IpState, StatusRecord, SubscriptionRecord } from './records.js';
import { filterMatches } from './subscriptions.js';

/**
 * The webhooks part (`WebhookPusher`): POSTs a status event to every subscription whose filter accepts it, and the
 * subscription pings. No retries; a failure is only recorded in the log.
 * @module
 */

/** A webhook POST the simulator made. @category Simulator */
export interface WebhookDelivery {
  /** The IP that sent it. */
  from: string;
  url: string;
  body: Record<string, unknown>;
  /** HTTP status, or undefined when the request failed (connection error, timeout). */
  status: number | undefined;
  error?: string;
}

/** @internal */
export class Webhooks {
  /** Webhook POSTs made so far (newest last, at most 10 000). */
  readonly log: WebhookDelivery[] = [];
  readonly #inFlight = new Set<Promise<void>>();

  constructor(readonly ctx: ModelContext) {}

  /** Sends a status event to the IP's matching subscriptions (in the background). */
  publishStatus(ip: IpState, status: StatusRecord, subscriptions: readonly SubscriptionRecord[]): void {
    if (subscriptions.length === 0) return;
    const conv = status.conversation;
    const event = {
      createdTs: formatDateTime(this.ctx.now()),
      resource: 'messages',
      event: 'status',
      messageId: conv.messageId,
      conversationId: conv.conversationId,
      direction: conv.direction,
      serviceIdentifier: conv.serviceIdentifier,
      status: status.status,
      description: status.description,
    };
    for (const sub of subscriptions) {
      // resource (all|messages) and event (all|status) are validated: every subscription wants status events.
      if (!filterMatches(sub.filter, { status: status.status, serviceIdentifier: conv.serviceIdentifier, direction: conv.direction }))
        continue;
      const p = this.post(ip, sub.pushEndpoint, event);
      this.#inFlight.add(p);
      void p.finally(() => this.#inFlight.delete(p));
    }
  }

  /** One webhook POST: no retries, timeout, errors only recorded. */
  async post(ip: IpState, url: string, body: Record<string, unknown>): Promise<void> {
    const delivery: WebhookDelivery = { from: ip.orgnr, url, body: JSON.parse(JSON.stringify(body)), status: undefined };
    this.log.push(delivery);
    if (this.log.length > 10_000) this.log.shift();
    const at = this.ctx.now();
    const started = performance.now();
    this.ctx.events.emit({ type: 'webhook', change: 'started', delivery, at });
    try {
      const doFetch = this.ctx.options.fetch ?? globalThis.fetch;
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(delivery.body, null, 2),
        signal: AbortSignal.timeout(this.ctx.options.webhookTimeoutMs),
        redirect: 'manual',
      });
      delivery.status = response.status;
      await response.body?.cancel().catch(() => undefined);
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
    this.ctx.events.emit({ type: 'webhook', change: 'finished', delivery, at, durationMs: performance.now() - started });
  }

  /** Resolves when every webhook POST started so far has finished. */
  async idle(): Promise<void> {
    for (let i = 0; i < 100 && this.#inFlight.size > 0; i++) await Promise.allSettled([...this.#inFlight]);
  }
}
