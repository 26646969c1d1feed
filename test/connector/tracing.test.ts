/**
 * Trace context on notifications, with the real OpenTelemetry SDK: the CloudEvents distributed-tracing extension
 * attributes and the AMQP headers the bridge writes, and what a consumer continues. The broker round trip is in
 * tracing-broker.test.ts.
 */
import { context, trace } from '@opentelemetry/api';
import { type NotificationEvent, statusNotification } from 'eformidling/rabbitmq';
import { describe, expect, it } from 'vitest';
import { deliveryCarrier, startDelivery, startPublish } from '../../src/connector/tracing.js';
import { startSpan } from '../../src/observability/spans.js';
import { useOtel } from '../observability/otel.js';
import { LEVERT_STATUS } from './fixtures.js';

const otel = useOtel();

const event: NotificationEvent = statusNotification(LEVERT_STATUS, undefined, { source: 'https://ip.kommune.no:9093' });

const REMOTE_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const REMOTE_SPAN = '00f067aa0ba902b7';
const remote = (span = REMOTE_SPAN) => `00-${REMOTE_TRACE}-${span}-01`;
const delivery = (headers?: Record<string, unknown>) => ({
  exchange: 'eformidling',
  routingKey: 'eformidling.event.message.levert',
  queue: 'arkiv',
  deliveryTag: 7,
  headers,
});

describe('publishing with trace context', () => {
  it('puts the publish span on the event (traceparent) and in the AMQP headers, and leaves the original event alone', () => {
    const publish = startPublish(event, 'eformidling', 'eformidling.event.message.levert');
    publish.span.end();
    const [span] = otel.named('publish eformidling');
    const { traceId, spanId } = span?.spanContext() ?? { traceId: '', spanId: '' };
    expect(publish.event.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(publish.headers).toEqual({ traceparent: publish.event.traceparent });
    expect(publish.event).not.toHaveProperty('tracestate');
    expect({ ...publish.event, traceparent: undefined }).toEqual({ ...event, traceparent: undefined });
    expect(event).not.toHaveProperty('traceparent');
    // What the body carries is what the span says.
    expect(JSON.parse(JSON.stringify(publish.event)).traceparent).toBe(publish.event.traceparent);
    expect(span?.kind).toBe(3); // PRODUCER
    expect(span?.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'eformidling',
      'messaging.rabbitmq.destination.routing_key': 'eformidling.event.message.levert',
      'messaging.message.id': 'status-4630',
      'cloudevents.event_id': 'status-4630',
      'cloudevents.event_type': 'no.eformidling.message.status',
      'eformidling.message_id': '5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90',
      'eformidling.conversation_id': 'b4e9a1c2-0f6d-4c3b-8e27-91d5a6f3c0e1',
      'eformidling.status': 'LEVERT',
    });
  });

  it('is a child of the active span and carries its tracestate', () => {
    const parent = startSpan('cycle', { parent: { traceparent: remote(), tracestate: 'kommune=a1' } });
    const publish = parent.run(() => startPublish(event, 'eformidling', 'k'));
    publish.span.end();
    parent.end();
    const [span] = otel.named('publish eformidling');
    expect(span?.spanContext().traceId).toBe(REMOTE_TRACE);
    expect(span?.parentSpanContext?.spanId).toBe(otel.named('cycle')[0]?.spanContext().spanId);
    expect(publish.event.tracestate).toBe('kommune=a1');
    expect(publish.headers).toEqual({ traceparent: publish.event.traceparent, tracestate: 'kommune=a1' });
  });
});

describe('continuing a delivery', () => {
  it("prefers the event's traceparent over the AMQP header and keeps other headers such as baggage", () => {
    const carrier = deliveryCarrier(
      { ...event, traceparent: remote(), tracestate: 'a=1' },
      { traceparent: remote('1111111111111111'), tracestate: 'b=2', baggage: 'k=v' },
    );
    expect(carrier).toEqual({ traceparent: remote(), tracestate: 'a=1', baggage: 'k=v' });
    // An event traceparent without tracestate does not inherit the header's tracestate of another hop.
    expect(deliveryCarrier({ ...event, traceparent: remote() }, { tracestate: 'b=2' })).toEqual({
      traceparent: remote(),
      tracestate: undefined,
    });
    expect(deliveryCarrier(event as unknown as Record<string, unknown>, { traceparent: remote() })).toEqual({
      traceparent: remote(),
    });
    expect(deliveryCarrier(undefined, undefined)).toEqual({});
  });

  it('makes the CONSUMER span a child of the publish span named in the event', () => {
    startDelivery(delivery(), { ...event, traceparent: remote() }).end();
    const [span] = otel.named('process eformidling');
    expect(span?.kind).toBe(4); // CONSUMER
    expect(span?.spanContext().traceId).toBe(REMOTE_TRACE);
    expect(span?.parentSpanContext).toMatchObject({ traceId: REMOTE_TRACE, spanId: REMOTE_SPAN, isRemote: true });
    expect(span?.attributes).toMatchObject({
      'messaging.operation.type': 'process',
      'messaging.consumer.group.name': 'arkiv',
      'messaging.rabbitmq.message.delivery_tag': 7,
      'cloudevents.event_id': 'status-4630',
      'eformidling.message_id': '5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90',
    });
  });

  it('falls back to the AMQP header, also when the broker hands it over as bytes', () => {
    startDelivery(delivery({ traceparent: Buffer.from(remote()) }), event).end();
    expect(otel.named('process eformidling')[0]?.parentSpanContext?.spanId).toBe(REMOTE_SPAN);
  });

  it('starts a new trace without trace context, never a child of whatever was active when the connection opened', () => {
    const unrelated = trace.getTracer('app').startSpan('app start-up');
    context.with(trace.setSpan(context.active(), unrelated), () => startDelivery(delivery(), event).end());
    unrelated.end();
    const [span] = otel.named('process eformidling');
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.spanContext().traceId).not.toBe(unrelated.spanContext().traceId);
  });

  it('ignores a malformed traceparent instead of inventing a parent', () => {
    startDelivery(delivery(), { ...event, traceparent: 'not-a-traceparent' }).end();
    expect(otel.named('process eformidling')[0]?.parentSpanContext).toBeUndefined();
  });

  it('turns only string fields of a foreign event into attributes', () => {
    const foreign = { ...event, data: { messageId: 'm', conversationId: { nested: true }, status: 42 } } as unknown as NotificationEvent;
    startDelivery(delivery(), foreign).end();
    const attributes = otel.named('process eformidling')[0]?.attributes ?? {};
    expect(attributes['eformidling.message_id']).toBe('m');
    expect(attributes).not.toHaveProperty('eformidling.conversation_id');
    expect(attributes).not.toHaveProperty('eformidling.status');
  });
});
