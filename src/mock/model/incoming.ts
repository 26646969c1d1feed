import type { Readable } from 'node:stream';
import { isReceiptType } from '../../models/business-messages.js';
import { toPartOrPrimaryIdentifier } from '../../models/identifiers.js';
import { buildAsic } from '../asic.js';
import { ipException, messageNotFound } from '../ip-error.js';
import type { SimulatedService } from '../network.js';
import type { Dispatch } from './carrier.js';
import type { MessageChange, ModelContext } from './context.js';
import type { Conversations } from './conversations.js';
import { filterMessages } from './message-filter.js';
import { type Filter, type IpState, type MessageRecord, releaseFiles, type Sbd } from './records.js';
import type { Registry } from './registry.js';
import { header, ISO6523, receiverOf, senderOf } from './sbd.js';

/**
 * The incoming part (`NextMoveQueueImpl`, `NextMoveMessageInController`, `NextMoveMessageInService`): messages
 * arriving from the carrier, peek locks and their expiry, pop (the ASiC-E) and delete (the acknowledgement, which
 * sends LEVERT back). It owns `IpState.incoming`.
 * @module
 */

/** @internal */
export class Incoming {
  constructor(
    readonly ctx: ModelContext,
    readonly registry: Pick<Registry, 'ips'>,
    readonly conversations: Pick<Conversations, 'open' | 'addStatus' | 'incoming' | 'outgoing'>,
    readonly carrier: Dispatch,
  ) {}

  /**
   * A message reaches the receiver's IP (`NextMoveQueueImpl.enqueueIncomingMessage`). Returns the stored record, or
   * undefined for a duplicate (another sender reusing a messageId), which is discarded with its files.
   */
  arrive(to: IpState, msg: MessageRecord): MessageRecord | undefined {
    const now = this.ctx.now();
    const sbd = structuredClone(msg.sbd);
    if (to.incoming.has(msg.messageId)) {
      releaseFiles(this.ctx.store, msg.files);
      return undefined;
    }
    // The sender is always set (create defaults it). DPO on behalf of: the receiver sees the sub-organisation.
    const sender = (header(sbd).sender as { identifier: { value: string } }[])[0] as { identifier: { value: string } };
    const m = ISO6523.exec(sender.identifier.value);
    if (m?.[3]) sender.identifier.value = `${m[1]}:${m[3]}`;
    // Conversation.of: an incoming conversation keeps messageTitle "" and messageReference = conversationId (only the
    // sending side's NextMoveMessageService.addFile sets them from arkivmelding.xml).
    const conv = this.conversations.open(to, sbd, 'INCOMING', msg.service);
    const record: MessageRecord = {
      ...msg,
      id: this.ctx.nextId(),
      sbd,
      senderIdentifier: toPartOrPrimaryIdentifier(sender.identifier.value),
      lastUpdated: now,
      lockTimeout: undefined,
    };
    to.incoming.set(msg.messageId, record);
    this.conversations.addStatus(to, conv, 'INNKOMMENDE_MOTTATT');
    this.#changed(to, msg.messageId, 'arrived');
    return record;
  }

  /** `GET /api/messages/in`: the queue matching exact-match filters. */
  list(ip: IpState, filter: Filter): MessageRecord[] {
    this.ctx.tick();
    return filterMessages(ip.incoming.values(), 'in', filter);
  }

  /** `GET /api/messages/in/peek`: locks the oldest unlocked match; undefined when none (204). */
  peek(ip: IpState, filter: Filter): MessageRecord | undefined {
    const candidates = this.list(ip, filter)
      .filter((m) => m.lockTimeout === undefined)
      .sort((a, b) => a.lastUpdated - b.lastUpdated || a.id - b.id);
    const msg = candidates[0];
    if (!msg) return undefined;
    msg.lockTimeout = this.ctx.now() + this.ctx.options.lockTimeoutMs;
    this.#changed(ip, msg.messageId, 'locked');
    return msg;
  }

  /** Releases the IP's expired peek locks, refreshing `lastUpdated` (`NextMoveQueueImpl`'s lock timeout). */
  releaseExpiredLocks(ip: IpState): void {
    const now = this.ctx.now();
    for (const msg of ip.incoming.values()) {
      if (msg.lockTimeout !== undefined && msg.lockTimeout <= now) {
        msg.lockTimeout = undefined;
        msg.lastUpdated = now;
        this.#changed(ip, msg.messageId, 'unlocked');
      }
    }
  }

  #locked(ip: IpState, messageId: string): MessageRecord {
    this.ctx.tick();
    const msg = ip.incoming.get(messageId);
    if (!msg) throw messageNotFound(messageId);
    if (msg.lockTimeout === undefined)
      throw ipException('MessageNotLockedException', `Message with messageId = ${messageId} was not locked`);
    return msg;
  }

  /**
   * `GET /api/messages/in/pop/{messageId}`: the ASiC-E as a stream, or undefined for receipts (204). A non-receipt
   * message without files has no ASiC: 404 FileNotFoundException, the message is removed and FEIL registered.
   */
  pop(ip: IpState, messageId: string): Readable | undefined {
    const msg = this.#locked(ip, messageId);
    if (isReceiptType(msg.type)) {
      this.#changed(ip, messageId, 'popped');
      return undefined;
    }
    if (msg.files.length === 0) {
      this.discard(ip, messageId);
      this.conversations.addStatus(ip, this.conversations.incoming(ip, messageId), 'FEIL', {
        // NextMoveMessageInService.popMessage
        description: `Can not read file "asic.zip" for message [messageId=${messageId}, sender=${msg.senderIdentifier}], removing from queue.`,
      });
      throw ipException('FileNotFoundException', 'File(s) named asic.zip was not found');
    }
    this.#changed(ip, messageId, 'popped');
    return this.asicOf(msg);
  }

  /** The ASiC-E of a queued message with files, as pop returns it (main document first). */
  asicOf(msg: Readonly<MessageRecord>): Readable {
    const main = msg.files.find((f) => f.primary) ?? msg.files[0];
    const ordered = [...msg.files].sort((a, b) => (a === main ? -1 : b === main ? 1 : a.dokumentnummer - b.dokumentnummer));
    return buildAsic(this.ctx.store, {
      // Incoming messages came over DPO/DPE: both partners are set.
      receiver: receiverOf(msg.sbd) as string,
      sender: senderOf(msg.sbd),
      documents: ordered.map((f) => ({ filename: f.filename, mimeType: f.mimeType, content: f.content })),
      mtime: new Date(this.ctx.now()),
    });
  }

  /** `DELETE /api/messages/in/{messageId}`: acknowledges; returns the SBD. LEVERT goes back to the sender's IP. */
  delete(ip: IpState, messageId: string): Sbd {
    const msg = this.#locked(ip, messageId);
    this.#drop(ip, msg);
    this.conversations.addStatus(ip, this.conversations.incoming(ip, messageId), 'INNKOMMENDE_LEVERT');
    this.#changed(ip, messageId, 'acknowledged');
    // LEVERT goes back to the IP holding the outgoing conversation (gone if its client deleted it: nothing to update).
    const origin = [...this.registry.ips.values()].find((other) => other !== ip && this.conversations.outgoing(other, messageId));
    if (origin && this.ctx.options.statusServices.includes(msg.service as SimulatedService)) {
      this.carrier.enqueue({
        kind: 'status',
        to: origin.orgnr,
        messageId,
        status: 'LEVERT',
        dueAt: this.ctx.now() + this.ctx.options.deliveryDelayMs,
      });
    }
    return msg.sbd;
  }

  /**
   * The receiving fagsystem takes a message without the HTTP round trips (the console's deliver): locks it when
   * unlocked, then deletes it as {@link Incoming.delete} does (INNKOMMENDE_LEVERT here, LEVERT to the sender).
   */
  acknowledge(ip: IpState, messageId: string): void {
    const msg = ip.incoming.get(messageId);
    if (msg && msg.lockTimeout === undefined) msg.lockTimeout = this.ctx.now() + this.ctx.options.lockTimeoutMs;
    this.delete(ip, messageId);
  }

  /** Removes a message from the queue and frees its files (no status). */
  discard(ip: IpState, messageId: string): void {
    const msg = ip.incoming.get(messageId);
    if (!msg) return;
    this.#drop(ip, msg);
    this.#changed(ip, messageId, 'removed');
  }

  #drop(ip: IpState, msg: MessageRecord): void {
    ip.incoming.delete(msg.messageId);
    releaseFiles(this.ctx.store, msg.files);
  }

  #changed(ip: IpState, messageId: string, change: MessageChange): void {
    this.ctx.events.emit({ type: 'message', ip, direction: 'in', messageId, change });
  }
}
