/**
 * One trace across a real RabbitMQ (a private broker, see broker.ts) with the real OpenTelemetry SDK: the bridge's
 * poll of the simulator's IP → its publish → the consumer's delivery → the application's own spans in the handler.
 */
import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { IntegrasjonspunktClient } from 'eformidling';
import {
  consumeNotifications,
  createNotificationBridge,
  fetchIncoming,
  type NotificationBridge,
  type NotificationConsumer,
  type NotificationEvent,
  RetryNotificationLater,
} from 'eformidling/rabbitmq';
import type { Connection } from 'rabbitmq-client';
import { afterEach, describe, expect, it } from 'vitest';
import { services } from '../helpers/services.js';
import { useOtel } from '../observability/otel.js';
import { type BrokerNetwork, receiveAll, sendArkivmelding, startBrokerNetwork, until } from './fixtures.js';

const otel = useOtel();
const app = trace.getTracer('archive-app');

/** Filled while the suite runs (startBrokerNetwork). */
const net = {} as BrokerNetwork;
const running: Array<NotificationBridge | NotificationConsumer | Pick<Connection, 'close'>> = [];

const newExchange = () => `efm.trace.${randomUUID().slice(0, 8)}`;

function bridge(ip: IntegrasjonspunktClient, exchange: string, events: { statuses: boolean; incoming: boolean }): NotificationBridge {
  const b = createNotificationBridge({ ip, amqpUrl: net.broker.url, exchange, events, startFrom: 'now', pollIntervalMs: 50 });
  running.push(b);
  return b;
}

function consume(exchange: string, bindings: string[], handler: Parameters<typeof consumeNotifications>[0]['handler']) {
  const c = consumeNotifications({ amqpUrl: net.broker.url, exchange, queue: `${exchange}.app`, bindings, retryDelayMs: 0, handler });
  running.push(c);
  return c;
}

/** The handler's own work, as an application traces it: a span of its own, made with its own tracer. */
function appSpan<T>(name: string, work: () => Promise<T> | T): Promise<T> {
  return app.startActiveSpan(name, async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
}

const withAttribute = (spans: ReadableSpan[], key: string, value: unknown) => spans.filter((s) => s.attributes[key] === value);
const idsOf = (span: ReadableSpan | undefined) => ({ traceId: span?.spanContext().traceId, spanId: span?.spanContext().spanId });
const parentOf = (span: ReadableSpan | undefined) => span?.parentSpanContext?.spanId;

describe.skipIf(!services().rabbitmq)('one trace across the broker', () => {
  startBrokerNetwork(net);

  afterEach(async () => {
    for (const r of running.splice(0)) await ('stop' in r ? r.stop() : r.close());
    await until(() => net.sim.simulator.deliverAll() === 0, 'carrier drained');
    await receiveAll(net.receiver);
  });

  it("links the bridge's poll, its publish, the delivery and the handler's own span in one trace", async () => {
    const exchange = newExchange();
    const handled: NotificationEvent[] = [];
    const c = consume(exchange, ['eformidling.event.message.*'], (event) =>
      appSpan('archive status', () => {
        handled.push(event);
      }),
    );
    // A second subscriber that looks at the raw AMQP message: the trace context is in its headers as well.
    const { Connection } = await import('rabbitmq-client');
    const raw = new Connection(net.broker.url);
    const headers = new Map<string, Record<string, unknown> | undefined>();
    const rawConsumer = raw.createConsumer(
      {
        queue: `${exchange}.raw`,
        exchanges: [{ exchange, type: 'topic', durable: true }],
        queueBindings: [{ exchange, routingKey: 'eformidling.event.#' }],
      },
      (message) => {
        headers.set(message.messageId ?? '', message.headers);
      },
    );
    running.push(rawConsumer, raw);
    await Promise.all([c.ready, new Promise((resolve) => rawConsumer.once('ready', resolve))]);
    const b = bridge(net.sender, exchange, { statuses: true, incoming: false });
    await until(() => b.stats.cycles >= 1, 'first cycle');

    const messageId = await sendArkivmelding(net.sender);
    await until(() => handled.some((e) => e.data.messageId === messageId && e.data.status === 'OPPRETTET'), 'OPPRETTET handled');
    const event = handled.find((e) => e.data.messageId === messageId && e.data.status === 'OPPRETTET') as NotificationEvent;
    await until(() => headers.has(event.id), 'the raw copy');
    await until(() => withAttribute(otel.named(`process ${exchange}`), 'cloudevents.event_id', event.id).length === 1, 'the delivery span');
    // The publish span ends at the broker's confirm, which may come after the consumer had the message.
    await until(() => withAttribute(otel.named(`publish ${exchange}`), 'cloudevents.event_id', event.id).length === 1, 'the publish span');

    const [publish] = withAttribute(otel.named(`publish ${exchange}`), 'cloudevents.event_id', event.id);
    const cycleOf = () => otel.named('eformidling.bridge.cycle').find((s) => idsOf(s).spanId === parentOf(publish));
    // The cycle's span ends after its last publish is confirmed (and its state written): later still.
    await until(() => cycleOf() !== undefined, 'the cycle span');
    const [delivery] = withAttribute(otel.named(`process ${exchange}`), 'cloudevents.event_id', event.id);
    const handler = otel.named('archive status').find((s) => parentOf(s) === idsOf(delivery).spanId);
    const cycle = cycleOf();

    // The CloudEvent and the AMQP headers carry the publish span.
    const { traceId, spanId } = idsOf(publish);
    expect(event.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(headers.get(event.id)?.traceparent).toBe(event.traceparent);
    // cycle → publish → (broker) → process → the application's span, one trace.
    expect(cycle?.parentSpanContext).toBeUndefined();
    expect(parentOf(delivery)).toBe(spanId);
    expect(handler).toBeDefined();
    for (const span of [cycle, delivery, handler]) expect(idsOf(span).traceId).toBe(traceId);
    // The poll's request to the IP is in the same trace, below the cycle.
    expect(otel.children(cycle as ReadableSpan).map((s) => s.name)).toContain('GET /api/statuses');
    expect(cycle?.attributes['eformidling.bridge.statuses']).toBeGreaterThanOrEqual(1);
    expect(publish?.kind).toBe(3); // PRODUCER
    expect(delivery?.kind).toBe(4); // CONSUMER
    expect(publish?.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.destination.name': exchange,
      'messaging.rabbitmq.destination.routing_key': 'eformidling.event.message.opprettet',
      'cloudevents.event_type': 'no.eformidling.message.status',
      'eformidling.message_id': messageId,
      'eformidling.conversation_id': event.data.conversationId,
      'eformidling.status': 'OPPRETTET',
      'eformidling.outcome': 'published',
    });
    expect(delivery?.attributes).toMatchObject({
      'messaging.consumer.group.name': `${exchange}.app`,
      'eformidling.message_id': messageId,
      'eformidling.outcome': 'ack',
    });
    expect(
      await otel.metric('messaging.client.sent.messages', {
        'messaging.destination.name': exchange,
        'cloudevents.event_type': 'no.eformidling.message.status',
        'error.type': undefined,
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("runs fetchIncoming's requests to the IP inside the delivery, next to the handler's own span", async () => {
    const exchange = newExchange();
    const fetched: string[] = [];
    const c = consume(
      exchange,
      ['eformidling.event.incoming.#'],
      fetchIncoming(net.receiver, ({ messageId, download }) =>
        appSpan('store message', async () => {
          await download?.arrayBuffer();
          fetched.push(messageId);
        }),
      ),
    );
    await c.ready;
    const b = bridge(net.receiver, exchange, { statuses: false, incoming: true });
    await until(() => b.stats.cycles >= 1, 'first cycle');
    const messageId = await sendArkivmelding(net.sender);
    await until(() => fetched.includes(messageId), 'the message fetched');
    const eventId = `incoming-${messageId}`;
    await until(() => withAttribute(otel.named(`process ${exchange}`), 'cloudevents.event_id', eventId).length === 1, 'the delivery span');
    await until(() => withAttribute(otel.named(`publish ${exchange}`), 'cloudevents.event_id', eventId).length === 1, 'the publish span');

    const [delivery] = withAttribute(otel.named(`process ${exchange}`), 'cloudevents.event_id', eventId);
    const [publish] = withAttribute(otel.named(`publish ${exchange}`), 'cloudevents.event_id', eventId);
    expect(parentOf(delivery)).toBe(idsOf(publish).spanId);
    expect(otel.tree(delivery as ReadableSpan)).toEqual([
      `process ${exchange}`,
      '  GET /api/messages/in/peek',
      '  GET /api/messages/in/pop/{messageId}',
      '  store message',
      '  DELETE /api/messages/in/{messageId}',
    ]);
    for (const span of otel.children(delivery as ReadableSpan)) expect(idsOf(span).traceId).toBe(idsOf(publish).traceId);
  });

  it('records each delivery attempt as its own span with its outcome, all children of the one publish', async () => {
    const exchange = newExchange();
    let attempts = 0;
    let acked: NotificationEvent | undefined;
    const c = consume(exchange, ['eformidling.event.message.opprettet'], (event) => {
      attempts += 1;
      if (attempts === 1) throw new Error('archive is down');
      if (attempts === 2) throw new RetryNotificationLater('locked elsewhere');
      acked = event;
    });
    await c.ready;
    const b = bridge(net.sender, exchange, { statuses: true, incoming: false });
    await until(() => b.stats.cycles >= 1, 'first cycle');
    await sendArkivmelding(net.sender);
    await until(() => acked !== undefined, 'acked on the third delivery');
    const id = acked?.id;
    await until(() => withAttribute(otel.named(`process ${exchange}`), 'cloudevents.event_id', id).length === 3, 'three delivery spans');
    await until(() => withAttribute(otel.named(`publish ${exchange}`), 'cloudevents.event_id', id).length === 1, 'the publish span');

    const deliveries = withAttribute(otel.named(`process ${exchange}`), 'cloudevents.event_id', id).sort(
      (x, y) => x.startTime[0] - y.startTime[0] || x.startTime[1] - y.startTime[1],
    );
    const [publish] = withAttribute(otel.named(`publish ${exchange}`), 'cloudevents.event_id', id);
    expect(deliveries.map((d) => parentOf(d))).toEqual(Array(3).fill(idsOf(publish).spanId));
    expect(deliveries.map((d) => d.attributes['eformidling.outcome'])).toEqual(['requeue', 'requeue', 'ack']);
    expect(deliveries.map((d) => d.status.code)).toEqual([2, 0, 0]); // ERROR for the failure, not for "retry later"
    expect(deliveries[0]?.attributes['error.type']).toBe('Error');
    expect(deliveries[1]?.events.map((e) => e.name)).toEqual(['retry later']);
  });

  it("continues a trace from the AMQP header when another publisher's event has no traceparent", async () => {
    const exchange = newExchange();
    const handled: NotificationEvent[] = [];
    const c = consume(exchange, ['eformidling.event.#'], (event) => {
      handled.push(event);
    });
    await c.ready;
    const { Connection } = await import('rabbitmq-client');
    const raw = new Connection(net.broker.url);
    const publisher = raw.createPublisher({ confirm: true });
    running.push(publisher, raw);
    const origin = app.startSpan('other publisher');
    const { traceId, spanId } = origin.spanContext();
    const body = { specversion: '1.0', id: 'status-9', type: 'no.eformidling.message.status', source: 's', data: { messageId: 'm9' } };
    await publisher.send(
      { exchange, routingKey: 'eformidling.event.message.levert', headers: { traceparent: `00-${traceId}-${spanId}-01` } },
      JSON.stringify(body),
    );
    origin.end();
    await until(() => handled.length === 1, 'the notification');
    await until(() => otel.named(`process ${exchange}`).length === 1, 'the delivery span');
    expect(handled[0]).not.toHaveProperty('traceparent');
    expect(otel.named(`process ${exchange}`)[0]?.parentSpanContext).toMatchObject({ traceId, spanId });
  });

  it('marks a notification nobody is bound for as returned, on the span and in the metric', async () => {
    const exchange = newExchange(); // declared by the bridge, no queue bound
    const returned: NotificationEvent[] = [];
    const b = bridge(net.sender, exchange, { statuses: true, incoming: false });
    b.on('returned', (event) => returned.push(event));
    await until(() => b.stats.cycles >= 1, 'first cycle');
    await sendArkivmelding(net.sender);
    await until(() => returned.length >= 1, 'a returned notification');
    const [span] = withAttribute(otel.named(`publish ${exchange}`), 'cloudevents.event_id', returned[0]?.id);
    expect(span?.attributes['eformidling.outcome']).toBe('returned');
    expect(returned[0]?.traceparent).toBe(`00-${idsOf(span).traceId}-${idsOf(span).spanId}-01`);
    expect(
      await otel.metric('messaging.client.sent.messages', { 'messaging.destination.name': exchange, 'error.type': 'unroutable' }),
    ).toBeGreaterThanOrEqual(1);
  });
});
