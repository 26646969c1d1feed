import type { Conversation } from '../models/conversation.js';
import { conversationIdOf, messageIdOf, processOf, type StandardBusinessDocument, typeOf } from '../models/sbd.js';
import type { Direction, MessageStatus, ServiceIdentifier, Status } from '../models/status.js';

/**
 * The thin payload of every notification: identifiers and metadata to decide whether to fetch, never document
 * content, titles or personal identifiers.
 * @category RabbitMQ
 */
export interface NotificationData {
  /** The message id (`documentIdentification.instanceIdentifier`). */
  messageId: string;
  /** The conversation id, when known. */
  conversationId?: string | undefined;
  /** The status as the IP sends it (`LEVERT`, `INNKOMMENDE_MOTTATT`…); only on status notifications. */
  status?: Status | undefined;
  /** The numeric status id on the IP; only on status notifications. */
  statusId?: number | undefined;
  /** The status description (e.g. `ArkivmeldingKvittering: ERROR`); only on status notifications that have one. */
  description?: string | undefined;
  /** `OUTGOING` or `INCOMING`, when known. */
  direction?: Direction | undefined;
  /** `DPO`, `DPV`, `DPI`, `DPF`, `DPE`, `DPH`, when known. */
  serviceIdentifier?: ServiceIdentifier | undefined;
  /** The process URN, when known. */
  process?: string | undefined;
  /** The message type (`arkivmelding`, `arkivmelding_kvittering`, `avtalt`…), when known. */
  documentType?: string | undefined;
}

/**
 * One notification as a CloudEvents 1.0 event in JSON (structured mode). This is the body of every AMQP message
 * the bridge publishes; see {@link createNotificationBridge} for the full contract.
 * @category RabbitMQ
 */
export interface NotificationEvent {
  /** Always `'1.0'`. */
  specversion: '1.0';
  /**
   * Deterministic per source: `status-<statusId>` for a status, `incoming-<messageId>` for an arrived message. A
   * redelivery or a republish after a restart carries the same id, so consumers deduplicate on (`source`, `id`).
   */
  id: string;
  /** `<typePrefix>.message.status` or `<typePrefix>.message.incoming` (prefix `no.eformidling` by default). */
  type: string;
  /** Which IP this came from (a URI-reference; by default the IP's base URL without credentials). */
  source: string;
  /** Relative reference to fetch the details: `/api/statuses/<messageId>` or `/api/messages/in/<messageId>`. */
  subject: string;
  /** When it happened (RFC 3339): the status's `lastUpdate`, or the incoming message's creation time. */
  time: string;
  /** Always `'application/json'`. */
  datacontenttype: 'application/json';
  /** Ids and metadata only. */
  data: NotificationData;
  /**
   * The W3C trace context of the bridge's publish span (the CloudEvents distributed-tracing extension), present
   * only when the publishing application runs OpenTelemetry with a propagator registered. `consumeNotifications`
   * continues it; other consumers can pass it to their tracer.
   */
  traceparent?: string | undefined;
  /** The W3C `tracestate` that goes with {@link NotificationEvent.traceparent}, when the trace has one. */
  tracestate?: string | undefined;
}

/** Default CloudEvent `type` prefix. @category RabbitMQ */
export const DEFAULT_TYPE_PREFIX = 'no.eformidling';
/** Default routing-key prefix (`source.type` in IntArk's `source.type.object.event`). @category RabbitMQ */
export const DEFAULT_ROUTING_KEY_PREFIX = 'eformidling.event';
/** Default exchange name (a durable topic exchange). @category RabbitMQ */
export const DEFAULT_EXCHANGE = 'eformidling';
/** The AMQP `content-type` of published notifications (CloudEvents structured mode). @category RabbitMQ */
export const NOTIFICATION_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

/** Event type suffixes. @category RabbitMQ */
export const EVENT_KINDS = { status: 'message.status', incoming: 'message.incoming' } as const;

/**
 * How routing keys are made. Keys have the form `source.type.object.event`; each part is one word (dots inside a
 * value are replaced by `_`, and values are lower-cased) so that topic bindings with `*` and `#` work.
 * @category RabbitMQ
 */
export interface RoutingKeyOptions {
  /** The `source.type` part. @defaultValue `'eformidling.event'` */
  prefix?: string | undefined;
  /** Routing key of a status notification. @defaultValue `<prefix>.message.<status lower-cased>` */
  status?: ((event: NotificationEvent) => string) | undefined;
  /** Routing key of an incoming-message notification. @defaultValue `<prefix>.incoming.<documentType or unknown>` */
  incoming?: ((event: NotificationEvent) => string) | undefined;
}

/** One routing-key word: lower case, no dots or spaces. @category RabbitMQ */
export function routingWord(value: string | undefined): string {
  const word = (value ?? '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_');
  return word === '' ? 'unknown' : word;
}

/** Resolves routing-key options into one function. @internal */
export function routingKeyFor(options: RoutingKeyOptions = {}): (event: NotificationEvent) => string {
  const prefix = options.prefix ?? DEFAULT_ROUTING_KEY_PREFIX;
  return (event) => {
    if (event.type.endsWith(`.${EVENT_KINDS.incoming}`)) {
      return options.incoming ? options.incoming(event) : `${prefix}.incoming.${routingWord(event.data.documentType)}`;
    }
    return options.status ? options.status(event) : `${prefix}.message.${routingWord(event.data.status)}`;
  };
}

/** Facts about a message the bridge looked up (from its conversation), used to fill a status notification. @category RabbitMQ */
export type MessageFacts = Pick<Conversation, 'direction' | 'serviceIdentifier' | 'processIdentifier' | 'documentIdentifier'>;

/**
 * Builds the notification of one status.
 * @param status - the status from `GET /api/statuses`.
 * @param facts - direction, service and process from the message's conversation, when known.
 * @param context - `source` and `typePrefix`.
 * @category RabbitMQ
 */
export function statusNotification(
  status: MessageStatus,
  facts: MessageFacts | undefined,
  context: { source: string; typePrefix?: string | undefined },
): NotificationEvent {
  const messageId = status.messageId ?? '';
  return {
    specversion: '1.0',
    id: `status-${status.id}`,
    type: `${context.typePrefix ?? DEFAULT_TYPE_PREFIX}.${EVENT_KINDS.status}`,
    source: context.source,
    subject: `/api/statuses/${encodeURIComponent(messageId)}`,
    time: toRfc3339(status.lastUpdate),
    datacontenttype: 'application/json',
    data: compact({
      messageId,
      conversationId: status.conversationId,
      status: status.status,
      statusId: status.id,
      description: status.description,
      direction: facts?.direction,
      serviceIdentifier: facts?.serviceIdentifier,
      process: facts?.processIdentifier,
      documentType: documentTypeOf(facts?.documentIdentifier),
    }),
  };
}

/**
 * Builds the notification of a newly arrived incoming message from its SBD (never its content).
 * @param sbd - the SBD from `GET /api/messages/in`.
 * @param serviceIdentifier - the service, when known (the SBD does not say).
 * @param context - `source` and `typePrefix`.
 * @category RabbitMQ
 */
export function incomingNotification(
  sbd: StandardBusinessDocument,
  serviceIdentifier: ServiceIdentifier | undefined,
  context: { source: string; typePrefix?: string | undefined; now?: (() => Date) | undefined },
): NotificationEvent {
  const messageId = messageIdOf(sbd) ?? '';
  const created = sbd.standardBusinessDocumentHeader.documentIdentification.creationDateAndTime;
  return {
    specversion: '1.0',
    id: `incoming-${messageId}`,
    type: `${context.typePrefix ?? DEFAULT_TYPE_PREFIX}.${EVENT_KINDS.incoming}`,
    source: context.source,
    subject: `/api/messages/in/${encodeURIComponent(messageId)}`,
    time: typeof created === 'string' && created !== '' ? toRfc3339(created) : (context.now?.() ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data: compact({
      messageId,
      conversationId: conversationIdOf(sbd),
      direction: 'INCOMING',
      serviceIdentifier,
      process: processOf(sbd),
      documentType: typeOf(sbd),
    }),
  };
}

/**
 * True when a parsed body has the shape of a {@link NotificationEvent}.
 * @category RabbitMQ
 */
export function isNotificationEvent(value: unknown): value is NotificationEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const data = v.data as Record<string, unknown> | undefined;
  return (
    v.specversion === '1.0' &&
    typeof v.id === 'string' &&
    typeof v.type === 'string' &&
    typeof v.source === 'string' &&
    typeof data === 'object' &&
    data !== null &&
    typeof data.messageId === 'string'
  );
}

/** True for an incoming-message notification (any type prefix). @category RabbitMQ */
export function isIncomingNotification(event: NotificationEvent): boolean {
  return event.type.endsWith(`.${EVENT_KINDS.incoming}`);
}

/** True for a status notification (any type prefix). @category RabbitMQ */
export function isStatusNotification(event: NotificationEvent): boolean {
  return event.type.endsWith(`.${EVENT_KINDS.status}`);
}

/** `documentIdentifier` of a conversation is a document type URN ending in the type, e.g. `...::arkivmelding`. */
function documentTypeOf(documentIdentifier: string | undefined): string | undefined {
  if (!documentIdentifier) return undefined;
  const last = documentIdentifier.split(/::|:/).pop();
  return last === '' ? undefined : last;
}

function toRfc3339(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : value.includes('T') ? value : new Date(ms).toISOString();
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
