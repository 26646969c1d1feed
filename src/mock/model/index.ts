import type { Clock } from '../clock.js';
import type { NetworkConfig, ParticipantConfig } from '../network.js';
import { FileStore } from '../storage.js';
import { Carrier } from './carrier.js';
import { type ModelContext, ModelEvents } from './context.js';
import { Conversations } from './conversations.js';
import { Incoming } from './incoming.js';
import { clockFor, type ResolvedOptions, resolveOptions, type SimulatorOptions } from './options.js';
import { OtherSide } from './other-side.js';
import { Outgoing } from './outgoing.js';
import type { IpState } from './records.js';
import { Registry } from './registry.js';
import { Subscriptions } from './subscriptions.js';
import { ModelView } from './view.js';
import { type WebhookDelivery, Webhooks } from './webhooks.js';

/**
 * The simulator's model: one in-memory eFormidling network, composed of its parts. Every rule of the simulated IPs
 * lives in a part; the HTTP layer (`routes/`) only parses requests and formats responses.
 *
 * - `registry.ts`: participants, their IPs and service records (capabilities).
 * - `outgoing.ts` (+ `create-validation.ts`): create, upload, send, multipart.
 * - `incoming.ts`: arrival, peek locks, pop, delete.
 * - `conversations.ts`: conversations, statuses, the status queue.
 * - `subscriptions.ts`, `webhooks.ts`: subscriptions and the webhook POSTs.
 * - `carrier.ts`: delivery between participants; the clock (`../clock.ts`) drives it through {@link SimulatorModel.tick}.
 * - `other-side.ts`: the receiver, the transport and time acting on request (deliver, read, fail, expire, compose).
 * - `view.ts`: the read API ({@link SimulatorModel.view}) with change events.
 * @module
 */

export type { CarrierItem } from './carrier.js';
export type { MessageChange, ModelEvent } from './context.js';
export type { SimulatorOptions } from './options.js';
export { type Side, SteeringError } from './other-side.js';
export type { MultipartFile, UploadInput } from './outgoing.js';
export type { ConversationRecord, FileRecord, Filter, MessageRecord, Sbd, StatusRecord, SubscriptionRecord } from './records.js';
export { IpState } from './records.js';
export type { StatusView } from './view.js';
export type { WebhookDelivery } from './webhooks.js';

/** @internal */
export class SimulatorModel {
  readonly clock: Clock;
  readonly store: FileStore;
  readonly options: ResolvedOptions;
  readonly network: NetworkConfig;
  readonly events = new ModelEvents();
  readonly registry: Registry;
  readonly conversations: Conversations;
  readonly webhooks: Webhooks;
  readonly subscriptions: Subscriptions;
  readonly carrier: Carrier;
  readonly outgoing: Outgoing;
  readonly incoming: Incoming;
  /** The other side of a message, on request (the console's steering). */
  readonly otherSide: OtherSide;
  /** The read API. */
  readonly view: ModelView;
  #seq = 0;
  #ticking = false;
  #closed = false;

  constructor(network: NetworkConfig, options: SimulatorOptions = {}) {
    this.network = network;
    this.clock = clockFor(options);
    this.store = new FileStore(options.spillThresholdBytes);
    this.options = resolveOptions(options);
    this.registry = new Registry(network);
    const ctx: ModelContext = {
      options: this.options,
      store: this.store,
      events: this.events,
      now: () => this.clock.now(),
      nextId: () => ++this.#seq,
      tick: () => this.tick(),
    };
    this.conversations = new Conversations(ctx);
    this.webhooks = new Webhooks(ctx);
    this.subscriptions = new Subscriptions(ctx, this.webhooks);
    this.events.on((event) => {
      if (event.type === 'status') this.webhooks.publishStatus(event.ip, event.status, this.subscriptions.list(event.ip));
    });
    this.carrier = new Carrier(ctx, this.registry, this.conversations, {
      take: (from, messageId) => this.outgoing.take(from, messageId),
      arrive: (to, msg) => this.incoming.arrive(to, msg),
    });
    this.outgoing = new Outgoing(ctx, this.registry, this.conversations, this.carrier);
    this.incoming = new Incoming(ctx, this.registry, this.conversations, this.carrier);
    this.otherSide = new OtherSide(ctx, this.registry, this.conversations, this.carrier, this.incoming, this.outgoing);
    this.view = new ModelView(this.registry, this.carrier, this.webhooks, this.events, () => this.tick(), this.store, this.incoming);
    this.clock.onAdvance(() => {
      this.tick();
      this.events.emit({ type: 'clock', now: this.clock.now() });
    });
  }

  /** The integration points by organisation number. */
  get ips(): ReadonlyMap<string, IpState> {
    return this.registry.ips;
  }

  /** Every participant by organisation number. */
  get participants(): ReadonlyMap<string, ParticipantConfig> {
    return this.registry.participants;
  }

  /** The IP of an organisation; throws for unknown ones. */
  ip(orgnr: string): IpState {
    return this.registry.ip(orgnr);
  }

  now(): number {
    return this.clock.now();
  }

  /**
   * Runs whatever is due at the current clock time: releases expired locks (refreshing `lastUpdated`), delivers due
   * carrier items, and marks expired conversations LEVETID_UTLOPT (deleting a matching incoming message).
   */
  tick(): void {
    if (this.#ticking || this.#closed) return;
    this.#ticking = true;
    try {
      for (const ip of this.registry.ips.values()) this.incoming.releaseExpiredLocks(ip);
      this.carrier.deliverDue();
      for (const ip of this.registry.ips.values()) {
        for (const conv of this.conversations.expire(ip)) {
          if (conv.direction === 'INCOMING') this.incoming.discard(ip, conv.messageId);
        }
      }
    } finally {
      this.#ticking = false;
    }
  }

  /** Number of items waiting in the carrier. */
  get pendingDeliveries(): number {
    return this.carrier.pending;
  }

  /** Delivers everything in the carrier regardless of the delay; returns the number of items delivered. */
  deliverAll(): number {
    return this.carrier.deliverAll();
  }

  /** Webhook POSTs made so far (newest last). */
  get webhookLog(): WebhookDelivery[] {
    return this.webhooks.log;
  }

  /** Resolves when every webhook POST started so far has finished. */
  webhooksIdle(): Promise<void> {
    return this.webhooks.idle();
  }

  /** `/manage/health` details. */
  health(ip: IpState): Record<string, unknown> {
    this.tick();
    return {
      status: 'UP',
      components: {
        messageStatus: { status: 'UP', details: { pollable: this.conversations.pollableCount(ip) } },
        nextMoveQueue: { status: 'UP', details: { outgoing: ip.outgoing.size, incoming: ip.incoming.size } },
        ping: { status: 'UP' },
      },
    };
  }

  /** Stops timers and deletes temp files. */
  async close(): Promise<void> {
    this.#closed = true;
    this.carrier.close();
    await this.webhooksIdle();
    await this.store.close();
  }
}
