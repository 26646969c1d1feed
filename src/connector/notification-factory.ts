import type { IntegrasjonspunktClient } from '../client.js';
import { messageIdOf, type StandardBusinessDocument } from '../models/sbd.js';
import type { MessageStatus } from '../models/status.js';
import { incomingNotification, type MessageFacts, type NotificationEvent, statusNotification } from './events.js';

const FACTS_CACHE = 10_000;

/**
 * Turns what a bridge cycle found (new statuses, newly arrived messages) into notification events, enriched with
 * each message's facts from `GET /api/conversations` (cached, at most 10,000 messages).
 */
export class NotificationFactory {
  readonly #ip: Pick<IntegrasjonspunktClient, 'conversations'>;
  readonly #context: { source: string; typePrefix: string };
  readonly #enrich: boolean;
  readonly #facts = new Map<string, MessageFacts>();

  constructor(ip: Pick<IntegrasjonspunktClient, 'conversations'>, options: { source: string; typePrefix: string; enrich: boolean }) {
    this.#ip = ip;
    this.#context = { source: options.source, typePrefix: options.typePrefix };
    this.#enrich = options.enrich;
  }

  /** Status notifications, with the facts of each status's message. */
  async forStatuses(statuses: readonly MessageStatus[], signal: AbortSignal): Promise<NotificationEvent[]> {
    const ids = [...new Set(statuses.map((s) => s.messageId).filter((id): id is string => typeof id === 'string'))];
    await this.#lookUp(ids, signal);
    return statuses.map((s) => statusNotification(s, s.messageId === undefined ? undefined : this.#facts.get(s.messageId), this.#context));
  }

  /** Incoming-message notifications, with each message's service identifier. */
  async forIncoming(messages: readonly StandardBusinessDocument[], signal: AbortSignal): Promise<NotificationEvent[]> {
    const ids = messages.map((m) => messageIdOf(m) as string);
    await this.#lookUp(ids, signal);
    return messages.map((m, i) => incomingNotification(m, this.#facts.get(ids[i] as string)?.serviceIdentifier, this.#context));
  }

  /** Fetches the conversations of messages not yet in the cache, a few at a time; a missing one is left out. */
  async #lookUp(messageIds: readonly string[], signal: AbortSignal): Promise<void> {
    if (!this.#enrich) return;
    const missing = messageIds.filter((id) => !this.#facts.has(id));
    let next = 0;
    const worker = async () => {
      while (next < missing.length) {
        const id = missing[next++]!;
        // GET /api/conversations?messageId= covers both directions (the by-messageId path only knows OUTGOING).
        const page = await this.#ip.conversations.list({ messageId: id, pageSize: 1 }, { signal }).byPage().next();
        const c = page.value?.content[0];
        if (c === undefined) continue;
        if (this.#facts.size >= FACTS_CACHE) this.#facts.delete(this.#facts.keys().next().value!);
        this.#facts.set(id, {
          direction: c.direction,
          serviceIdentifier: c.serviceIdentifier,
          processIdentifier: c.processIdentifier,
          documentIdentifier: c.documentIdentifier,
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, missing.length) }, worker));
  }
}
