/**
 * Without an OpenTelemetry set-up (the API installed, nothing registered, as in most applications), or with only a
 * propagator and no active trace, the bridge invents no trace context: the published event and its headers are
 * exactly what they were.
 */
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { type NotificationEvent, statusNotification } from 'eformidling/rabbitmq';
import { afterEach, describe, expect, it } from 'vitest';
import { startDelivery, startPublish } from '../../src/connector/tracing.js';

const event: NotificationEvent = statusNotification(
  { id: 1, lastUpdate: '2026-08-20T09:31:02.25+02:00', status: 'SENDT', convId: 1, messageId: 'm' },
  undefined,
  { source: 's' },
);

afterEach(() => propagation.disable());

describe('no OpenTelemetry registered', () => {
  it('publishes the event itself, without traceparent or headers', () => {
    const publish = startPublish(event, 'eformidling', 'eformidling.event.message.sendt');
    publish.span.end();
    expect(publish.event).toBe(event);
    expect(publish.headers).toBeUndefined();
    expect(JSON.stringify(publish.event)).not.toContain('traceparent');
  });

  it('writes nothing with a propagator registered but no trace running', () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const publish = startPublish(event, 'eformidling', 'k');
    publish.span.end();
    expect(publish.event).not.toHaveProperty('traceparent');
    expect(publish.headers).toBeUndefined();
  });

  it('runs the delivery work as it is, passing on what it returns', () => {
    const span = startDelivery({ exchange: 'e', routingKey: 'k', queue: 'q', deliveryTag: 1, headers: undefined }, event);
    expect(span.recording).toBe(false);
    expect(span.run(() => 42)).toBe(42);
    span.end(new Error('no-op'));
  });
});
