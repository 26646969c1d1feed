import { toPartOrPrimaryIdentifier, toPrimaryIdentifier } from '../../models/identifiers.js';
import { parseDateTime } from '../format.js';
import { bindingFailure, frameworkError, grouped, ipException, messageNotFound } from '../ip-error.js';
import type { SimulatedService } from '../network.js';
import type { ModelContext } from './context.js';
import type { ConversationRecord, Filter, IpState, Sbd, StatusRecord } from './records.js';
import { conversationIdOf, expiryMs, header, processOf, senderOf } from './sbd.js';

/**
 * The conversations-and-statuses part: conversations (`Conversation`, `ConversationService`), their statuses
 * (`MessageStatus`), the status queue (`/api/statuses/peek`) and the queries of `ConversationController` and
 * `MessageStatusController`. It owns `IpState.conversations` and `IpState.statusQueue`; every new status is
 * announced as a `status` {@link ModelEvent} (the webhooks part listens).
 * @module
 */

/** Statuses after which a conversation is finished and no longer pollable. */
const TERMINAL = new Set(['LEST', 'FEIL', 'LEVETID_UTLOPT', 'INNKOMMENDE_LEVERT', 'LEVERT']);
/** `TimeToLiveHelper`'s description of LEVETID_UTLOPT. @internal */
export const TTL_DESCRIPTION = 'Levetiden for meldingen er utgått. Må sendes på nytt';
const SERVICES = ['DPO', 'DPV', 'DPI', 'DPF', 'DPE', 'DPH', 'UNKNOWN'];

/** @internal */
export class Conversations {
  constructor(readonly ctx: ModelContext) {}

  outgoing(ip: IpState, messageId: string): ConversationRecord | undefined {
    return ip.conversations.find((c) => c.direction === 'OUTGOING' && c.messageId === messageId);
  }

  incoming(ip: IpState, messageId: string): ConversationRecord | undefined {
    return ip.conversations.find((c) => c.direction === 'INCOMING' && c.messageId === messageId);
  }

  /** Whether a messageId is in use on this IP (create's `MessageAlreadyExistsException`). */
  hasMessageId(ip: IpState, messageId: string): boolean {
    return ip.conversations.some((c) => c.messageId === messageId);
  }

  /** A new conversation with status OPPRETTET (`Conversation.of`). */
  open(ip: IpState, sbd: Sbd, direction: 'INCOMING' | 'OUTGOING', service: string): ConversationRecord {
    const h = header(sbd);
    const conversationId = conversationIdOf(sbd);
    const sender = senderOf(sbd); // defaulted on create
    const receiver = h.receiver?.[0]?.identifier?.value;
    const conv: ConversationRecord = {
      id: this.ctx.nextId(),
      conversationId,
      messageId: h.documentIdentification.instanceIdentifier as string,
      sender,
      senderIdentifier: toPartOrPrimaryIdentifier(sender),
      receiver,
      receiverIdentifier: receiver === undefined ? undefined : toPrimaryIdentifier(receiver),
      processIdentifier: processOf(sbd) as string, // create refuses an SBD without one
      documentIdentifier: h.documentIdentification.standard,
      messageReference: conversationId,
      messageTitle: '',
      lastUpdate: this.ctx.now(),
      finished: false,
      expiry: expiryMs(sbd),
      direction,
      serviceIdentifier: service,
      pollable: direction === 'OUTGOING',
      statuses: [],
    };
    ip.conversations.push(conv);
    this.addStatus(ip, conv, 'OPPRETTET');
    return conv;
  }

  /** Removes the outgoing conversation of a message (multipart create rolled back). */
  discardOutgoing(ip: IpState, messageId: string): void {
    const idx = ip.conversations.findIndex((c) => c.direction === 'OUTGOING' && c.messageId === messageId);
    if (idx >= 0) ip.conversations.splice(idx, 1);
  }

  /**
   * Registers a status (once per value and conversation), feeds the status queue and announces it.
   * @returns the new status, or undefined when the conversation already had it.
   */
  addStatus(
    ip: IpState,
    conv: ConversationRecord | undefined,
    status: string,
    extra: { description?: string; rawReceipt?: string } = {},
  ): StatusRecord | undefined {
    // No conversation: the client deleted it (DELETE /api/conversations); statuses have nowhere to go.
    if (!conv || conv.statuses.some((s) => s.status === status)) return undefined;
    const now = this.ctx.now();
    const record: StatusRecord = { id: this.ctx.nextId(), lastUpdate: now, status, ...extra, conversation: conv };
    conv.statuses.push(record);
    conv.lastUpdate = now;
    if (TERMINAL.has(status)) {
      conv.finished = true;
      conv.pollable = false;
    }
    if (this.ctx.options.statusQueueIncludes.includes(conv.serviceIdentifier as SimulatedService)) ip.statusQueue.push(record);
    this.ctx.events.emit({ type: 'status', ip, status: record });
    return record;
  }

  /** Marks the IP's expired conversations LEVETID_UTLOPT (`TimeToLiveTasks`); returns them. */
  expire(ip: IpState): ConversationRecord[] {
    const now = this.ctx.now();
    const expired: ConversationRecord[] = [];
    for (const conv of ip.conversations) {
      if (conv.finished || conv.expiry >= now) continue;
      this.addStatus(ip, conv, 'LEVETID_UTLOPT', { description: TTL_DESCRIPTION });
      expired.push(conv);
    }
    return expired;
  }

  /** An incoming arkivmelding_kvittering turns the original outgoing conversation into LEST or FEIL. */
  applyKvittering(ip: IpState, sbd: Sbd): void {
    const body = sbd.arkivmelding_kvittering as Record<string, unknown>; // an object: checkShape
    if (typeof body.relatedToMessageId !== 'string') return;
    const original = this.outgoing(ip, body.relatedToMessageId);
    if (!original) return;
    const receiptType = String(body.receiptType ?? '');
    const rawReceipt = JSON.stringify({
      hoveddokument: body.hoveddokument ?? null,
      receiptType: body.receiptType ?? null,
      relatedToMessageId: body.relatedToMessageId,
      messages: body.messages ?? [],
    });
    if (receiptType === 'ERROR' || receiptType === 'NOTSUPPORTED') {
      this.addStatus(ip, original, 'FEIL', { description: `ArkivmeldingKvittering: ${receiptType}`, rawReceipt });
    } else {
      this.addStatus(ip, original, 'LEST', { rawReceipt });
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Status queries (`MessageStatusController`)

  /** Statuses of this IP matching the `/api/statuses` filters (`MessageStatusController.find`). */
  listStatuses(ip: IpState, filter: Filter): StatusRecord[] {
    this.ctx.tick();
    // MessageStatusController.find binds MessageStatusQueryInput (`@Valid`, first argument) before its own
    // `@RequestParam` date-times: a value that does not convert fails that binding (MethodArgumentNotValidException).
    const dateTime = (field: 'fromDateTime' | 'toDateTime') => {
      const value = filter[field];
      if (value === undefined || value === '') return undefined;
      const at = parseDateTime(value);
      if (at === undefined) throw bindingFailure('messageStatusQueryInput', field, value, 'java.time.OffsetDateTime');
      return at;
    };
    const fromAt = dateTime('fromDateTime');
    const toAt = dateTime('toDateTime');
    const [from, to] = fromAt !== undefined && toAt !== undefined ? [fromAt, toAt] : [undefined, undefined];
    let id: number | undefined;
    if (filter.id !== undefined && filter.id !== '') {
      if (!/^[+-]?\d+$/.test(filter.id.trim())) throw bindingFailure('messageStatusQueryInput', 'id', filter.id, 'java.lang.Long');
      id = Number(filter.id);
    }
    return ip.conversations
      .flatMap((c) => c.statuses)
      .filter(
        (s) =>
          (id === undefined || s.id === id) &&
          (filter.messageId === undefined || s.conversation.messageId === filter.messageId) &&
          (filter.conversationId === undefined || s.conversation.conversationId === filter.conversationId) &&
          (filter.status === undefined || s.status === filter.status) &&
          (from === undefined || to === undefined || (s.lastUpdate >= from && s.lastUpdate <= to)),
      );
  }

  /** `GET /api/statuses/peek`: the oldest queued status (not removed). */
  peekStatus(ip: IpState): StatusRecord | undefined {
    this.ctx.tick();
    return ip.statusQueue[0];
  }

  /** `DELETE /api/statuses/{id}`: removes a queue entry; false when none has that id. */
  deleteQueuedStatus(ip: IpState, id: number): boolean {
    const index = ip.statusQueue.findIndex((s) => s.id === id);
    if (index < 0) return false;
    ip.statusQueue.splice(index, 1);
    return true;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Conversation queries (`ConversationController`)

  /** `GET /api/conversations` filters (`ConversationController.find`). */
  listConversations(ip: IpState, filter: Filter, queueOnly = false): ConversationRecord[] {
    this.ctx.tick();
    if (filter.serviceIdentifier !== undefined && !SERVICES.includes(filter.serviceIdentifier)) {
      throw frameworkError(
        500,
        'java.lang.IllegalArgumentException',
        `No enum constant no.difi.meldingsutveksling.ServiceIdentifier.${filter.serviceIdentifier}`,
      );
    }
    // ConversationController.find binds the `@Valid ConversationQueryInput` model attribute: a value that does not
    // convert is a binding failure (MethodArgumentNotValidException since Spring 6).
    const objectName = 'conversationQueryInput';
    if (filter.direction !== undefined && filter.direction !== 'INCOMING' && filter.direction !== 'OUTGOING') {
      throw bindingFailure(objectName, 'direction', filter.direction, 'no.difi.meldingsutveksling.nextmove.ConversationDirection');
    }
    const day = (field: 'lastUpdateFrom' | 'lastUpdateTo', end: boolean) => {
      const value = filter[field];
      if (value === undefined) return undefined;
      const start = /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseDateTime(`${value}T00:00:00`) : undefined;
      if (start === undefined) throw bindingFailure(objectName, field, value, 'java.time.LocalDate');
      return end ? (parseDateTime(`${value}T23:59:59.999`) as number) : start;
    };
    const lastFrom = day('lastUpdateFrom', false);
    const lastTo = day('lastUpdateTo', true);
    // Spring's StringToBooleanConverter: true/on/yes/1 and false/off/no/0 (any case); "" is null.
    const bool = (field: 'pollable' | 'finished') => {
      const v = filter[field];
      if (v === undefined || v.trim() === '') return undefined;
      const lower = v.trim().toLowerCase();
      if (['true', 'on', 'yes', '1'].includes(lower)) return true;
      if (['false', 'off', 'no', '0'].includes(lower)) return false;
      throw bindingFailure(objectName, field, v, 'java.lang.Boolean');
    };
    const pollable = bool('pollable');
    const finished = bool('finished');
    const str: (keyof ConversationRecord)[] = [
      'conversationId',
      'messageId',
      'receiver',
      'receiverIdentifier',
      'sender',
      'senderIdentifier',
      'serviceIdentifier',
      'messageReference',
      'messageTitle',
      'direction',
    ];
    return ip.conversations.filter(
      (c) =>
        str.every((k) => filter[k] === undefined || c[k] === filter[k]) &&
        (pollable === undefined || c.pollable === pollable) &&
        (finished === undefined || c.finished === finished) &&
        (lastFrom === undefined || c.lastUpdate >= lastFrom) &&
        (lastTo === undefined || c.lastUpdate <= lastTo) &&
        (!queueOnly || c.pollable),
    );
  }

  /** `GET /api/conversations/{id}`: outgoing only. */
  byId(ip: IpState, id: number): ConversationRecord {
    this.ctx.tick();
    const conv = ip.conversations.find((c) => c.id === id && c.direction === 'OUTGOING');
    if (!conv) throw ipException('ConversationNotFoundException', `Conversation with id = ${grouped(id)} was not found`);
    return conv;
  }

  /** `GET /api/conversations/messageId/{messageId}`: outgoing only. */
  byMessageId(ip: IpState, messageId: string): ConversationRecord {
    this.ctx.tick();
    const conv = this.outgoing(ip, messageId);
    if (!conv) throw messageNotFound(messageId);
    return conv;
  }

  /** `DELETE /api/conversations/{id}` / `…/messageId/{id}`: always succeeds; drops their queued statuses too. */
  delete(ip: IpState, match: (c: ConversationRecord) => boolean): void {
    for (let i = ip.conversations.length - 1; i >= 0; i--) {
      const conv = ip.conversations[i] as ConversationRecord;
      if (!match(conv)) continue;
      ip.conversations.splice(i, 1);
      for (let j = ip.statusQueue.length - 1; j >= 0; j--) if (ip.statusQueue[j]?.conversation === conv) ip.statusQueue.splice(j, 1);
    }
  }

  /** `/manage/health`'s `messageStatus` detail: pollable conversations. */
  pollableCount(ip: IpState): number {
    return ip.conversations.filter((c) => c.pollable).length;
  }
}
