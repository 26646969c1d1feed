import { arkivmeldingKvittering } from '../../messages/arkivmelding.js';
import { toPartOrPrimaryIdentifier, toPrimaryIdentifier } from '../../models/identifiers.js';
import { ipException } from '../ip-error.js';
import type { Carrier } from './carrier.js';
import type { ModelContext } from './context.js';
import { type Conversations, TTL_DESCRIPTION } from './conversations.js';
import { applyDefaults, beanValidate, checkShape, readBody } from './create-validation.js';
import type { Incoming } from './incoming.js';
import type { MultipartFile, Outgoing } from './outgoing.js';
import type { ConversationRecord, FileRecord, IpState, MessageRecord } from './records.js';
import type { Registry } from './registry.js';
import { conversationIdOf, header, orderSbd, processOf, senderOf } from './sbd.js';

/**
 * The other side of a message, on request: what the receiver's fagsystem, the transport or time would do to a
 * message that the user's own system sent, and messages from other participants (the simulator console steers the
 * network through this). Every change goes through the parts' own methods, so the statuses, queues and events are
 * the ones the IPs would produce.
 * @module
 */

/** A request that does not fit the message's state (`conflict`) or names nothing (`not_found`). @internal */
export class SteeringError extends Error {
  constructor(
    readonly code: 'conflict' | 'not_found',
    message: string,
  ) {
    super(message);
    this.name = 'SteeringError';
  }
}

/** One conversation of a message and the IP that holds it. @internal */
export interface Side {
  ip: IpState;
  conv: ConversationRecord;
}

/** @internal */
export class OtherSide {
  constructor(
    readonly ctx: ModelContext,
    readonly registry: Pick<Registry, 'ips' | 'participants' | 'lookup'>,
    readonly conversations: Pick<Conversations, 'addStatus' | 'applyKvittering'>,
    readonly carrier: Pick<Carrier, 'deliverMessage' | 'drop'>,
    readonly incoming: Pick<Incoming, 'acknowledge' | 'discard' | 'arrive'>,
    readonly outgoing: Pick<Outgoing, 'multipart' | 'delete'>,
  ) {}

  /** Every conversation of a message in the network (the sender's outgoing one, the receiver's incoming one). */
  sides(messageId: string): Side[] {
    return [...this.registry.ips.values()].flatMap((ip) =>
      ip.conversations.filter((conv) => conv.messageId === messageId).map((conv) => ({ ip, conv })),
    );
  }

  /**
   * Delivers what the carrier holds for a message now; with `acknowledge`, the receiver's fagsystem then takes it
   * from its in-queue (INNKOMMENDE_LEVERT there, LEVERT back at once). Throws `conflict` when nothing moved.
   */
  deliver(messageId: string, acknowledge = true): void {
    this.ctx.tick();
    this.#known(messageId);
    let moved = this.carrier.deliverMessage(messageId) > 0;
    if (acknowledge) {
      for (const ip of this.registry.ips.values()) {
        if (!ip.incoming.has(messageId)) continue;
        this.incoming.acknowledge(ip, messageId);
        moved = true;
      }
      this.carrier.deliverMessage(messageId);
    }
    if (!moved) throw new SteeringError('conflict', `nothing to deliver for ${messageId}: it is not in transit nor in an in-queue`);
  }

  /**
   * The receiver has read the message: delivered first when needed, then LEST at the sender. For an arkivmelding
   * whose receiver runs an IP, that IP sends an `arkivmelding_kvittering` OK back (`Conversations.applyKvittering`
   * turns the original LEST); otherwise LEST is registered directly.
   */
  async read(messageId: string): Promise<void> {
    this.ctx.tick();
    const sender = this.#known(messageId).find((s) => s.conv.direction === 'OUTGOING');
    if (!sender) throw new SteeringError('conflict', `${messageId} has no sender in this network to tell`);
    const last = sender.conv.statuses.at(-1)?.status;
    if (last === 'LEST' || (sender.conv.finished && last !== 'LEVERT')) {
      throw new SteeringError('conflict', `${messageId} is already ${last}`);
    }
    try {
      this.deliver(messageId, true);
    } catch {
      // Already delivered: nothing in transit, nothing queued.
    }
    const receiver = this.sides(messageId).find((s) => s.conv.direction === 'INCOMING');
    if (receiver && sender.conv.documentIdentifier.endsWith('::arkivmelding')) {
      const sbd = arkivmeldingKvittering({
        sender: receiver.ip.orgnr,
        receiver: sender.ip.orgnr,
        conversationId: sender.conv.conversationId,
        relatedToMessageId: messageId,
        receiptType: 'OK',
      });
      try {
        const kvittering = await this.outgoing.multipart(receiver.ip, sbd, []);
        this.carrier.deliverMessage(kvittering.messageId);
      } catch {
        // The original sender does not accept the response process: register LEST directly below.
      }
    }
    this.conversations.addStatus(sender.ip, sender.conv, 'LEST');
  }

  /** The message fails on the way: out of the carrier and the queues, FEIL with `reason` where not yet finished. */
  fail(messageId: string, reason: string): void {
    this.#end(messageId, 'FEIL', reason);
  }

  /** The message's lifetime runs out: out of the carrier and the queues, LEVETID_UTLOPT where not yet finished. */
  expire(messageId: string): void {
    this.#end(messageId, 'LEVETID_UTLOPT', TTL_DESCRIPTION);
  }

  #known(messageId: string): Side[] {
    const sides = this.sides(messageId);
    if (sides.length === 0) throw new SteeringError('not_found', `no conversation has messageId ${messageId}`);
    return sides;
  }

  #end(messageId: string, status: string, description: string): void {
    this.ctx.tick();
    const open = this.#known(messageId).filter((s) => !s.conv.finished);
    if (open.length === 0) throw new SteeringError('conflict', `${messageId} is finished`);
    this.carrier.drop(messageId);
    for (const ip of this.registry.ips.values()) {
      if (ip.outgoing.has(messageId)) this.outgoing.delete(ip, messageId);
      this.incoming.discard(ip, messageId);
    }
    for (const { ip, conv } of open) this.conversations.addStatus(ip, conv, status, { description });
  }

  /**
   * A message from `from` to `to`: through `from`'s own IP as a multipart send would go (then the carrier brings
   * it), or, when `from` runs no IP, straight into `to`'s in-queue over the service of `to`'s matching record (DPO,
   * DPE). Returns the messageId. IP refusals are thrown as the IP's errors.
   */
  async compose(from: string, to: string, sbd: unknown, files: MultipartFile[], deliverNow = false): Promise<string> {
    const toIp = this.registry.ips.get(to);
    if (!toIp) throw new SteeringError('not_found', `${to} runs no integration point in this network`);
    const fromIp = this.registry.ips.get(from);
    if (fromIp) {
      const msg = await this.outgoing.multipart(fromIp, sbd, files);
      if (deliverNow) this.carrier.deliverMessage(msg.messageId);
      return msg.messageId;
    }
    if (!this.registry.participants.has(from)) throw new SteeringError('not_found', `${from} is no participant of this network`);
    return this.#arriveFromOutside(from, toIp, sbd, files);
  }

  async #arriveFromOutside(from: string, to: IpState, input: unknown, files: MultipartFile[]): Promise<string> {
    this.ctx.tick();
    const now = () => this.ctx.now();
    const sbd = checkShape(input);
    readBody(sbd, 'multipart');
    beanValidate(sbd, 'multipart', now);
    applyDefaults(sbd, from, now, this.ctx.options.defaultTtlHours);
    const h = header(sbd);
    const process = processOf(sbd) as string; // bean validation refuses an SBD without one
    const standard = h.documentIdentification.standard;
    const record = (this.registry.lookup(to.orgnr, process) ?? []).find(
      (r) => (r.service === 'DPO' || r.service === 'DPE') && r.documentTypes.includes(standard),
    );
    if (!record) {
      throw ipException('ReceiverDoesNotAcceptProcessException', `Receiver do not accept the document process ${process}`);
    }
    const stored: FileRecord[] = [];
    for (const f of files) {
      stored.push({
        dokumentnummer: stored.length + 1,
        filename: f.filename,
        title: f.title,
        mimeType: f.mimeType || 'application/octet-stream',
        primary: f.filename === (sbd[h.documentIdentification.type] as Record<string, unknown>).hoveddokument,
        content: await this.ctx.store.fromBuffer(f.data),
      });
    }
    const ordered = orderSbd(sbd);
    const messageId = h.documentIdentification.instanceIdentifier as string;
    const msg: MessageRecord = {
      id: this.ctx.nextId(),
      messageId,
      conversationId: conversationIdOf(ordered),
      sbd: ordered,
      type: h.documentIdentification.type,
      service: record.service,
      process,
      senderIdentifier: toPartOrPrimaryIdentifier(senderOf(ordered)),
      receiverIdentifier: toPrimaryIdentifier(to.orgnr),
      files: stored,
      lastUpdated: this.ctx.now(),
    };
    const arrived = this.incoming.arrive(to, msg);
    if (!arrived) throw ipException('MessageAlreadyExistsException', `Message with messageId = ${messageId} already exists`);
    if (msg.type === 'arkivmelding_kvittering') this.conversations.applyKvittering(to, arrived.sbd);
    return messageId;
  }
}
