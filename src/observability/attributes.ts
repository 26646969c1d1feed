/**
 * Attribute names the SDK puts on spans and metrics. HTTP attributes follow the OpenTelemetry semantic conventions for
 * HTTP clients (stable since semconv 1.23); the `eformidling.*` names are the SDK's own, one per fact, so one search
 * for a message id finds every span of its story (send, statuses, receive, bridge).
 *
 * What never becomes an attribute: credentials (URLs are redacted, no header but `Retry-After` is copied), file
 * contents, SBD bodies, arkivmelding text.
 * @internal
 * @module
 */
import { conversationIdOf, messageIdOf, processOf, receiverOf, type StandardBusinessDocument, senderOf, typeOf } from '../models/sbd.js';
import type { SpanAttributes } from './spans.js';

/** OpenTelemetry's HTTP client semantic conventions. @internal */
export const HTTP = {
  method: 'http.request.method',
  statusCode: 'http.response.status_code',
  resendCount: 'http.request.resend_count',
  /** `Retry-After` as the IP sent it (semconv's `http.response.header.<name>`, a string array). */
  retryAfter: 'http.response.header.retry-after',
  urlFull: 'url.full',
  urlTemplate: 'url.template',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
  requestBodySize: 'http.request.body.size',
} as const;

/** OpenTelemetry's messaging semantic conventions, for the RabbitMQ connector. @internal */
export const MESSAGING = {
  system: 'messaging.system',
  operation: 'messaging.operation.type',
  destination: 'messaging.destination.name',
  operationName: 'messaging.operation.name',
  routingKey: 'messaging.rabbitmq.destination.routing_key',
  deliveryTag: 'messaging.rabbitmq.message.delivery_tag',
  messageId: 'messaging.message.id',
  /** The consumer's queue, shared by the instances of one consuming system. */
  consumerGroup: 'messaging.consumer.group.name',
} as const;

/** OpenTelemetry's CloudEvents semantic conventions, for the notifications the connector publishes. @internal */
export const CLOUDEVENTS = {
  id: 'cloudevents.event_id',
  type: 'cloudevents.event_type',
} as const;

/** The SDK's own attributes. @internal */
export const EFORMIDLING = {
  messageId: 'eformidling.message_id',
  conversationId: 'eformidling.conversation_id',
  service: 'eformidling.service',
  process: 'eformidling.process',
  documentType: 'eformidling.document_type',
  /** The message type (`documentIdentification.type`), e.g. `arkivmelding`, `innsynskrav`. */
  messageType: 'eformidling.message_type',
  sender: 'eformidling.sender',
  receiver: 'eformidling.receiver',
  strategy: 'eformidling.send.strategy',
  fileCount: 'eformidling.send.file_count',
  bytes: 'eformidling.send.bytes',
  /** A `resumeSend()`: the message was kept after an earlier failure. */
  resumed: 'eformidling.send.resumed',
  /** Where a message failed (`messages.failed`): `send`, `receive` or `status`. */
  stage: 'eformidling.stage',
  /** The step of the workflow that failed: a `SendError`'s step, a receive stage (`pop`, `handler`, `delete`…). */
  step: 'eformidling.step',
  /** Which delivery to a handler this is (1 for the first). */
  attempt: 'eformidling.receive.attempt',
  /** The ASiC-E's size in bytes. */
  asicBytes: 'eformidling.receive.asic_bytes',
  status: 'eformidling.status',
  outcome: 'eformidling.outcome',
  lockRemainingMs: 'eformidling.receive.lock_remaining_ms',
  trackedCount: 'eformidling.tracker.tracked',
  /** A tracking strategy (`per-id`, `search`, `queue`). */
  trackStrategy: 'eformidling.tracker.strategy',
  changes: 'eformidling.tracker.changes',
  eventType: 'eformidling.event.type',
  bridgeStatuses: 'eformidling.bridge.statuses',
  bridgeIncoming: 'eformidling.bridge.incoming',
  /** `INCOMING` or `OUTGOING` (a webhook event's direction). */
  direction: 'eformidling.direction',
} as const;

/** The ids and routing facts of a message, as span attributes (never its contents). @internal */
export function messageAttributes(sbd: StandardBusinessDocument): SpanAttributes {
  return {
    [EFORMIDLING.messageId]: messageIdOf(sbd),
    [EFORMIDLING.conversationId]: conversationIdOf(sbd),
    [EFORMIDLING.process]: processOf(sbd),
    [EFORMIDLING.messageType]: typeOf(sbd),
    [EFORMIDLING.documentType]: sbd.standardBusinessDocumentHeader.documentIdentification.standard,
    [EFORMIDLING.sender]: senderOf(sbd),
    [EFORMIDLING.receiver]: receiverOf(sbd),
  };
}
