import { formatDateTime } from '../format.js';
import type { ConversationRecord, MessageRecord, StatusRecord, SubscriptionRecord } from '../model/index.js';

/**
 * The JSON views of the model's records, in the property order of the IP's entities (`MessageStatus`,
 * `Conversation`, `Subscription`); a message is shown as its SBD.
 * @module
 */

/** @internal */
export function sbdView(m: MessageRecord): unknown {
  return m.sbd;
}

/** @internal */
export function statusView(s: StatusRecord): Record<string, unknown> {
  return {
    id: s.id,
    lastUpdate: formatDateTime(s.lastUpdate),
    status: s.status,
    description: s.description,
    rawReceipt: s.rawReceipt,
    convId: s.conversation.id,
    messageId: s.conversation.messageId,
    conversationId: s.conversation.conversationId,
  };
}

/** @internal */
export function conversationView(c: ConversationRecord): Record<string, unknown> {
  return {
    id: c.id,
    conversationId: c.conversationId,
    messageId: c.messageId,
    sender: c.sender,
    senderIdentifier: c.senderIdentifier,
    receiver: c.receiver,
    receiverIdentifier: c.receiverIdentifier,
    processIdentifier: c.processIdentifier,
    documentIdentifier: c.documentIdentifier,
    messageReference: c.messageReference,
    messageTitle: c.messageTitle,
    lastUpdate: formatDateTime(c.lastUpdate),
    finished: c.finished,
    expiry: formatDateTime(c.expiry),
    direction: c.direction,
    serviceIdentifier: c.serviceIdentifier,
    messageStatuses: c.statuses.map((s) => ({
      id: s.id,
      lastUpdate: formatDateTime(s.lastUpdate),
      status: s.status,
      description: s.description,
    })),
  };
}

/** @internal */
export function subscriptionView(s: SubscriptionRecord): Record<string, unknown> {
  return { id: s.id, name: s.name, pushEndpoint: s.pushEndpoint, resource: s.resource, event: s.event, filter: s.filter };
}
