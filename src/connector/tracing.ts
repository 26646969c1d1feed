/**
 * Tracing across the broker. The bridge's PRODUCER span per publish writes its W3C trace context twice: on the
 * CloudEvent itself as the CloudEvents distributed-tracing extension attributes (`traceparent`, `tracestate`), which
 * travel with the event wherever it is forwarded, and as AMQP message headers, which tools that know AMQP but not
 * CloudEvents read. A consumer continues the event's trace context, else the headers'. Without OpenTelemetry, or with
 * no propagator registered, nothing is written and the events are exactly what they were.
 * @internal
 * @module
 */

import { CLOUDEVENTS, EFORMIDLING, MESSAGING } from '../observability/attributes.js';
import { count } from '../observability/metrics.js';
import { injectTraceContext, type OpenSpan, type SpanAttributes, startSpan } from '../observability/spans.js';
import type { NotificationEvent } from './events.js';

/** The CloudEvents distributed-tracing extension attribute names. @internal */
const TRACE_KEYS = ['traceparent', 'tracestate'] as const;

/** One publish in flight: its span, the event as published and the AMQP headers to send. @internal */
export interface TracedPublish {
  span: OpenSpan;
  /** The event with `traceparent`/`tracestate` when a trace context was injected; the same object otherwise. */
  event: NotificationEvent;
  /** `traceparent`, `tracestate` (and whatever else the application's propagator writes), or undefined. */
  headers: Record<string, string> | undefined;
}

/**
 * Starts the PRODUCER span of one publish (OpenTelemetry's messaging conventions: `publish <exchange>`) and puts
 * its trace context on the event and into the AMQP headers. @internal
 */
export function startPublish(event: NotificationEvent, exchange: string, routingKey: string): TracedPublish {
  const span = startSpan(`publish ${exchange}`, {
    kind: 'producer',
    attributes: () => ({
      ...messagingAttributes(exchange, routingKey, 'send', 'publish'),
      ...eventAttributes(event),
    }),
  });
  const carrier: Record<string, string> = {};
  span.run(() => injectTraceContext(carrier));
  if (carrier.traceparent === undefined) return { span, event, headers: undefined };
  const traced: NotificationEvent = { ...event, traceparent: carrier.traceparent };
  if (carrier.tracestate !== undefined) traced.tracestate = carrier.tracestate;
  return { span, event: traced, headers: carrier };
}

/** Counts one publish attempt (`error.type` when the broker did not take it, `unroutable` when it returned it). @internal */
export function countPublish(event: NotificationEvent, exchange: string, errorType?: string): void {
  count('messaging.client.sent.messages', {
    [MESSAGING.system]: 'rabbitmq',
    [MESSAGING.destination]: exchange,
    [MESSAGING.operationName]: 'publish',
    [CLOUDEVENTS.type]: event.type,
    'error.type': errorType,
  });
}

/**
 * The trace context a delivery continues: the event's distributed-tracing extension attributes when it has a
 * `traceparent`, else the AMQP headers (other headers, such as `baggage`, are kept either way). @internal
 */
export function deliveryCarrier(
  event: Readonly<Record<string, unknown>> | undefined,
  headers: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const carrier: Record<string, unknown> = { ...headers };
  if (event && typeof event.traceparent === 'string') {
    for (const key of TRACE_KEYS) carrier[key] = typeof event[key] === 'string' ? event[key] : undefined;
  }
  return carrier;
}

/** Where a delivery came from, for the consumer span. @internal */
export interface DeliverySource {
  exchange: string;
  routingKey: string;
  queue: string;
  deliveryTag: number;
  headers: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Starts the CONSUMER span of one delivery (`process <exchange>`), a child of the publish span whose trace context
 * the delivery carries; without one, a new trace (never a child of whatever was active when the connection opened).
 * @internal
 */
export function startDelivery(source: DeliverySource, event: NotificationEvent | undefined): OpenSpan {
  return startSpan(`process ${source.exchange}`, {
    kind: 'consumer',
    root: true,
    parent: deliveryCarrier(event as Readonly<Record<string, unknown>> | undefined, source.headers),
    attributes: () => ({
      ...messagingAttributes(source.exchange, source.routingKey, 'process', 'process'),
      [MESSAGING.consumerGroup]: source.queue,
      [MESSAGING.deliveryTag]: source.deliveryTag,
      ...(event ? eventAttributes(event) : {}),
    }),
  });
}

function messagingAttributes(exchange: string, routingKey: string, type: string, name: string): SpanAttributes {
  return {
    [MESSAGING.system]: 'rabbitmq',
    [MESSAGING.operation]: type,
    [MESSAGING.operationName]: name,
    [MESSAGING.destination]: exchange,
    [MESSAGING.routingKey]: routingKey === '' ? undefined : routingKey,
  };
}

/** Ids and type of a notification; its `data` carries no content, but only these fields become attributes. */
function eventAttributes(event: NotificationEvent): SpanAttributes {
  return {
    [MESSAGING.messageId]: event.id,
    [CLOUDEVENTS.id]: event.id,
    [CLOUDEVENTS.type]: event.type,
    [EFORMIDLING.messageId]: text(event.data.messageId),
    [EFORMIDLING.conversationId]: text(event.data.conversationId),
    [EFORMIDLING.status]: text(event.data.status),
    [EFORMIDLING.documentType]: text(event.data.documentType),
    [EFORMIDLING.service]: text(event.data.serviceIdentifier),
  };
}

/** A delivered event comes from any publisher: only non-empty strings become attributes. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
