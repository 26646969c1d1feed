/** The SBD header every builder shares: partners, scopes, dates and {@link buildMessage}. */

import { randomUUID } from 'node:crypto';
import { RequestValidationError } from '../errors.js';
import { type MessageType, PROCESSES, STANDARDS } from '../models/business-messages.js';
import { parseIdentifier } from '../models/identifiers.js';
import { businessMessageIssues, type Partner, type Scope, type StandardBusinessDocument } from '../models/sbd.js';

/** `typeVersion` the IP writes in the SBDs it generates. @category Messages */
export const DEFAULT_TYPE_VERSION = '2.0';

/**
 * What every builder takes: who sends to whom, the process and the ids.
 * @category Messages
 */
export interface MessageHeaderParams {
  /**
   * The sending organisation: `910077473`, `0192:910077473`, or on-behalf-of `0192:<IP org>:<sub-org>`. Left out,
   * the IP fills in its own organisation.
   */
  sender?: string | undefined;
  /** Send on behalf of this sub-organisation (needs `sender` = the IP's own organisation): `0192:<sender>:<onBehalfOf>`. */
  onBehalfOf?: string | undefined;
  /** The receiver: organisation number (plain or `0192:`), a personal id (DPI), or an NHN id (`her-id:…`). */
  receiver?: string | undefined;
  /** The process URN; each builder has a default (see {@link PROCESSES}). */
  process?: string | undefined;
  /** A UUID; generated when left out. Reuse the original's conversationId in replies and receipts. */
  conversationId?: string | undefined;
  /** A UUID; generated when left out. Never reuse one: the IP refuses a messageId it has seen. */
  messageId?: string | undefined;
  /** The message's expiry (TTL). Left out, the IP applies its default (24 h). */
  expectedResponseDateTime?: Date | string | undefined;
  /** Creation time; defaults to now. */
  creationDateAndTime?: Date | string | undefined;
  /** Overrides the document type (`standard`), e.g. a variant the receiver's capabilities list. */
  standard?: string | undefined;
  /** @defaultValue '2.0' */
  typeVersion?: string | undefined;
  /** Your own reference (a `SenderRef` scope). */
  senderRef?: string | undefined;
  /** The receiver's reference (a `ReceiverRef` scope). */
  receiverRef?: string | undefined;
}

/** @internal */
export function iso(value: Date | string, field: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RequestValidationError(field, 'is not a valid date');
    return value.toISOString();
  }
  if (Number.isNaN(Date.parse(value))) throw new RequestValidationError(field, `'${value}' is not an ISO-8601 date-time`);
  return value;
}

/** @internal */
export function partner(value: string, field: string): Partner {
  const parsed = parseIdentifier(value, field);
  return { identifier: { value: parsed.value, authority: parsed.authority } };
}

function senderPartner(params: MessageHeaderParams): Partner | undefined {
  if (params.onBehalfOf !== undefined) {
    if (params.sender === undefined) throw new RequestValidationError('sender', 'onBehalfOf needs the sender (the IP’s own organisation)');
    const ip = parseIdentifier(params.sender, 'sender');
    const sub = parseIdentifier(params.onBehalfOf, 'onBehalfOf');
    if (ip.kind !== 'organisation' || sub.kind !== 'organisation' || ip.onBehalfOf !== undefined) {
      throw new RequestValidationError('onBehalfOf', 'sender and onBehalfOf must both be plain organisation numbers');
    }
    return partner(`${ip.icd}:${ip.organisationNumber}:${sub.organisationNumber}`, 'sender');
  }
  return params.sender === undefined ? undefined : partner(params.sender, 'sender');
}

/**
 * Builds an SBD of any sendable type: the header from `params` and `body` as the business message. The typed
 * builders below call this; use it directly for a type or variant they do not cover.
 * @param type - the message type (`documentIdentification.type`).
 * @param defaultProcess - the process used when `params.process` is left out.
 * @category Messages
 */
export function buildMessage<T extends object>(
  type: MessageType,
  defaultProcess: string,
  params: MessageHeaderParams,
  body: T,
): StandardBusinessDocument {
  const sender = senderPartner(params);
  const receiver = params.receiver === undefined ? undefined : partner(params.receiver, 'receiver');
  // Never build what the IP cannot read (enum spellings, integers) or would refuse for a missing print address.
  const [issue] = businessMessageIssues(type, stripUndefined(body) as Record<string, unknown>, receiver !== undefined);
  if (issue) throw new RequestValidationError(issue.path.join('.'), issue.message);
  const conversation: Scope = {
    type: 'ConversationId',
    instanceIdentifier: params.conversationId ?? randomUUID(),
    identifier: params.process ?? defaultProcess,
  };
  if (params.expectedResponseDateTime !== undefined) {
    conversation.scopeInformation = [{ expectedResponseDateTime: iso(params.expectedResponseDateTime, 'expectedResponseDateTime') }];
  }
  const scope: Scope[] = [conversation];
  if (params.senderRef !== undefined) scope.push({ type: 'SenderRef', instanceIdentifier: params.senderRef });
  if (params.receiverRef !== undefined) scope.push({ type: 'ReceiverRef', instanceIdentifier: params.receiverRef });
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      ...(sender ? { sender: [sender] } : {}),
      ...(receiver ? { receiver: [receiver] } : {}),
      documentIdentification: {
        standard: params.standard ?? STANDARDS[type],
        typeVersion: params.typeVersion ?? DEFAULT_TYPE_VERSION,
        instanceIdentifier: params.messageId ?? randomUUID(),
        type,
        creationDateAndTime: iso(params.creationDateAndTime ?? new Date(), 'creationDateAndTime'),
      },
      businessScope: { scope },
    },
    [type]: stripUndefined(body),
  };
}

/** @internal */
export function stripUndefined<T extends object>(body: T): T {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as T;
}
