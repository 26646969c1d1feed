import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { isReceiptType, MESSAGE_TYPES, TYPES_WITHOUT_FILES } from '../models/business-messages.js';
import { isPersonalIdentifier } from '../models/identifiers.js';
import { type ArkivmeldingParseError, parseArkivmelding } from './arkivmelding.js';
import { buildAsic } from './asic.js';
import { readBusinessMessage, reserialiseDateTime, UnreadableBusinessMessage, unreadableJson } from './business-message.js';
import { Clock, type ClockOptions } from './clock.js';
import { formatDateTime, parseDateTime } from './format.js';
import { mimeTypeFromFilename } from './http-parsing.js';
import {
  bindingFailure,
  type FieldViolation,
  frameworkError,
  grouped,
  IpError,
  ipException,
  messageNotFound,
  methodArgumentNotValid,
} from './ip-error.js';
import type { NetworkConfig, ParticipantConfig, ServiceRecordConfig, SimulatedService } from './network.js';
import { applyPrintDefaults, validatePrintAddresses } from './print-address.js';
import { FileStore, type StoredContent } from './storage.js';

/**
 * The simulator's model: one in-memory eFormidling network. Every rule of the simulated IPs lives here (create
 * defaults and validation, uploads, send, the carrier, peek/pop/delete, statuses, conversations, subscriptions and
 * webhooks, TTL and lock expiry). The HTTP layer (`routes.ts`) only parses requests and formats responses.
 * @module
 */

// ---------------------------------------------------------------------------------------------------------------
// Options

/** Options for {@link createSimulator}. @category Simulator */
export interface SimulatorOptions {
  /** Peek lock duration (`difi.move.nextmove.lockTimeoutMinutes`). @defaultValue 300 000 (5 minutes) */
  lockTimeoutMs?: number;
  /** Services whose statuses feed `/api/statuses/peek` (`statusQueueIncludes`). @defaultValue none (peek is always 204) */
  statusQueueIncludes?: readonly SimulatedService[];
  /** Services for which the receiver sends MOTTATT/LEVERT back (`status-services`). @defaultValue DPO, DPE */
  statusServices?: readonly SimulatedService[];
  /** Default `expectedResponseDateTime` = now + this (`default-ttl-hours`). @defaultValue 24 */
  defaultTtlHours?: number;
  /** Per-service total attachment limits in bytes (`NextMoveFileSizeValidator`). */
  uploadSizeLimits?: Partial<Record<SimulatedService, number>>;
  /**
   * Transmission timing. Without `autoDeliver`, whatever crosses the network (a sent message, a MOTTATT/LEVERT
   * status going back, DPV/DPI receipts) waits in the carrier until `deliverAll()`/`settle()` runs or the clock is
   * advanced past `deliveryDelayMs` after it was queued. With `autoDeliver`, a real timer of `deliveryDelayMs`
   * delivers it in the background (what the HTTP server and the examples use).
   * @defaultValue 1000 without autoDeliver, 20 with
   */
  deliveryDelayMs?: number;
  /** Deliver in the background with a real timer. @defaultValue false (true for {@link startSimulator}) */
  autoDeliver?: boolean;
  /** The clock, or options for a new one. @defaultValue a manual clock starting now */
  clock?: Clock | ClockOptions;
  /** Uploaded files larger than this go to a temp file. @defaultValue 1 MiB */
  spillThresholdBytes?: number;
  /** Webhook POST timeout. @defaultValue 10 000 */
  webhookTimeoutMs?: number;
  /** fetch used for webhook POSTs. @defaultValue `globalThis.fetch` at call time */
  fetch?: typeof fetch;
  /** Require HTTP Basic auth on every IP (except `/manage/<one segment>` and `/error`). */
  basicAuth?: { username: string; password: string };
}

const DEFAULT_LIMITS: Record<SimulatedService, number> = {
  DPO: 1024 ** 3,
  DPV: 250 * 1024 ** 2,
  DPI: 50 * 1024 ** 2,
  DPF: 1024 ** 3,
  DPE: 2 * 1024 ** 2,
  DPH: 18 * 1024 ** 2,
};

// ---------------------------------------------------------------------------------------------------------------
// Records

/** An attachment of an outgoing or incoming message. @internal */
export interface FileRecord {
  dokumentnummer: number;
  filename: string;
  title: string | undefined;
  mimeType: string;
  primary: boolean;
  content: StoredContent;
}

/** A message in an outgoing or incoming queue. @internal */
export interface MessageRecord {
  /** Row id (global sequence). */
  id: number;
  messageId: string;
  conversationId: string;
  sbd: Sbd;
  type: string;
  service: string;
  process: string;
  senderIdentifier: string;
  receiverIdentifier: string;
  files: FileRecord[];
  lastUpdated: number;
  /** Incoming only: lock expiry (epoch ms) or undefined when unlocked. */
  lockTimeout?: number | undefined;
  /** Outgoing only: send accepted, waiting in the carrier. */
  sendRequested?: boolean;
  /** Outgoing only: files `arkivmelding.xml` references (read on upload, whether it sits in memory or on disk). */
  referencedFiles?: string[];
}

/** @internal */
export interface StatusRecord {
  id: number;
  lastUpdate: number;
  status: string;
  description?: string | undefined;
  rawReceipt?: string | undefined;
  conversation: ConversationRecord;
}

/** @internal */
export interface ConversationRecord {
  id: number;
  conversationId: string;
  messageId: string;
  sender: string | undefined;
  senderIdentifier: string | undefined;
  receiver: string | undefined;
  receiverIdentifier: string | undefined;
  processIdentifier: string;
  documentIdentifier: string;
  messageReference: string;
  messageTitle: string;
  lastUpdate: number;
  finished: boolean;
  /** `expectedResponseDateTime` (always set: create defaults it). */
  expiry: number;
  direction: 'INCOMING' | 'OUTGOING';
  serviceIdentifier: string;
  pollable: boolean;
  statuses: StatusRecord[];
}

/** @internal */
export interface SubscriptionRecord {
  id: number;
  name: string;
  pushEndpoint: string;
  resource: string;
  event: string;
  filter?: string | undefined;
}

/** A JSON SBD. @internal */
export type Sbd = Record<string, unknown> & { standardBusinessDocumentHeader: Record<string, unknown> };

/** One simulated integrasjonspunkt. @internal */
export class IpState {
  readonly outgoing = new Map<string, MessageRecord>();
  readonly incoming = new Map<string, MessageRecord>();
  readonly conversations: ConversationRecord[] = [];
  readonly statusQueue: StatusRecord[] = [];
  readonly subscriptions: SubscriptionRecord[] = [];
  constructor(readonly participant: ParticipantConfig) {}
  get orgnr(): string {
    return this.participant.id;
  }
  get enabledServices(): readonly string[] {
    return this.participant.enabledServices ?? ['DPO', 'DPV', 'DPI', 'DPE'];
  }
}

type CarrierItem =
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

const TERMINAL = new Set(['LEST', 'FEIL', 'LEVETID_UTLOPT', 'INNKOMMENDE_LEVERT', 'LEVERT']);
const SCOPE_TYPES = ['ConversationId', 'SenderRef', 'ReceiverRef', 'JournalpostId', 'ParentId', 'MessageChannel'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO6523 = /^(\d{4}):([^:]{1,35})(?::([^\s:]{1,35}))?(?::(\d))?$/;
const TTL_DESCRIPTION = 'Levetiden for meldingen er utgått. Må sendes på nytt';
const MULTIPART_PART_LIMIT = 5 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The primary identifier (`PartnerIdentifier.getPrimaryIdentifier`): org number without ICD, a person id as is. */
export function primaryIdentifier(value: string): string {
  const m = ISO6523.exec(value.trim());
  return m ? (m[2] as string) : value.trim();
}
/** The part-or-primary identifier. */
export function partOrPrimaryIdentifier(value: string): string {
  const m = ISO6523.exec(value.trim());
  return m ? ((m[3] ?? m[2]) as string) : value.trim();
}

function isValidPartner(value: string): boolean {
  if (/^\d{11}$/.test(value)) return isPersonalIdentifier(value);
  // The IP does not check the MOD11 digit of an organisation number (its own test features send to 910075924).
  if (/^\d{9}$/.test(value)) return true;
  if (/^(her-id|fastlege-for):[^:]{1,11}$/.test(value)) return true;
  const m = ISO6523.exec(value);
  if (!m) return UUID.test(value);
  if (m[3] === '0' && m[4] === '0') return false;
  return /^\d{4}$/.test(m[1] as string);
}

// ---------------------------------------------------------------------------------------------------------------
// The model

/** Parsed PUT upload input. @internal */
export interface UploadInput {
  filename: string;
  title: string | undefined;
  mimeType: string;
  /** `Content-Length` of the request, or undefined (chunked: the size check is skipped, as on the IP). */
  contentLength: number | undefined;
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/** A multipart file part. @internal */
export interface MultipartFile {
  title: string | undefined;
  filename: string;
  mimeType: string | undefined;
  data: Buffer;
}

/** Query filters; values as given in the query string. @internal */
export type Filter = Record<string, string | undefined>;

/** @internal */
export class SimulatorModel {
  readonly clock: Clock;
  readonly store: FileStore;
  readonly options: Required<Omit<SimulatorOptions, 'clock' | 'fetch' | 'basicAuth' | 'uploadSizeLimits' | 'deliveryDelayMs'>> & {
    deliveryDelayMs: number;
    uploadSizeLimits: Record<SimulatedService, number>;
    fetch: typeof fetch | undefined;
    basicAuth: { username: string; password: string } | undefined;
  };
  readonly network: NetworkConfig;
  readonly ips = new Map<string, IpState>();
  readonly participants = new Map<string, ParticipantConfig>();
  /** Webhook POSTs made so far (newest last). */
  readonly webhookLog: WebhookDelivery[] = [];
  #seq = 0;
  #carrier: CarrierItem[] = [];
  readonly #webhooksInFlight = new Set<Promise<void>>();
  #autoTimer: NodeJS.Timeout | undefined;
  #ticking = false;
  #closed = false;

  constructor(network: NetworkConfig, options: SimulatorOptions = {}) {
    this.network = network;
    this.clock = options.clock instanceof Clock ? options.clock : new Clock(options.clock ?? {});
    this.store = new FileStore(options.spillThresholdBytes);
    const autoDeliver = options.autoDeliver ?? false;
    this.options = {
      lockTimeoutMs: options.lockTimeoutMs ?? 5 * 60_000,
      statusQueueIncludes: options.statusQueueIncludes ?? [],
      statusServices: options.statusServices ?? ['DPO', 'DPE'],
      defaultTtlHours: options.defaultTtlHours ?? 24,
      uploadSizeLimits: { ...DEFAULT_LIMITS, ...options.uploadSizeLimits },
      deliveryDelayMs: options.deliveryDelayMs ?? (autoDeliver ? 20 : 1000),
      autoDeliver,
      spillThresholdBytes: options.spillThresholdBytes ?? 1024 * 1024,
      webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
      fetch: options.fetch,
      basicAuth: options.basicAuth,
    };
    for (const p of network.participants) {
      if (this.participants.has(p.id)) throw new Error(`participant ${p.id} is defined twice`);
      this.participants.set(p.id, p);
      if (p.hasIntegrationPoint) this.ips.set(p.id, new IpState(p));
    }
    if (this.ips.size === 0) throw new Error('the network needs at least one participant with an integration point');
    this.clock.onAdvance(() => this.tick());
  }

  /** The IP of an organisation; throws for unknown ones. */
  ip(orgnr: string): IpState {
    const ip = this.ips.get(orgnr);
    if (!ip) throw new Error(`no integration point for ${orgnr} in the simulated network`);
    return ip;
  }

  #next(): number {
    return ++this.#seq;
  }

  now(): number {
    return this.clock.now();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Time: lock expiry, TTL, due deliveries

  /**
   * Runs whatever is due at the current clock time: releases expired locks (refreshing `lastUpdated`), marks expired
   * conversations LEVETID_UTLOPT (deleting a matching incoming message), and delivers due carrier items.
   */
  tick(): void {
    if (this.#ticking || this.#closed) return;
    this.#ticking = true;
    try {
      const now = this.now();
      for (const ip of this.ips.values()) {
        for (const msg of ip.incoming.values()) {
          if (msg.lockTimeout !== undefined && msg.lockTimeout <= now) {
            msg.lockTimeout = undefined;
            msg.lastUpdated = now;
          }
        }
      }
      this.#deliver((item) => item.dueAt <= this.now());
      this.#expireConversations();
    } finally {
      this.#ticking = false;
    }
  }

  #expireConversations(): void {
    const now = this.now();
    for (const ip of this.ips.values()) {
      for (const conv of ip.conversations) {
        if (conv.finished || conv.expiry >= now) continue;
        this.addStatus(ip, conv, 'LEVETID_UTLOPT', { description: TTL_DESCRIPTION });
        const incoming = ip.incoming.get(conv.messageId);
        if (conv.direction === 'INCOMING' && incoming) this.#removeMessage(ip.incoming, incoming);
      }
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Carrier

  #enqueue(item: CarrierItem): void {
    this.#carrier.push(item);
    if (this.options.autoDeliver && !this.#autoTimer && !this.#closed) {
      this.#autoTimer = setTimeout(() => {
        this.#autoTimer = undefined;
        this.deliverAll();
      }, this.options.deliveryDelayMs);
      this.#autoTimer.unref?.();
    }
  }

  /** Number of items waiting in the carrier. */
  get pendingDeliveries(): number {
    return this.#carrier.length;
  }

  /**
   * Delivers everything in the carrier, including what the deliveries themselves queue (MOTTATT going back…),
   * regardless of the delay. Returns the number of items delivered.
   */
  deliverAll(): number {
    return this.#deliver(() => true);
  }

  #deliver(due: (item: CarrierItem) => boolean): number {
    let count = 0;
    // Bounded: every item delivers at most a few follow-ups.
    for (let round = 0; round < 10_000; round++) {
      const index = this.#carrier.findIndex(due);
      if (index < 0) break;
      const [item] = this.#carrier.splice(index, 1) as [CarrierItem];
      count++;
      if (item.kind === 'transmit') this.#transmit(item);
      else this.#applyReturnedStatus(item);
    }
    return count;
  }

  /** The sending IP hands a message to the transport, and the receiving side gets it. */
  #transmit(item: Extract<CarrierItem, { kind: 'transmit' }>): void {
    const from = this.ips.get(item.from) as IpState; // carrier items always come from an IP of this network
    const msg = from.outgoing.get(item.messageId);
    if (!msg) return; // deleted meanwhile
    // The conversation may be gone (DELETE /api/conversations): the message still travels, without statuses.
    const conv = this.#outgoingConversation(from, msg.messageId);
    from.outgoing.delete(msg.messageId);
    if (expiryMs(msg.sbd) < this.now()) {
      this.addStatus(from, conv, 'LEVETID_UTLOPT', { description: TTL_DESCRIPTION });
      this.#releaseFiles(msg.files);
      return;
    }
    // DpiConversationStrategyImpl.send: a DPI digital message's conversation takes its `tittel` as messageTitle.
    const business = msg.sbd[msg.type] as Record<string, unknown>;
    if (conv && msg.service === 'DPI' && msg.type === 'digital' && typeof business.tittel === 'string') conv.messageTitle = business.tittel;
    if (msg.type !== 'status') this.addStatus(from, conv, 'SENDT');
    const receiverIp = this.ips.get(msg.receiverIdentifier);
    if ((msg.service === 'DPV' || msg.service === 'DPF') && isReceiptType(msg.type)) {
      // DPV/DPF discard receipts and register SENDT, LEVERT, LEST (`DpvConversationStrategyImpl`, `DpfConversationStrategyImpl`).
      this.addStatus(from, conv, 'LEVERT');
      this.addStatus(from, conv, 'LEST');
      this.#releaseFiles(msg.files);
      return;
    }
    if ((msg.service === 'DPO' || msg.service === 'DPE') && receiverIp) {
      this.#arrive(from, receiverIp, msg);
      return;
    }
    // External receivers (Altinn inbox, citizen mailbox): receipts come back through the carrier.
    this.#releaseFiles(msg.files);
    const chain = msg.service === 'DPV' || msg.service === 'DPF' ? ['LEVERT'] : ['MOTTATT', 'LEVERT'];
    const [first, ...rest] = chain as [string, ...string[]];
    this.#enqueue({
      kind: 'status',
      to: from.orgnr,
      messageId: msg.messageId,
      status: first,
      next: rest,
      dueAt: this.now() + this.options.deliveryDelayMs,
    });
  }

  /** A message reaches the receiver's IP (`NextMoveQueueImpl.enqueueIncomingMessage`). */
  #arrive(from: IpState, to: IpState, msg: MessageRecord): void {
    const now = this.now();
    const sbd = structuredClone(msg.sbd);
    const header = sbd.standardBusinessDocumentHeader;
    // DPO on behalf of: the receiver sees the sub-organisation as sender.
    // Expiry needs no check here: #transmit checked it at this same instant.
    if (to.incoming.has(msg.messageId)) {
      this.#releaseFiles(msg.files); // duplicates (another sender reusing a messageId) are discarded
      return;
    }
    // The sender is always set (create defaults it). DPO on behalf of: the receiver sees the sub-organisation.
    const sender = (header.sender as { identifier: { value: string } }[])[0] as { identifier: { value: string } };
    const m = ISO6523.exec(sender.identifier.value);
    if (m?.[3]) sender.identifier.value = `${m[1]}:${m[3]}`;
    // Conversation.of: an incoming conversation keeps messageTitle "" and messageReference = conversationId (only the
    // sending side's NextMoveMessageService.addFile sets them from arkivmelding.xml).
    const conv = this.#newConversation(to, sbd, 'INCOMING', msg.service);
    to.incoming.set(msg.messageId, {
      ...msg,
      id: this.#next(),
      sbd,
      senderIdentifier: partOrPrimaryIdentifier(sender.identifier.value),
      lastUpdated: now,
      lockTimeout: undefined,
    });
    this.addStatus(to, conv, 'INNKOMMENDE_MOTTATT');
    if (msg.type === 'arkivmelding_kvittering') this.#applyKvittering(to, sbd);
    if (this.options.statusServices.includes(msg.service as SimulatedService)) {
      this.#enqueue({
        kind: 'status',
        to: from.orgnr,
        messageId: msg.messageId,
        status: 'MOTTATT',
        dueAt: now + this.options.deliveryDelayMs,
      });
    }
  }

  /** An incoming arkivmelding_kvittering turns the original outgoing conversation into LEST or FEIL. */
  #applyKvittering(ip: IpState, sbd: Sbd): void {
    const body = sbd.arkivmelding_kvittering as Record<string, unknown>; // an object: #checkShape
    if (typeof body.relatedToMessageId !== 'string') return;
    const original = this.#outgoingConversation(ip, body.relatedToMessageId);
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

  #applyReturnedStatus(item: Extract<CarrierItem, { kind: 'status' }>): void {
    const ip = this.ips.get(item.to) as IpState; // returned statuses always go to an IP of this network
    this.addStatus(ip, this.#outgoingConversation(ip, item.messageId), item.status);
    const [next, ...rest] = item.next ?? [];
    if (next)
      this.#enqueue({
        kind: 'status',
        to: item.to,
        messageId: item.messageId,
        status: next,
        next: rest,
        dueAt: this.now() + this.options.deliveryDelayMs,
      });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Statuses and conversations

  #outgoingConversation(ip: IpState, messageId: string): ConversationRecord | undefined {
    return ip.conversations.find((c) => c.direction === 'OUTGOING' && c.messageId === messageId);
  }

  #incomingConversation(ip: IpState, messageId: string): ConversationRecord | undefined {
    return ip.conversations.find((c) => c.direction === 'INCOMING' && c.messageId === messageId);
  }

  #newConversation(ip: IpState, sbd: Sbd, direction: 'INCOMING' | 'OUTGOING', service: string): ConversationRecord {
    const h = header(sbd);
    const conversationId = conversationIdOf(sbd);
    const sender = (h.sender as { identifier: { value: string } }[])[0]?.identifier.value as string; // defaulted on create
    const receiver = h.receiver?.[0]?.identifier?.value;
    const conv: ConversationRecord = {
      id: this.#next(),
      conversationId,
      messageId: h.documentIdentification.instanceIdentifier as string,
      sender,
      senderIdentifier: partOrPrimaryIdentifier(sender),
      receiver,
      receiverIdentifier: receiver === undefined ? undefined : primaryIdentifier(receiver),
      processIdentifier: processOf(sbd) as string, // create refuses an SBD without one
      documentIdentifier: h.documentIdentification.standard,
      messageReference: conversationId,
      messageTitle: '',
      lastUpdate: this.now(),
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

  /**
   * Registers a status (once per value and conversation), fires webhooks and feeds the status queue.
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
    const now = this.now();
    const record: StatusRecord = { id: this.#next(), lastUpdate: now, status, ...extra, conversation: conv };
    conv.statuses.push(record);
    conv.lastUpdate = now;
    if (TERMINAL.has(status)) {
      conv.finished = true;
      conv.pollable = false;
    }
    if (this.options.statusQueueIncludes.includes(conv.serviceIdentifier as SimulatedService)) ip.statusQueue.push(record);
    this.#publishStatus(ip, record);
    return record;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Capabilities (service registry)

  /** Service records of `receiver` for a lookup (process and security level optional). */
  lookup(receiver: string, process?: string, securityLevel?: number): ServiceRecordConfig[] | undefined {
    const participant = this.participants.get(receiver);
    if (!participant) return undefined;
    return participant.accepts.filter(
      (r) => (process === undefined || r.process === process) && (securityLevel === undefined || securityLevel <= (r.securityLevel ?? 4)),
    );
  }

  /** `GET /api/capabilities/{id}`. */
  capabilities(receiver: string, process: string | undefined, securityLevel: number | undefined): Record<string, unknown> {
    const records = this.lookup(receiver, process, securityLevel);
    if (records === undefined) {
      throw ipException(
        'IdentifierNotFoundException',
        `--no.difi.meldingsutveksling.exceptions.IdentifierNotFoundException-- [Service record not found for parameters: SRParameter(identifier=${receiver}, process=${process ?? 'null'}, securityLevel=${securityLevel ?? 'null'}, print=true, infoOnly=false, conversationId=null)]`,
      );
    }
    return {
      capabilities: records.map((r) => ({
        process: r.process,
        serviceIdentifier: r.service,
        postAddress: r.postAddress,
        returnAddress: r.returnAddress,
        documentTypes: r.documentTypes.map((standard) => ({ type: /::([^:]+)$/.exec(standard)?.[1], standard })),
        digitalPostAddress: r.digitalPostAddress,
      })),
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Outgoing: create, upload, send

  /**
   * `POST /api/messages/out` (and the create stage of multipart): shape, bean validation, defaults, service
   * selection and the business checks of `NextMoveValidator.validate`, in that order (`NextMoveMessageService.createMessage`).
   */
  create(ip: IpState, input: unknown, mode: 'json' | 'multipart' = 'json'): MessageRecord {
    this.tick();
    const sbd = this.#checkShape(input);
    this.#readBody(sbd, mode);
    this.#beanValidate(sbd, mode);
    this.#applyDefaults(ip, sbd);
    const h = header(sbd);
    const type = h.documentIdentification.type;
    const process = processOf(sbd);
    if (!process) throw frameworkError(500, 'no.difi.meldingsutveksling.nextmove.NextMoveRuntimeException', 'SBD missing process');
    const receiver = h.receiver?.[0]?.identifier?.value;
    const messageId = h.documentIdentification.instanceIdentifier as string;
    const business = sbd[type] as Record<string, unknown>;
    let service = 'UNKNOWN';
    if (receiver !== undefined) {
      const receiverId = primaryIdentifier(receiver);
      const level = typeof business.sikkerhetsnivaa === 'number' ? business.sikkerhetsnivaa : undefined;
      const record = (this.lookup(receiverId, process, level) ?? []).find((r) =>
        r.documentTypes.includes(h.documentIdentification.standard),
      );
      if (!record) {
        throw ipException('ReceiverDoesNotAcceptProcessException', `Receiver do not accept the document process ${process}`, {
          description: `Error looking up service record with document type '${h.documentIdentification.standard}' and parameters: SRParameter(identifier=${receiverId}, process=${process}, securityLevel=${level ?? 'null'}, print=true, infoOnly=false, conversationId=${conversationIdOf(sbd)})`,
        });
      }
      service = record.service;
      if (service === 'DPI' && type === 'print') applyPrintDefaults(business, true, record);
    } else if (type === 'print') {
      service = 'DPI';
      applyPrintDefaults(business, false, undefined);
    }
    if (type !== 'status' && this.#messageIdTaken(ip, messageId)) {
      throw ipException('MessageAlreadyExistsException', `Message with messageId = ${messageId} already exists`);
    }
    if (!ip.enabledServices.includes(service)) throw ipException('ServiceNotEnabledException', `Service ${service} is not enabled`);
    // NextMoveValidator.validatePrintBusinessMessage, after the defaults of NextMoveOutMessageFactory.
    if (type === 'print') validatePrintAddresses(business);
    if (!h.documentIdentification.standard.endsWith(`::${type}`)) {
      throw ipException(
        'MessageTypeDoesNotFitDocumentTypeException',
        `Message type ${type} does not match the document type ${h.documentIdentification.standard}`,
      );
    }
    const stored = orderSbd(sbd);
    const record: MessageRecord = {
      id: this.#next(),
      messageId,
      conversationId: conversationIdOf(stored),
      sbd: stored,
      type,
      service,
      process,
      senderIdentifier: partOrPrimaryIdentifier((h.sender as { identifier: { value: string } }[])[0]?.identifier.value as string),
      receiverIdentifier: receiver === undefined ? '' : primaryIdentifier(receiver),
      files: [],
      lastUpdated: this.now(),
    };
    ip.outgoing.set(messageId, record);
    this.#newConversation(ip, stored, 'OUTGOING', service);
    return record;
  }

  #messageIdTaken(ip: IpState, messageId: string): boolean {
    return ip.outgoing.has(messageId) || ip.conversations.some((c) => c.messageId === messageId);
  }

  /** 6.1.1: exactly the header and one business message named after the type. */
  #checkShape(input: unknown): Sbd {
    const illegal = (message: string) => frameworkError(500, 'java.lang.IllegalArgumentException', message);
    const unreadable = (message: string) =>
      frameworkError(400, 'org.springframework.http.converter.HttpMessageNotReadableException', `JSON parse error: ${message}`);
    if (!isObject(input)) throw unreadable('expected an object');
    const keys = Object.keys(input);
    const h = input.standardBusinessDocumentHeader;
    if (keys.length > 2) throw illegal(`Unexpected member in StandardBusinessDocument: ${keys.slice(2).join(', ')}`);
    const businessKey = keys.find((k) => k !== 'standardBusinessDocumentHeader');
    const type = isObject(h) && isObject(h.documentIdentification) ? h.documentIdentification.type : undefined;
    if (businessKey === undefined && (type === undefined || type === null)) {
      throw frameworkError(400, 'org.springframework.http.converter.HttpMessageNotReadableException', 'JSON parse error: Missing type!');
    }
    const typeName = typeof type === 'string' ? type : businessKey;
    if (typeName !== undefined) {
      const known = (MESSAGE_TYPES as readonly string[]).includes(typeName.toLowerCase());
      if (!known) throw illegal(`Unknown document type: ${typeName}`);
      if (businessKey !== undefined && businessKey !== typeName.toLowerCase()) {
        throw illegal(`Business message key '${businessKey}' does not match type '${typeName}'`);
      }
    }
    if (businessKey !== undefined && !isObject(input[businessKey])) throw illegal(`Business message ${businessKey} must be an object`);
    for (const side of ['sender', 'receiver']) {
      const partners = isObject(h) ? h[side] : undefined;
      if (partners !== undefined && partners !== null && !Array.isArray(partners)) {
        throw frameworkError(
          400,
          'org.springframework.http.converter.HttpMessageNotReadableException',
          `JSON parse error: Cannot deserialize value of type \`java.util.HashSet<no.difi.meldingsutveksling.domain.sbdh.Partner>\` from Object value (token \`JsonToken.START_OBJECT\`)`,
        );
      }
      for (const p of Array.isArray(partners) ? partners : []) {
        const authority = isObject(p) && isObject(p.identifier) ? p.identifier.authority : undefined;
        if (authority !== 'iso6523-actorid-upis' && authority !== 'nhn-actorid') throw illegal(`Unknown authority: ${String(authority)}`);
      }
    }
    // Jackson cannot bind scopes or scope information that are not objects (a list where one is expected).
    const scopes = isObject(h) && isObject(h.businessScope) ? h.businessScope.scope : undefined;
    for (const scope of Array.isArray(scopes) ? scopes : []) {
      if (!isObject(scope)) throw unreadable('Cannot construct instance of `no.difi.meldingsutveksling.domain.sbdh.Scope`');
      const infos = scope.scopeInformation;
      if (infos === undefined || infos === null) continue;
      if (!Array.isArray(infos)) {
        throw unreadable(
          'Cannot deserialize value of type `java.util.Set<no.difi.meldingsutveksling.domain.sbdh.ScopeInformation>` from Object value',
        );
      }
      if (!infos.every(isObject))
        throw unreadable('Cannot construct instance of `no.difi.meldingsutveksling.domain.sbdh.ScopeInformation`');
    }
    // Header only: the IP needs the business message member.
    if (businessKey === undefined) throw illegal('Missing business message');
    return structuredClone(input) as Sbd;
  }

  /**
   * Jackson's reading of the typed parts (`StandardBusinessDocument` and the class `BusinessMessageType` names):
   * the business message keeps its known fields only, an unknown enum constant or an unconvertible scalar is 400
   * HttpMessageNotReadableException; header date-times are `OffsetDateTime`s, written back with the IP's offset.
   */
  #readBody(sbd: Sbd, mode: 'json' | 'multipart'): void {
    const h = sbd.standardBusinessDocumentHeader as Record<string, unknown> | null | undefined;
    const doc = isObject(h) && isObject(h.documentIdentification) ? h.documentIdentification : undefined;
    const created = doc?.creationDateAndTime;
    if (created !== undefined && created !== null && (typeof created !== 'string' || parseDateTime(created) === undefined)) {
      throw unreadableJson(`Cannot deserialize value of type \`java.time.OffsetDateTime\` from String "${String(created)}"`, mode);
    }
    const key = Object.keys(sbd).find((k) => k !== 'standardBusinessDocumentHeader') as string; // #checkShape: exactly one
    try {
      sbd[key] = readBusinessMessage(key, sbd[key] as Record<string, unknown>);
    } catch (error) {
      if (error instanceof UnreadableBusinessMessage) throw unreadableJson(error.message, mode);
      throw error;
    }
  }

  /** Bean validation (`@Valid` on the SBD) → MethodArgumentNotValidException / ConstraintViolationException. */
  #beanValidate(sbd: Sbd, mode: 'json' | 'multipart'): void {
    const errors: FieldViolation[] = [];
    const h = sbd.standardBusinessDocumentHeader as Record<string, unknown> | null | undefined;
    const notNull = (field: string, value: unknown, javaType = 'java.lang.String') => {
      if (value === undefined || value === null) errors.push({ field, code: 'NotNull', message: 'must not be null', javaType });
    };
    notNull('standardBusinessDocumentHeader', h, 'no.difi.meldingsutveksling.domain.sbdh.StandardBusinessDocumentHeader');
    if (isObject(h)) {
      notNull('standardBusinessDocumentHeader.headerVersion', h.headerVersion);
      const doc = h.documentIdentification;
      notNull(
        'standardBusinessDocumentHeader.documentIdentification',
        doc,
        'no.difi.meldingsutveksling.domain.sbdh.DocumentIdentification',
      );
      if (isObject(doc)) {
        notNull('standardBusinessDocumentHeader.documentIdentification.standard', doc.standard);
        notNull('standardBusinessDocumentHeader.documentIdentification.typeVersion', doc.typeVersion);
        notNull('standardBusinessDocumentHeader.documentIdentification.type', doc.type);
        if (typeof doc.instanceIdentifier === 'string' && !UUID.test(doc.instanceIdentifier)) {
          errors.push({
            field: 'standardBusinessDocumentHeader.documentIdentification.instanceIdentifier',
            code: 'UUID',
            message: 'Must be a valid UUID',
            rejected: doc.instanceIdentifier,
            javaType: 'java.lang.String',
          });
        }
      }
      for (const side of ['sender', 'receiver'] as const) {
        const list = h[side];
        if (Array.isArray(list) && list.length > 1) {
          errors.push({
            field: `standardBusinessDocumentHeader.${side}`,
            code: 'Size',
            message: 'size must be between 0 and 1',
            javaType: 'java.util.Set',
          });
        }
      }
      const sender = Array.isArray(h.sender) ? h.sender[0] : undefined;
      const senderValue = isObject(sender) && isObject(sender.identifier) ? sender.identifier.value : undefined;
      if (sender !== undefined && (typeof senderValue !== 'string' || !isValidPartner(senderValue))) {
        errors.push({
          field: 'standardBusinessDocumentHeader.sender[].identifier.value',
          code: 'SenderValue',
          message: 'Invalid sender identifier',
          rejected: senderValue,
          javaType: 'java.lang.String',
        });
      }
      const scopeHolder = h.businessScope;
      notNull('standardBusinessDocumentHeader.businessScope', scopeHolder, 'no.difi.meldingsutveksling.domain.sbdh.BusinessScope');
      if (isObject(scopeHolder)) {
        const scopes = scopeHolder.scope;
        if (!Array.isArray(scopes) || scopes.length === 0) {
          errors.push({
            field: 'standardBusinessDocumentHeader.businessScope.scope',
            code: Array.isArray(scopes) ? 'Size' : 'NotNull',
            message: Array.isArray(scopes) ? 'size must be between 1 and 2147483647' : 'must not be null',
            javaType: 'java.util.Set',
          });
        } else {
          scopes.forEach((scope: Record<string, unknown>, i: number) => {
            const field = `standardBusinessDocumentHeader.businessScope.scope[${i}]`;
            if (typeof scope.type !== 'string' || !SCOPE_TYPES.includes(scope.type)) {
              errors.push({
                field: `${field}.type`,
                code: 'OneOf',
                message: `'${String(scope.type)}' is not expected. Allowed values are: [${SCOPE_TYPES.join(', ')}]`,
                rejected: scope.type,
                javaType: 'java.lang.String',
              });
            }
            if (
              scope.type === 'ConversationId' &&
              typeof scope.instanceIdentifier === 'string' &&
              scope.instanceIdentifier &&
              !UUID.test(scope.instanceIdentifier)
            ) {
              errors.push({
                field: `${field}.instanceIdentifier`,
                code: 'UUID',
                message: 'Must be a valid UUID',
                rejected: scope.instanceIdentifier,
                javaType: 'java.lang.String',
              });
            }
            // #checkShape made sure scopes and scope information are objects.
            const infos = (scope.scopeInformation ?? []) as Record<string, unknown>[];
            infos.forEach((info, j) => {
              const value = info.expectedResponseDateTime;
              if (value === undefined || value === null) return;
              const at = typeof value === 'string' ? parseDateTime(value) : undefined;
              if (at === undefined) {
                throw frameworkError(
                  400,
                  'org.springframework.http.converter.HttpMessageNotReadableException',
                  `JSON parse error: Text '${String(value)}' could not be parsed`,
                );
              }
              if (at <= this.now()) {
                errors.push({
                  field: `${field}.scopeInformation[${j}].expectedResponseDateTime`,
                  code: 'Future',
                  message: 'must be a future date',
                  rejected: value,
                  javaType: 'java.time.OffsetDateTime',
                });
              }
            });
          });
        }
      }
    }
    if (errors.length === 0) return;
    if (mode === 'multipart') {
      const prefixed = errors.map((e) => ({ ...e, field: `createAndSendMessage.sbd.${e.field}` }));
      throw frameworkError(
        400,
        'jakarta.validation.ConstraintViolationException',
        prefixed.map((e) => `${e.field}: ${e.message}`).join(', '),
        prefixed.map((e) => ({
          codes: [e.code],
          defaultMessage: e.message,
          objectName: e.field,
          field: e.field,
          rejectedValue: e.rejected,
          bindingFailure: false,
          code: e.code,
        })),
      );
    }
    throw methodArgumentNotValid('standardBusinessDocument', errors);
  }

  /** Create defaults (`NextMoveOutMessageFactory.setDefaults`). */
  #applyDefaults(ip: IpState, sbd: Sbd): void {
    const h = header(sbd);
    const own = ip.orgnr;
    if (!h.sender || h.sender.length === 0) {
      h.sender = [{ identifier: { value: `0192:${own}`, authority: 'iso6523-actorid-upis' } }];
    } else {
      // Bean validation refused a sender without identifier value.
      const id = (h.sender[0] as { identifier: { value: string } }).identifier;
      const value = /^\d{9}$/.test(id.value) ? `0192:${id.value}` : id.value;
      const m = ISO6523.exec(value);
      id.value = m && m[3] === undefined && m[1] === '0192' && m[2] !== own ? `0192:${own}:${m[2]}` : value;
    }
    const doc = h.documentIdentification;
    doc.type = String(doc.type).toLowerCase();
    doc.instanceIdentifier ||= randomUUID();
    doc.creationDateAndTime = doc.creationDateAndTime
      ? (reserialiseDateTime(doc.creationDateAndTime) as string)
      : formatDateTime(this.now());
    const scopes = h.businessScope.scope;
    for (const scope of scopes) if (!scope.instanceIdentifier) scope.instanceIdentifier = randomUUID();
    const conv = scopes.find((s) => s.type === 'ConversationId');
    if (conv) {
      conv.scopeInformation ??= [];
      if (conv.scopeInformation.length === 0) conv.scopeInformation.push({});
      const info = conv.scopeInformation[0] as { expectedResponseDateTime?: string };
      info.expectedResponseDateTime ??= formatDateTime(this.now() + this.options.defaultTtlHours * 3_600_000);
    }
    for (const scope of scopes) {
      for (const info of (scope.scopeInformation ?? []) as Record<string, unknown>[]) {
        if (info.expectedResponseDateTime !== undefined && info.expectedResponseDateTime !== null)
          info.expectedResponseDateTime = reserialiseDateTime(info.expectedResponseDateTime);
      }
    }
  }

  /** `PUT /api/messages/out/{messageId}` (`NextMoveMessageService.addFile`, `NextMoveValidator.validateFile`). */
  async upload(ip: IpState, messageId: string, input: UploadInput): Promise<void> {
    this.tick();
    const msg = ip.outgoing.get(messageId);
    if (!msg) throw messageNotFound(messageId);
    this.#checkFile(msg, input.filename, input.title, input.contentLength ?? 0, [input.filename]);
    const content = await this.store.write(input.body);
    // The message may have been deleted or transmitted while the body streamed in.
    if (ip.outgoing.get(messageId) !== msg) {
      this.store.release(content);
      throw messageNotFound(messageId);
    }
    if (msg.files.some((f) => f.filename === input.filename)) {
      this.store.release(content);
      throw ipException('DuplicateFilenameException', `Filename already exists in message: ${input.filename}.`);
    }
    await this.#addFile(ip, msg, { filename: input.filename, title: input.title, mimeType: input.mimeType, content });
  }

  /** Checks done before a file is stored: duplicates, size limit, titles. */
  #checkFile(msg: MessageRecord, filename: string, title: string | undefined, size: number, batch: string[]): void {
    const existing = msg.files.map((f) => f.filename);
    const duplicates = batch.filter((name) => existing.includes(name));
    if (duplicates.length) throw ipException('DuplicateFilenameException', `Filename already exists in message: ${duplicates.join(', ')}.`);
    // Every stored message has a known service (an unknown one fails create with ServiceNotEnabledException).
    const limit = this.options.uploadSizeLimits[msg.service as SimulatedService];
    const total = msg.files.reduce((sum, f) => sum + f.content.size, 0) + size;
    if (total > limit) {
      throw ipException(
        'MaxFileSizeExceededException',
        `The combined file size for all attachments (${formatSize(total)}) exceeds the maximum allowed upload size for the target service (${msg.service}, ${formatSize(limit)})`,
      );
    }
    const business = msg.sbd[msg.type] as Record<string, unknown>;
    const primary = filename === business.hoveddokument;
    if (!title) {
      if (msg.service === 'DPV') throw ipException('MissingFileTitleException', 'Title is required for the following capabilities: DPV');
      const metadata = isObject(business.metadataFiler) ? Object.values(business.metadataFiler) : [];
      if (msg.service === 'DPI' && !primary && !metadata.includes(filename)) {
        throw ipException('MissingFileTitleException', 'Title is required for the following capabilities: DPI');
      }
    }
    // A second primary document would need a second file named like the first: the duplicate check refuses it.
  }

  async #addFile(
    ip: IpState,
    msg: MessageRecord,
    file: { filename: string; title: string | undefined; mimeType: string; content: StoredContent },
  ): Promise<void> {
    const business = msg.sbd[msg.type] as Record<string, unknown>;
    if (file.filename === 'arkivmelding.xml') {
      const xml = await this.store.read(file.content);
      let facts: ReturnType<typeof parseArkivmelding>;
      try {
        facts = parseArkivmelding(xml);
      } catch (error) {
        this.store.release(file.content);
        // NextMoveMessageService.getArkivmelding: XML that does not unmarshal (JAXBException) is a
        // NextMoveRuntimeException; ArkivmeldingUtil refuses a document without saksmappe or journalpost.
        if ((error as ArkivmeldingParseError).unmarshal) {
          throw frameworkError(500, 'no.difi.meldingsutveksling.nextmove.NextMoveRuntimeException', 'Failed to get Arkivmelding');
        }
        throw frameworkError(
          500,
          'no.difi.meldingsutveksling.arkivmelding.ArkivmeldingRuntimeException',
          `Failed to unmarshal arkivmelding: ${(error as ArkivmeldingParseError).message}`,
        );
      }
      msg.referencedFiles = facts.referencedFiles;
      const conv = this.#outgoingConversation(ip, msg.messageId);
      if (conv) {
        if (facts.offentligTittel !== undefined) conv.messageTitle = facts.offentligTittel;
        if (facts.journalpostnummer !== undefined) conv.messageReference = `${facts.saksmappeSystemId}-${facts.journalpostnummer}`;
      }
    }
    const mimeType =
      !file.mimeType || /^application\/octet-stream/i.test(file.mimeType) ? mimeTypeFromFilename(file.filename) : file.mimeType;
    msg.files.push({
      dokumentnummer: msg.files.length + 1,
      filename: file.filename,
      title: file.title,
      mimeType,
      primary: file.filename === business.hoveddokument,
      content: file.content,
    });
    msg.lastUpdated = this.now();
  }

  /** `POST /api/messages/out/{messageId}` (`NextMoveMessageService.sendMessage`, `NextMoveValidator.validate`). */
  send(ip: IpState, messageId: string): void {
    this.tick();
    const msg = ip.outgoing.get(messageId);
    if (!msg) throw messageNotFound(messageId);
    const business = msg.sbd[msg.type] as Record<string, unknown>;
    const names = msg.files.map((f) => f.filename);
    if (msg.files.length === 0 && !TYPES_WITHOUT_FILES.includes(msg.type)) {
      throw ipException('MissingFileException', 'There must always be at least one attachment');
    }
    if (expiryMs(msg.sbd) < this.now()) {
      this.addStatus(ip, this.#outgoingConversation(ip, messageId), 'LEVETID_UTLOPT', { description: TTL_DESCRIPTION });
      throw ipException(
        'TimeToLiveException',
        `ExpectedResponseDateTime ${expiryOf(msg.sbd)} has been exceeded. Please resend the message`,
      );
    }
    if (msg.type === 'arkivmelding') {
      if (!names.includes('arkivmelding.xml')) {
        throw ipException('MissingArkivmeldingException', 'DPO message type requires arkivmelding.xml attachment');
      }
      const missing = (msg.referencedFiles as string[]).filter((name) => !names.includes(name));
      if (missing.length) {
        throw ipException(
          'MissingArkivmeldingFileException',
          `File(s) defined in arkivmelding, but not found in message: ${missing.join(',')}`,
        );
      }
    }
    if (msg.type === 'digital' && isObject(business.metadataFiler)) {
      const wanted = Object.entries(business.metadataFiler).flat().map(String);
      const missing = wanted.filter((name) => !names.includes(name));
      if (missing.length) throw ipException('FileNotFoundException', `File(s) named ${missing.join(', ')} was not found`);
    }
    if ((msg.service === 'DPI' || msg.type === 'dialogmelding') && !msg.files.some((f) => f.primary)) {
      throw ipException('MissingPrimaryDocumentException', 'Missing primary document');
    }
    if (msg.sendRequested) return;
    msg.sendRequested = true;
    this.#enqueue({ kind: 'transmit', from: ip.orgnr, messageId, dueAt: this.now() + this.options.deliveryDelayMs });
  }

  /** `POST /api/messages/out/multipart` (`NextMoveMessageOutController.createAndSendMessage`). */
  async multipart(ip: IpState, sbdJson: unknown, files: MultipartFile[]): Promise<MessageRecord> {
    this.tick();
    const tooLarge = files.find((f) => f.data.byteLength > MULTIPART_PART_LIMIT);
    if (tooLarge) {
      throw ipException(
        'MultipartFileToLargeException',
        `The attachment named '${tooLarge.filename}' is too large. The maximum size for multipart requests is ${grouped(MULTIPART_PART_LIMIT)} bytes. Please use the non-multipart API to avoid such problems.`,
      );
    }
    const names = files.map((f) => f.filename);
    const dupes = names.filter((n) => names.filter((m) => m === n).length > 1);
    if (dupes.length) throw ipException('DuplicateFilenameException', `Filename already exists in message: ${dupes.join(', ')}.`);
    const msg = this.create(ip, sbdJson, 'multipart');
    try {
      for (const f of files) {
        this.#checkFile(msg, f.filename, f.title, f.data.byteLength, [f.filename]);
        const content = await this.store.fromBuffer(f.data);
        await this.#addFile(ip, msg, { filename: f.filename, title: f.title, mimeType: f.mimeType ?? '', content });
      }
    } catch (error) {
      // First transaction rolls back: nothing of the message remains.
      this.#removeMessage(ip.outgoing, msg);
      const idx = ip.conversations.findIndex((c) => c.direction === 'OUTGOING' && c.messageId === msg.messageId);
      if (idx >= 0) ip.conversations.splice(idx, 1);
      throw error;
    }
    // Second transaction: a failure here leaves the message stored (`createAndSendMessage` sends in a transaction of its own).
    this.send(ip, msg.messageId);
    return msg;
  }

  #removeMessage(queue: Map<string, MessageRecord>, msg: MessageRecord): void {
    queue.delete(msg.messageId);
    this.#releaseFiles(msg.files);
  }

  #releaseFiles(files: FileRecord[]): void {
    for (const f of files) this.store.release(f.content);
  }

  /** `DELETE /api/messages/out/{messageId}`: always succeeds. */
  deleteOutgoing(ip: IpState, messageId: string): void {
    this.tick();
    const msg = ip.outgoing.get(messageId);
    if (msg) this.#removeMessage(ip.outgoing, msg);
  }

  /** `GET /api/messages/out/{messageId}`. */
  getOutgoing(ip: IpState, messageId: string): MessageRecord {
    this.tick();
    const msg = ip.outgoing.get(messageId);
    if (!msg) throw messageNotFound(messageId);
    return msg;
  }

  /** Messages of a queue matching exact-match filters (`NextMoveMessageOutController.getMessages`, `NextMoveMessageInController`). */
  listMessages(ip: IpState, direction: 'in' | 'out', filter: Filter): MessageRecord[] {
    this.tick();
    const queue = direction === 'in' ? ip.incoming : ip.outgoing;
    const service = filter.serviceIdentifier;
    if (service !== undefined && !['DPO', 'DPV', 'DPI', 'DPF', 'DPE', 'DPH', 'UNKNOWN'].includes(service)) {
      throw frameworkError(
        500,
        'java.lang.IllegalArgumentException',
        `No enum constant no.difi.meldingsutveksling.ServiceIdentifier.${service}`,
      );
    }
    // NextMoveInMessageQueryInput names the field `process`; the out list binds NextMoveOutMessage's `processIdentifier`
    // (QuerydslPredicate). Any other name is ignored.
    const process = direction === 'in' ? filter.process : filter.processIdentifier;
    return [...queue.values()].filter(
      (m) =>
        (filter.conversationId === undefined || m.conversationId === filter.conversationId) &&
        (filter.messageId === undefined || m.messageId === filter.messageId) &&
        (filter.receiverIdentifier === undefined || m.receiverIdentifier === filter.receiverIdentifier) &&
        (filter.senderIdentifier === undefined || m.senderIdentifier === filter.senderIdentifier) &&
        (service === undefined || m.service === service) &&
        (process === undefined || m.process === process),
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Incoming: peek, pop, delete

  /** `GET /api/messages/in/peek`: locks the oldest unlocked match; undefined when none (204). */
  peek(ip: IpState, filter: Filter): MessageRecord | undefined {
    const candidates = this.listMessages(ip, 'in', filter)
      .filter((m) => m.lockTimeout === undefined)
      .sort((a, b) => a.lastUpdated - b.lastUpdated || a.id - b.id);
    const msg = candidates[0];
    if (!msg) return undefined;
    msg.lockTimeout = this.now() + this.options.lockTimeoutMs;
    return msg;
  }

  #locked(ip: IpState, messageId: string): MessageRecord {
    this.tick();
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
    if (isReceiptType(msg.type)) return undefined;
    if (msg.files.length === 0) {
      this.#removeMessage(ip.incoming, msg);
      this.addStatus(ip, this.#incomingConversation(ip, messageId), 'FEIL', {
        // NextMoveMessageInService.popMessage
        description: `Can not read file "asic.zip" for message [messageId=${messageId}, sender=${msg.senderIdentifier}], removing from queue.`,
      });
      throw ipException('FileNotFoundException', 'File(s) named asic.zip was not found');
    }
    const h = header(msg.sbd);
    const main = msg.files.find((f) => f.primary) ?? msg.files[0];
    const ordered = [...msg.files].sort((a, b) => (a === main ? -1 : b === main ? 1 : a.dokumentnummer - b.dokumentnummer));
    return buildAsic(this.store, {
      // Incoming messages came over DPO/DPE: both partners are set.
      receiver: (h.receiver as { identifier: { value: string } }[])[0]?.identifier.value as string,
      sender: (h.sender as { identifier: { value: string } }[])[0]?.identifier.value as string,
      documents: ordered.map((f) => ({ filename: f.filename, mimeType: f.mimeType, content: f.content })),
      mtime: new Date(this.now()),
    });
  }

  /** `DELETE /api/messages/in/{messageId}`: acknowledges; returns the SBD. */
  deleteIncoming(ip: IpState, messageId: string): Sbd {
    const msg = this.#locked(ip, messageId);
    this.#removeMessage(ip.incoming, msg);
    this.addStatus(ip, this.#incomingConversation(ip, messageId), 'INNKOMMENDE_LEVERT');
    // LEVERT goes back to the IP holding the outgoing conversation (gone if its client deleted it: nothing to update).
    const origin = [...this.ips.values()].find((other) => other !== ip && this.#outgoingConversation(other, messageId));
    if (origin && this.options.statusServices.includes(msg.service as SimulatedService)) {
      this.#enqueue({ kind: 'status', to: origin.orgnr, messageId, status: 'LEVERT', dueAt: this.now() + this.options.deliveryDelayMs });
    }
    return msg.sbd;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Status queries

  /** Statuses of this IP matching the `/api/statuses` filters (`MessageStatusController.find`). */
  listStatuses(ip: IpState, filter: Filter): StatusRecord[] {
    this.tick();
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
    this.tick();
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
  // Conversations

  /** `GET /api/conversations` filters (`ConversationController.find`). */
  listConversations(ip: IpState, filter: Filter, queueOnly = false): ConversationRecord[] {
    this.tick();
    if (
      filter.serviceIdentifier !== undefined &&
      !['DPO', 'DPV', 'DPI', 'DPF', 'DPE', 'DPH', 'UNKNOWN'].includes(filter.serviceIdentifier)
    ) {
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
  conversationById(ip: IpState, id: number): ConversationRecord {
    this.tick();
    const conv = ip.conversations.find((c) => c.id === id && c.direction === 'OUTGOING');
    if (!conv) throw ipException('ConversationNotFoundException', `Conversation with id = ${grouped(id)} was not found`);
    return conv;
  }

  /** `GET /api/conversations/messageId/{messageId}`: outgoing only. */
  conversationByMessageId(ip: IpState, messageId: string): ConversationRecord {
    this.tick();
    const conv = this.#outgoingConversation(ip, messageId);
    if (!conv) throw messageNotFound(messageId);
    return conv;
  }

  /** `DELETE /api/conversations/{id}` / `…/messageId/{id}`: always succeeds. */
  deleteConversations(ip: IpState, match: (c: ConversationRecord) => boolean): void {
    for (let i = ip.conversations.length - 1; i >= 0; i--) {
      const conv = ip.conversations[i] as ConversationRecord;
      if (!match(conv)) continue;
      ip.conversations.splice(i, 1);
      for (let j = ip.statusQueue.length - 1; j >= 0; j--) if (ip.statusQueue[j]?.conversation === conv) ip.statusQueue.splice(j, 1);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Subscriptions and webhooks

  /** `POST /api/subscriptions` (`SubscriptionController`); pings the endpoint (awaited, outcome ignored). */
  async createSubscription(ip: IpState, body: unknown): Promise<SubscriptionRecord> {
    const input = isObject(body) ? body : {};
    validateSubscription(input, 'create');
    const name = input.name as string;
    const pushEndpoint = input.pushEndpoint as string;
    if (ip.subscriptions.some((s) => s.name === name && s.pushEndpoint === pushEndpoint)) {
      throw ipException(
        'SubscriptionWithSameNameAndPushEndpointAlreadyExists',
        'Subscription with same name and push endpoint already exists.',
      );
    }
    await this.#post(ip, pushEndpoint, { createdTs: formatDateTime(this.now()), event: 'ping' });
    const record: SubscriptionRecord = {
      id: this.#next(),
      name,
      pushEndpoint,
      resource: input.resource as string,
      event: input.event as string,
      filter: typeof input.filter === 'string' ? input.filter : undefined,
    };
    ip.subscriptions.push(record);
    return record;
  }

  /** `PUT /api/subscriptions/{id}`: partial update. */
  async updateSubscription(ip: IpState, id: number, body: unknown): Promise<void> {
    const sub = this.subscription(ip, id);
    const input = isObject(body) ? body : {};
    validateSubscription(input, 'update');
    const name = typeof input.name === 'string' ? input.name : sub.name;
    const pushEndpoint = typeof input.pushEndpoint === 'string' ? input.pushEndpoint : sub.pushEndpoint;
    if (ip.subscriptions.some((s) => s !== sub && s.name === name && s.pushEndpoint === pushEndpoint)) {
      throw ipException(
        'SubscriptionWithSameNameAndPushEndpointAlreadyExists',
        'Subscription with same name and push endpoint already exists.',
      );
    }
    if (pushEndpoint !== sub.pushEndpoint) await this.#post(ip, pushEndpoint, { createdTs: formatDateTime(this.now()), event: 'ping' });
    sub.name = name;
    sub.pushEndpoint = pushEndpoint;
    if (typeof input.resource === 'string') sub.resource = input.resource;
    if (typeof input.event === 'string') sub.event = input.event;
    if (typeof input.filter === 'string') sub.filter = input.filter;
  }

  subscription(ip: IpState, id: number): SubscriptionRecord {
    const sub = ip.subscriptions.find((s) => s.id === id);
    if (!sub) throw ipException('SubscriptionNotFoundException', `Subscription with id = ${grouped(id)} was not found`);
    return sub;
  }

  deleteSubscription(ip: IpState, id: number): void {
    const sub = this.subscription(ip, id);
    ip.subscriptions.splice(ip.subscriptions.indexOf(sub), 1);
  }

  #publishStatus(ip: IpState, status: StatusRecord): void {
    if (ip.subscriptions.length === 0) return;
    const conv = status.conversation;
    const event = {
      createdTs: formatDateTime(this.now()),
      resource: 'messages',
      event: 'status',
      messageId: conv.messageId,
      conversationId: conv.conversationId,
      direction: conv.direction,
      serviceIdentifier: conv.serviceIdentifier,
      status: status.status,
      description: status.description,
    };
    for (const sub of ip.subscriptions) {
      // resource (all|messages) and event (all|status) are validated: every subscription wants status events.
      if (!filterMatches(sub.filter, { status: status.status, serviceIdentifier: conv.serviceIdentifier, direction: conv.direction }))
        continue;
      const p = this.#post(ip, sub.pushEndpoint, event);
      this.#webhooksInFlight.add(p);
      void p.finally(() => this.#webhooksInFlight.delete(p));
    }
  }

  /** One webhook POST: no retries, timeout, errors only recorded. */
  async #post(ip: IpState, url: string, body: Record<string, unknown>): Promise<void> {
    const delivery: WebhookDelivery = { from: ip.orgnr, url, body: JSON.parse(JSON.stringify(body)), status: undefined };
    this.webhookLog.push(delivery);
    if (this.webhookLog.length > 10_000) this.webhookLog.shift();
    try {
      const doFetch = this.options.fetch ?? globalThis.fetch;
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(delivery.body, null, 2),
        signal: AbortSignal.timeout(this.options.webhookTimeoutMs),
        redirect: 'manual',
      });
      delivery.status = response.status;
      await response.body?.cancel().catch(() => undefined);
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** Resolves when every webhook POST started so far has finished. */
  async webhooksIdle(): Promise<void> {
    for (let i = 0; i < 100 && this.#webhooksInFlight.size > 0; i++) await Promise.allSettled([...this.#webhooksInFlight]);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Health

  /** `/manage/health` details. */
  health(ip: IpState): Record<string, unknown> {
    this.tick();
    return {
      status: 'UP',
      components: {
        messageStatus: { status: 'UP', details: { pollable: ip.conversations.filter((c) => c.pollable).length } },
        nextMoveQueue: { status: 'UP', details: { outgoing: ip.outgoing.size, incoming: ip.incoming.size } },
        ping: { status: 'UP' },
      },
    };
  }

  /** Stops timers and deletes temp files. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#autoTimer) clearTimeout(this.#autoTimer);
    this.#autoTimer = undefined;
    await this.webhooksIdle();
    await this.store.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// SBD helpers

interface HeaderView {
  sender?: { identifier: { value: string; authority: string } }[];
  receiver?: { identifier: { value: string; authority: string } }[];
  documentIdentification: {
    standard: string;
    type: string;
    instanceIdentifier?: string;
    creationDateAndTime?: string;
    [k: string]: unknown;
  };
  businessScope: {
    scope: { type: string; instanceIdentifier?: string; identifier?: string; scopeInformation?: Record<string, unknown>[] }[];
  };
  [k: string]: unknown;
}

function header(sbd: Sbd): HeaderView {
  return sbd.standardBusinessDocumentHeader as unknown as HeaderView;
}
function conversationScope(sbd: Sbd) {
  return header(sbd).businessScope.scope.find((s) => s.type === 'ConversationId');
}
function conversationIdOf(sbd: Sbd): string {
  return conversationScope(sbd)?.instanceIdentifier as string; // defaulted on create
}
function processOf(sbd: Sbd): string | undefined {
  return conversationScope(sbd)?.identifier;
}
/** `expectedResponseDateTime` of a stored SBD: create validated it as a date-time string or defaulted it. */
function expiryOf(sbd: Sbd): string {
  return conversationScope(sbd)?.scopeInformation?.[0]?.expectedResponseDateTime as string;
}
function expiryMs(sbd: Sbd): number {
  return parseDateTime(expiryOf(sbd)) as number;
}

/** Rebuilds the SBD in the IP's output property order (the SBD model's Jackson property order). */
function orderSbd(sbd: Sbd): Sbd {
  const h = sbd.standardBusinessDocumentHeader as Record<string, unknown>;
  const pick = (obj: Record<string, unknown>, order: string[]) => {
    const out: Record<string, unknown> = {};
    for (const k of order) if (obj[k] !== undefined && obj[k] !== null) out[k] = obj[k];
    for (const [k, v] of Object.entries(obj)) if (!(k in out) && v !== undefined && v !== null) out[k] = v;
    return out;
  };
  const partner = (p: Record<string, unknown>) => ({
    ...pick(p, ['identifier', 'contactInformation']),
    identifier: pick(p.identifier as Record<string, unknown>, ['value', 'authority']),
  });
  const orderedHeader = pick(h, ['headerVersion', 'sender', 'receiver', 'documentIdentification', 'manifest', 'businessScope']);
  for (const side of ['sender', 'receiver']) {
    if (Array.isArray(orderedHeader[side])) orderedHeader[side] = (orderedHeader[side] as Record<string, unknown>[]).map(partner);
  }
  orderedHeader.documentIdentification = pick(h.documentIdentification as Record<string, unknown>, [
    'standard',
    'typeVersion',
    'instanceIdentifier',
    'type',
    'multipleType',
    'creationDateAndTime',
  ]);
  const scope = (h.businessScope as { scope: Record<string, unknown>[] }).scope;
  orderedHeader.businessScope = {
    ...(h.businessScope as Record<string, unknown>),
    scope: scope.map((s) => pick(s, ['type', 'instanceIdentifier', 'identifier', 'scopeInformation'])),
  };
  const type = String((h.documentIdentification as Record<string, unknown>).type);
  return { standardBusinessDocumentHeader: orderedHeader, [type]: sbd[type] } as Sbd;
}

function formatSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${bytes}b` : `${Math.floor(bytes / (1024 * 1024))}MB`;
}

// ---------------------------------------------------------------------------------------------------------------
// Subscription validation and filters (`Subscription`, `WebhookFilterValidator`, `WebhookFilterParser`)

const FILTER_PART = /^(\w+)(=)(.+)$/;
const FILTER_NAMES = ['status', 'serviceIdentifier', 'direction'];

function validFilter(filter: string): boolean {
  return filter.split('&').every((part) => {
    const m = FILTER_PART.exec(part);
    return m !== null && FILTER_NAMES.includes(m[1] as string);
  });
}

function validUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function validateSubscription(input: Record<string, unknown>, mode: 'create' | 'update'): void {
  const errors: FieldViolation[] = [];
  const required = mode === 'create';
  const check = (field: string, ok: (v: unknown) => boolean, code: string, message: string, javaType = 'java.lang.String') => {
    const value = input[field];
    if (value === undefined || value === null) {
      if (required && field !== 'filter') errors.push({ field, code: 'NotNull', message: 'must not be null', javaType });
      return;
    }
    if (!ok(value)) errors.push({ field, code, message, rejected: value, javaType });
  };
  if (mode === 'create' && input.id !== undefined && input.id !== null) {
    errors.push({ field: 'id', code: 'Null', message: 'must be null', rejected: input.id, javaType: 'java.lang.Long' });
  }
  check('name', (v) => typeof v === 'string' && v.trim().length > 0, 'NotEmpty', 'must not be empty');
  check('pushEndpoint', validUrl, 'URL', 'must be a valid URL');
  check(
    'resource',
    (v) => v === 'all' || v === 'messages',
    'OneOf',
    `'${String(input.resource)}' is not expected. Allowed values are: [all, messages]`,
  );
  check(
    'event',
    (v) => v === 'all' || v === 'status',
    'OneOf',
    `'${String(input.event)}' is not expected. Allowed values are: [all, status]`,
  );
  check('filter', (v) => typeof v === 'string' && validFilter(v), 'WebhookFilter', 'Must be a valid filter definition.');
  if (errors.length === 0) return;
  throw methodArgumentNotValid('subscription', errors);
}

/** True when a subscription filter accepts an event (case-insensitive values, every part must match). */
export function filterMatches(filter: string | undefined, event: Record<string, string>): boolean {
  if (!filter) return true;
  return filter.split('&').every((part) => {
    const m = FILTER_PART.exec(part) as RegExpExecArray; // validated when the subscription was saved
    const actual = event[m[1] as string]?.toLowerCase();
    return (m[3] as string).split(',').some((v) => v.trim().toLowerCase() === actual);
  });
}

export { IpError };
