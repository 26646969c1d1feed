import { isReceiptType } from '../../models/business-messages.js';
import type { SimulatedService } from '../network.js';
import type { ModelContext } from './context.js';
import { type Conversations, TTL_DESCRIPTION } from './conversations.js';
import { type IpState, type MessageRecord, releaseFiles } from './records.js';
import type { Registry } from './registry.js';
import { expiryMs } from './sbd.js';

/**
 * The carrier part: what travels between participants after a send. A sent message goes to the receiver's IP (DPO,
 * DPE) or to an external receiver (DPV, DPI, DPF); statuses come back (MOTTATT, LEVERT). Each item waits until it
 * is due (`deliveryDelayMs` after it was queued), until {@link Carrier.deliverAll}, or, with `autoDeliver`, until
 * a real timer fires. The service strategies it mirrors: `DpoConversationStrategy`, `DpvConversationStrategyImpl`,
 * `DpiConversationStrategyImpl`, `DpfConversationStrategyImpl`.
 * @module
 */

/** Something in transit. @internal */
export type CarrierItem =
  | { kind: 'transmit'; from: string; messageId: string; dueAt: number }
  | {
      kind: 'status';
      to: string;
      messageId: string;
      status: string;
      /** Statuses that follow this one (external receivers: DPI MOTTATT → LEVERT). */
      next?: string[];
      dueAt: number;
    };

/** What the outgoing and incoming parts need of the carrier. @internal */
export interface Dispatch {
  enqueue(item: CarrierItem): void;
}

/** What the carrier needs of the queues at both ends. @internal */
export interface CarrierEnds {
  /** Takes a sent message off the sender's outgoing queue; undefined when it was deleted meanwhile. */
  take(from: IpState, messageId: string): MessageRecord | undefined;
  /** Puts a message into the receiver's incoming queue; undefined when it was a discarded duplicate. */
  arrive(to: IpState, msg: MessageRecord): MessageRecord | undefined;
}

/** @internal */
export class Carrier implements Dispatch {
  #items: CarrierItem[] = [];
  #autoTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    readonly ctx: ModelContext,
    readonly registry: Pick<Registry, 'ips'>,
    readonly conversations: Pick<Conversations, 'outgoing' | 'addStatus' | 'applyKvittering'>,
    readonly ends: CarrierEnds,
  ) {}

  enqueue(item: CarrierItem): void {
    this.#items.push(item);
    if (this.ctx.options.autoDeliver && !this.#autoTimer && !this.#closed) {
      this.#autoTimer = setTimeout(() => {
        this.#autoTimer = undefined;
        this.deliverAll();
      }, this.ctx.options.deliveryDelayMs);
      this.#autoTimer.unref?.();
    }
  }

  /** Number of items waiting. */
  get pending(): number {
    return this.#items.length;
  }

  /**
   * Delivers everything, including what the deliveries themselves queue (MOTTATT going back…), regardless of the
   * delay. Returns the number of items delivered.
   */
  deliverAll(): number {
    return this.#deliver(() => true);
  }

  /** Delivers what is due at the clock's time. */
  deliverDue(): number {
    return this.#deliver((item) => item.dueAt <= this.ctx.now());
  }

  /** Delivers everything that concerns one message now (the message itself and the statuses it causes). */
  deliverMessage(messageId: string): number {
    return this.#deliver((item) => item.messageId === messageId);
  }

  /** Drops whatever is in transit for one message (it failed or expired on the way); returns how many items. */
  drop(messageId: string): number {
    const before = this.#items.length;
    this.#items = this.#items.filter((item) => item.messageId !== messageId);
    return before - this.#items.length;
  }

  /** Stops the background timer; nothing is queued for later delivery after this. */
  close(): void {
    this.#closed = true;
    if (this.#autoTimer) clearTimeout(this.#autoTimer);
    this.#autoTimer = undefined;
  }

  #deliver(due: (item: CarrierItem) => boolean): number {
    let count = 0;
    // Bounded: every item delivers at most a few follow-ups.
    for (let round = 0; round < 10_000; round++) {
      const index = this.#items.findIndex(due);
      if (index < 0) break;
      const [item] = this.#items.splice(index, 1) as [CarrierItem];
      count++;
      if (item.kind === 'transmit') this.#transmit(item);
      else this.#applyReturnedStatus(item);
    }
    return count;
  }

  #later(to: string, messageId: string, status: string, next?: string[]): void {
    const item: CarrierItem = { kind: 'status', to, messageId, status, dueAt: this.ctx.now() + this.ctx.options.deliveryDelayMs };
    this.enqueue(next === undefined ? item : { ...item, next });
  }

  /** The sending IP hands a message to the transport, and the receiving side gets it. */
  #transmit(item: Extract<CarrierItem, { kind: 'transmit' }>): void {
    const from = this.registry.ips.get(item.from) as IpState; // carrier items always come from an IP of this network
    // The conversation may be gone (DELETE /api/conversations): the message still travels, without statuses.
    const conv = this.conversations.outgoing(from, item.messageId);
    const msg = this.ends.take(from, item.messageId);
    if (!msg) return; // deleted meanwhile
    if (expiryMs(msg.sbd) < this.ctx.now()) {
      this.conversations.addStatus(from, conv, 'LEVETID_UTLOPT', { description: TTL_DESCRIPTION });
      releaseFiles(this.ctx.store, msg.files);
      return;
    }
    // DpiConversationStrategyImpl.send: a DPI digital message's conversation takes its `tittel` as messageTitle.
    const business = msg.sbd[msg.type] as Record<string, unknown>;
    if (conv && msg.service === 'DPI' && msg.type === 'digital' && typeof business.tittel === 'string') conv.messageTitle = business.tittel;
    if (msg.type !== 'status') this.conversations.addStatus(from, conv, 'SENDT');
    const receiverIp = this.registry.ips.get(msg.receiverIdentifier);
    if ((msg.service === 'DPV' || msg.service === 'DPF') && isReceiptType(msg.type)) {
      // DPV/DPF discard receipts and register SENDT, LEVERT, LEST (`DpvConversationStrategyImpl`, `DpfConversationStrategyImpl`).
      this.conversations.addStatus(from, conv, 'LEVERT');
      this.conversations.addStatus(from, conv, 'LEST');
      releaseFiles(this.ctx.store, msg.files);
      return;
    }
    if ((msg.service === 'DPO' || msg.service === 'DPE') && receiverIp) {
      // Expiry needs no check on arrival: it was checked above at this same instant.
      const arrived = this.ends.arrive(receiverIp, msg);
      if (!arrived) return;
      if (msg.type === 'arkivmelding_kvittering') this.conversations.applyKvittering(receiverIp, arrived.sbd);
      if (this.ctx.options.statusServices.includes(msg.service as SimulatedService)) this.#later(from.orgnr, msg.messageId, 'MOTTATT');
      return;
    }
    // External receivers (Altinn inbox, citizen mailbox): receipts come back through the carrier.
    releaseFiles(this.ctx.store, msg.files);
    const chain = msg.service === 'DPV' || msg.service === 'DPF' ? ['LEVERT'] : ['MOTTATT', 'LEVERT'];
    const [first, ...rest] = chain as [string, ...string[]];
    this.#later(from.orgnr, msg.messageId, first, rest);
  }

  #applyReturnedStatus(item: Extract<CarrierItem, { kind: 'status' }>): void {
    const ip = this.registry.ips.get(item.to) as IpState; // returned statuses always go to an IP of this network
    this.conversations.addStatus(ip, this.conversations.outgoing(ip, item.messageId), item.status);
    const [next, ...rest] = item.next ?? [];
    if (next) this.#later(item.to, item.messageId, next, rest);
  }
}
