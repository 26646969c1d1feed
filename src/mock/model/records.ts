import type { ParticipantConfig } from '../network.js';
import type { FileStore, StoredContent } from '../storage.js';

/**
 * The records the simulator keeps per integrasjonspunkt, shaped like the IP's own entities (`NextMoveOutMessage`,
 * `NextMoveInMessage`, `Conversation`, `MessageStatus`, `Subscription`). Each part of the model owns one collection
 * of {@link IpState}: `outgoing.ts` the outgoing queue, `incoming.ts` the incoming queue, `conversations.ts` the
 * conversations and the status queue, `subscriptions.ts` the subscriptions.
 * @module
 */

/** A JSON SBD. @internal */
export type Sbd = Record<string, unknown> & { standardBusinessDocumentHeader: Record<string, unknown> };

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

/** Query filters; values as given in the query string. @internal */
export type Filter = Record<string, string | undefined>;

/** One simulated integrasjonspunkt: its queues, conversations, status queue and subscriptions. @internal */
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

/** Frees the stored content of a message's files. @internal */
export function releaseFiles(store: FileStore, files: readonly FileRecord[]): void {
  for (const f of files) store.release(f.content);
}
