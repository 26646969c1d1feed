import { Readable } from 'node:stream';
import type { ParticipantConfig } from '../network.js';
import type { FileStore } from '../storage.js';
import type { Carrier } from './carrier.js';
import type { ModelEvent, ModelEvents } from './context.js';
import type { Incoming } from './incoming.js';
import type { ConversationRecord, FileRecord, MessageRecord, SubscriptionRecord } from './records.js';
import type { Registry } from './registry.js';
import type { WebhookDelivery, Webhooks } from './webhooks.js';

/**
 * The model's read API: what a tool on top of the simulator (assertions in tests, a console) may look at, without
 * reaching into the parts. Every read first brings the model up to the clock's time. Nothing here changes state.
 * @module
 */

/** A status with the direction of its conversation. @internal */
export interface StatusView {
  id: number;
  status: string;
  description?: string | undefined;
  direction: 'INCOMING' | 'OUTGOING';
}

/** @internal */
export class ModelView {
  constructor(
    readonly registry: Pick<Registry, 'ip' | 'participants'>,
    readonly carrier: Pick<Carrier, 'pending'>,
    readonly webhookLog: Pick<Webhooks, 'log'>,
    readonly events: Pick<ModelEvents, 'on'>,
    readonly tick: () => void,
    readonly files: Pick<FileStore, 'open'>,
    readonly incoming: Pick<Incoming, 'asicOf'>,
  ) {}

  /** Every participant of the network. */
  participants(): readonly ParticipantConfig[] {
    return [...this.registry.participants.values()];
  }

  /** Counts of an IP's queues (as `/manage/health` reports them). */
  queues(orgnr: string): { outgoing: number; incoming: number } {
    this.tick();
    const ip = this.registry.ip(orgnr);
    return { outgoing: ip.outgoing.size, incoming: ip.incoming.size };
  }

  /** An IP's outgoing or incoming messages. */
  messages(orgnr: string, direction: 'in' | 'out'): readonly Readonly<MessageRecord>[] {
    this.tick();
    const ip = this.registry.ip(orgnr);
    return [...(direction === 'in' ? ip.incoming : ip.outgoing).values()];
  }

  /** An IP's conversations (both directions), oldest first. */
  conversations(orgnr: string): readonly Readonly<ConversationRecord>[] {
    this.tick();
    return [...this.registry.ip(orgnr).conversations];
  }

  /** Statuses of a message in an IP, in registration order (both directions). */
  statuses(orgnr: string, messageId: string): StatusView[] {
    return this.conversations(orgnr)
      .filter((c) => c.messageId === messageId)
      .flatMap((c) => c.statuses.map((s) => ({ id: s.id, status: s.status, description: s.description, direction: c.direction })))
      .sort((a, b) => a.id - b.id);
  }

  /** An IP's webhook subscriptions. */
  subscriptions(orgnr: string): readonly Readonly<SubscriptionRecord>[] {
    return [...this.registry.ip(orgnr).subscriptions];
  }

  /** A file's bytes as a stream (while a queue still holds the file). */
  open(file: Readonly<FileRecord>): Readable {
    const content = file.content;
    return content.kind === 'memory' ? Readable.from([content.data]) : this.files.open(content);
  }

  /** The ASiC-E a pop of an incoming message with files would return (without locking or popping it). */
  asic(message: Readonly<MessageRecord>): Readable {
    return this.incoming.asicOf(message);
  }

  /** Items waiting in the carrier. */
  get pendingDeliveries(): number {
    return this.carrier.pending;
  }

  /** Webhook POSTs made so far (ping and status events), oldest first. */
  get webhooks(): readonly WebhookDelivery[] {
    return this.webhookLog.log;
  }

  /** Listens to changes (a new status); returns a function that stops listening. */
  on(listener: (event: ModelEvent) => void): () => void {
    return this.events.on(listener);
  }
}
