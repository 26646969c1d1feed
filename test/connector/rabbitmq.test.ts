/**
 * The connector against a real RabbitMQ (a private broker on 127.0.0.1, see broker.ts) and the IP simulator's HTTP
 * server. Each test uses its own exchange and queues.
 */
import { randomUUID } from 'node:crypto';
import {
  type BridgeRetry,
  consumeNotifications,
  createNotificationBridge,
  fetchIncoming,
  MemoryBridgeStateStore,
  type NotificationBridge,
  type NotificationConsumer,
} from 'eformidling/rabbitmq';
import { afterEach, describe, expect, it } from 'vitest';
import { services } from '../helpers/services.js';
import {
  ARKIVMELDING_PROCESS,
  allStatuses,
  type BrokerNetwork,
  type Received,
  receiveAll,
  SENDER,
  sendArkivmelding,
  startBrokerNetwork,
  until,
} from './fixtures.js';

/** Filled while the suite runs (startBrokerNetwork). */
const net = {} as BrokerNetwork;
const running: Array<NotificationBridge | NotificationConsumer> = [];

function bridge(options: Partial<Parameters<typeof createNotificationBridge>[0]> & { exchange: string }): NotificationBridge {
  const b = createNotificationBridge({
    ip: net.sender,
    amqpUrl: net.broker.url,
    pollIntervalMs: 50,
    retry: { minDelayMs: 50, maxDelayMs: 500 },
    reconnect: { minDelayMs: 50, maxDelayMs: 500 },
    ...options,
  });
  running.push(b);
  return b;
}

function consumer(
  exchange: string,
  bindings: string[],
  onEvent: (r: Received) => Promise<void> | void = () => {},
  extra: Partial<Parameters<typeof consumeNotifications>[0]> = {},
): { consumer: NotificationConsumer; received: Received[] } {
  const received: Received[] = [];
  const c = consumeNotifications({
    amqpUrl: net.broker.url,
    exchange,
    queue: `${exchange}.${randomUUID().slice(0, 8)}`,
    bindings,
    prefetch: 20,
    retryDelayMs: 10,
    reconnect: { minDelayMs: 50, maxDelayMs: 500 },
    handler: async (event, delivery) => {
      const r = { event, routingKey: delivery.routingKey, redelivered: delivery.redelivered };
      await onEvent(r);
      received.push(r);
    },
    ...extra,
  });
  running.push(c);
  return { consumer: c, received };
}

const newExchange = () => `efm.test.${randomUUID().slice(0, 8)}`;
const countBy = <T>(items: T[], key: (t: T) => string) =>
  items.reduce((m, t) => m.set(key(t), (m.get(key(t)) ?? 0) + 1), new Map<string, number>());

async function cycles(b: NotificationBridge, n: number): Promise<void> {
  const target = b.stats.cycles + n;
  b.pollNow();
  await until(() => b.stats.cycles >= target, `${n} more bridge cycles`);
}

// Needs Debian's rabbitmq-server; without it the suite is skipped with one notice (test/helpers/services.ts).
describe.skipIf(!services().rabbitmq)('notification bridge on RabbitMQ', () => {
  startBrokerNetwork(net);

  afterEach(async () => {
    for (const r of running.splice(0)) await ('stop' in r ? r.stop() : r.close());
  });

  it('publishes every status once per consumer queue, with the contract routing keys and bodies', async () => {
    const exchange = newExchange();
    const all = consumer(exchange, ['eformidling.event.message.*']);
    const delivered = consumer(exchange, ['eformidling.event.message.levert']);
    await Promise.all([all.consumer.ready, delivered.consumer.ready]);
    const b = bridge({ exchange, events: { statuses: true, incoming: false }, startFrom: 'now' });
    await until(() => b.stats.cycles >= 1, 'first cycle');

    const ids = [await sendArkivmelding(net.sender), await sendArkivmelding(net.sender), await sendArkivmelding(net.sender)];
    await until(async () => (await net.receiver.incoming.list().byPage().next()).value?.content.length === 3, 'arrival at the receiver');
    await receiveAll(net.receiver);
    const expected = async () => (await allStatuses(net.sender)).filter((s) => ids.includes(s.messageId ?? ''));
    await until(async () => (await expected()).filter((s) => s.status === 'LEVERT').length === 3, 'LEVERT at the sender');
    const statuses = await expected();
    await until(() => all.received.length >= statuses.length, 'all statuses at the first consumer');
    await until(() => delivered.received.length >= 3, 'LEVERT at the second consumer');
    await cycles(b, 2);

    // Every status exactly once in the first queue, with its routing key and a thin CloudEvent body.
    expect(all.received).toHaveLength(statuses.length);
    expect([...countBy(all.received, (r) => r.event.id).values()].every((n) => n === 1)).toBe(true);
    for (const status of statuses) {
      const got = all.received.find((r) => r.event.id === `status-${status.id}`);
      expect(got, `status ${status.id} ${status.status}`).toBeDefined();
      expect(got!.routingKey).toBe(`eformidling.event.message.${status.status.toLowerCase()}`);
      expect(got!.event).toMatchObject({
        specversion: '1.0',
        type: 'no.eformidling.message.status',
        source: net.sender.baseUrl,
        subject: `/api/statuses/${status.messageId}`,
        time: status.lastUpdate,
        datacontenttype: 'application/json',
        data: {
          messageId: status.messageId,
          conversationId: status.conversationId,
          status: status.status,
          statusId: status.id,
          direction: 'OUTGOING',
          serviceIdentifier: 'DPO',
          process: ARKIVMELDING_PROCESS,
        },
      });
    }
    // No OpenTelemetry registered in this suite: no trace context is invented.
    for (const r of all.received) expect(r.event).not.toHaveProperty('traceparent');
    expect(new Set(statuses.map((s) => s.status))).toEqual(new Set(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']));
    // The second queue only got what it bound.
    expect(delivered.received.map((r) => r.routingKey)).toEqual(Array(3).fill('eformidling.event.message.levert'));
    expect(new Set(delivered.received.map((r) => r.event.data.messageId))).toEqual(new Set(ids));
  });

  it('announces each newly arrived message once, with its document type in the routing key', async () => {
    const exchange = newExchange();
    const incoming = consumer(exchange, ['eformidling.event.incoming.#']);
    await incoming.consumer.ready;
    const store = new MemoryBridgeStateStore();
    const b = bridge({ ip: net.receiver, exchange, store, events: { incoming: true, statuses: false } });
    await until(() => b.stats.cycles >= 1, 'first cycle');
    await receiveAll(net.receiver); // start from an empty in-queue
    await cycles(b, 1);
    const before = incoming.received.length;

    const ids = [await sendArkivmelding(net.sender), await sendArkivmelding(net.sender)];
    await until(() => incoming.received.length >= before + 2, 'two incoming notifications');
    await cycles(b, 2);
    const fresh = incoming.received.slice(before);
    expect(fresh.map((r) => r.event.id).sort()).toEqual(ids.map((id) => `incoming-${id}`).sort());
    for (const r of fresh) {
      expect(r.routingKey).toBe('eformidling.event.incoming.arkivmelding');
      expect(r.event).toMatchObject({
        type: 'no.eformidling.message.incoming',
        subject: `/api/messages/in/${r.event.data.messageId}`,
        data: { direction: 'INCOMING', documentType: 'arkivmelding', process: ARKIVMELDING_PROCESS, serviceIdentifier: 'DPO' },
      });
    }
    // A new bridge with the same store does not announce them again.
    await b.stop();
    const again = bridge({ ip: net.receiver, exchange, store, events: { incoming: true, statuses: false } });
    await until(() => again.stats.cycles >= 2, 'two cycles of the second bridge');
    expect(again.stats.published).toBe(0);
    await receiveAll(net.receiver);
  });

  it('loses nothing when the broker restarts in the middle of publishing', async () => {
    const exchange = newExchange();
    const seen = consumer(exchange, ['eformidling.event.#']);
    await seen.consumer.ready;
    const b = bridge({ exchange, events: { statuses: true, incoming: false }, startFrom: 'now' });
    await until(() => b.stats.cycles >= 1, 'first cycle');

    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await sendArkivmelding(net.sender));
    await until(() => seen.received.length > 0, 'the first notifications');
    await net.broker.stop();
    // While the broker is down, more statuses happen on the IP.
    for (let i = 0; i < 5; i++) ids.push(await sendArkivmelding(net.sender));
    await until(async () => (await net.receiver.incoming.list().byPage().next()).value?.content.length === 10, 'arrival');
    await receiveAll(net.receiver);
    await net.broker.start();

    const expected = async () => (await allStatuses(net.sender)).filter((s) => ids.includes(s.messageId ?? ''));
    await until(async () => (await expected()).filter((s) => s.status === 'LEVERT').length === 10, 'LEVERT at the sender');
    const statuses = await expected();
    const wanted = new Set(statuses.map((s) => `status-${s.id}`));
    await until(() => [...wanted].every((id) => seen.received.some((r) => r.event.id === id)), 'every status after recovery', 60_000);
    expect(statuses.length).toBe(40);
    const ours = seen.received.filter((r) => ids.includes(r.event.data.messageId));
    expect(new Set(ours.map((r) => r.event.id))).toEqual(wanted);
  }, 120_000);

  it('delivers a notification again when the consumer handler fails', async () => {
    const exchange = newExchange();
    const failedOnce = new Set<string>();
    const flaky = consumer(
      exchange,
      ['eformidling.event.message.opprettet'],
      (r) => {
        if (!failedOnce.has(r.event.id)) {
          failedOnce.add(r.event.id);
          if (failedOnce.size === 2) throw 'archive is down'; // a handler may throw anything
          throw new Error('archive is down');
        }
      },
      { retryDelayMs: 0 }, // requeue at once
    );
    const errors: Error[] = [];
    flaky.consumer.on('error', (e) => errors.push(e));
    await flaky.consumer.ready;
    const b = bridge({ exchange, events: { statuses: true, incoming: false }, startFrom: 'now' });
    await until(() => b.stats.cycles >= 1, 'first cycle');
    await sendArkivmelding(net.sender);
    await sendArkivmelding(net.sender);
    await until(() => flaky.received.length >= 2, 'handled after a retry');
    expect(flaky.received.every((r) => r.redelivered)).toBe(true);
    expect(failedOnce.size).toBe(2);
    expect(errors.map((e) => e.message)).toEqual(['archive is down', 'archive is down']);
    expect(flaky.consumer.stats).toMatchObject({ acked: 2, requeued: 2 });
    await until(() => net.sim.simulator.deliverAll() === 0, 'carrier drained');
    await receiveAll(net.receiver);
  });

  it('notify-then-fetch: two workers on one IP never handle one message twice', async () => {
    const exchange = newExchange();
    await receiveAll(net.receiver);
    const handled: Array<{ worker: string; messageId: string; bytes: number }> = [];
    const worker = (name: string) =>
      consumeNotifications({
        amqpUrl: net.broker.url,
        exchange,
        queue: `${exchange}.${name}`,
        bindings: ['eformidling.event.incoming.#'],
        prefetch: 5,
        retryDelayMs: 20,
        handler: fetchIncoming(net.receiver, async ({ messageId, download }) => {
          const bytes = (await download?.arrayBuffer())?.byteLength ?? 0;
          await new Promise((r) => setTimeout(r, 15)); // hold the lock a moment so the other worker collides
          handled.push({ worker: name, messageId, bytes });
        }),
      });
    const workers = [worker('a'), worker('b')];
    running.push(...workers);
    await Promise.all(workers.map((w) => w.ready));
    const b = bridge({ ip: net.receiver, exchange, events: { incoming: true, statuses: false } });
    await until(() => b.stats.cycles >= 1, 'first cycle');

    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await sendArkivmelding(net.sender));
    await until(() => handled.length >= 8, 'all messages handled');
    // Both workers got every notification; the one that lost the IP lock acks without handling.
    await until(() => workers.every((w) => w.stats.acked === 8), 'both workers done');
    await cycles(b, 2);
    expect(handled.map((h) => h.messageId).sort()).toEqual([...ids].sort());
    expect(new Set(handled.map((h) => h.messageId)).size).toBe(8);
    expect(handled.every((h) => h.bytes > 0)).toBe(true);
    expect((await net.receiver.incoming.list().byPage().next()).value?.content ?? []).toEqual([]);
  });

  it('backs off while the IP fails and then publishes what it missed', async () => {
    const exchange = newExchange();
    const seen = consumer(exchange, ['eformidling.event.message.*']);
    await seen.consumer.ready;
    const errors: Error[] = [];
    const retries: BridgeRetry[] = [];
    // enrich: false — no conversation look-ups; the notifications carry what the status itself says.
    const b = bridge({ exchange, events: { statuses: true, incoming: false }, startFrom: 'now', enrich: false });
    b.on('error', (e) => errors.push(e));
    b.on('retry', (r) => retries.push(r));
    await until(() => b.stats.cycles >= 1, 'first cycle');
    const id = await sendArkivmelding(net.sender);
    net.sim.simulator.faults.failNext({ org: SENDER, method: 'GET', path: '/api/statuses', status: 503, times: 6 });
    await until(() => errors.length >= 1, 'a failed cycle');
    await until(() => seen.received.some((r) => r.event.data.messageId === id && r.event.data.status === 'SENDT'), 'SENDT after recovery');
    expect(b.stats.failures).toBeGreaterThanOrEqual(1);
    expect(errors[0]?.name).toBe('ServerError');
    expect(retries[0]).toMatchObject({ stage: 'cycle', attempt: 1, error: errors[0] });
    expect(retries.map((r) => r.attempt)).toEqual(retries.map((_r, i) => i + 1)); // failures in a row, counted
    for (const r of retries) expect(r.delayMs).toBeLessThanOrEqual(500); // within the configured retry.maxDelayMs
    expect(seen.received.find((r) => r.event.data.messageId === id)?.event.data).not.toHaveProperty('serviceIdentifier');
    await until(() => net.sim.simulator.deliverAll() === 0, 'carrier drained');
    await receiveAll(net.receiver);
  });

  it('drops a message that is not a notification instead of redelivering it forever', async () => {
    const exchange = newExchange();
    const errors: Error[] = [];
    const c = consumer(exchange, ['eformidling.event.#']);
    c.consumer.on('error', (e) => errors.push(e));
    await c.consumer.ready;
    const { Connection } = await import('rabbitmq-client');
    const raw = new Connection(net.broker.url);
    const pub = raw.createPublisher({ confirm: true });
    await pub.send({ exchange, routingKey: 'eformidling.event.message.levert' }, Buffer.from('not json'));
    await pub.send({ exchange, routingKey: 'eformidling.event.message.levert', contentType: 'application/json' }, { hello: 'world' });
    await until(() => c.consumer.stats.dropped === 2, 'two dropped messages');
    expect(c.received).toEqual([]);
    // A notification sent as text (another publisher's choice of content type) is still understood.
    const valid = { specversion: '1.0', id: 'status-1', type: 'no.eformidling.message.status', source: 's', data: { messageId: 'm' } };
    await pub.send({ exchange, routingKey: 'eformidling.event.message.levert' }, JSON.stringify(valid));
    await until(() => c.received.length === 1, 'the text notification');
    expect(c.received[0]?.event).toEqual(valid);
    expect(errors.map((e) => e.name)).toEqual(['InvalidNotificationError', 'InvalidNotificationError']);
    await pub.close();
    await raw.close();
  });

  it("holds the position on unroutable notifications with unroutable: 'retry' until a queue is bound", async () => {
    const exchange = newExchange();
    const owner = consumer(exchange, ['nothing.matches.this']); // provisions the exchange
    await owner.consumer.ready;
    const errors: Error[] = [];
    const b = bridge({ exchange, unroutable: 'retry', events: { statuses: true, incoming: false }, startFrom: 'now' });
    b.on('error', (e) => errors.push(e));
    await until(() => b.stats.cycles >= 1, 'first cycle');
    const id = await sendArkivmelding(net.sender);
    await until(() => errors.some((e) => e.name === 'UnroutableNotificationError'), 'an unroutable retry');
    const late = consumer(exchange, ['eformidling.event.message.opprettet']);
    await late.consumer.ready;
    await until(() => late.received.some((r) => r.event.data.messageId === id), 'OPPRETTET once a queue is bound');
    expect(errors[0]?.message).toMatch(/eformidling\.event\.message\.opprettet/);
    await until(() => net.sim.simulator.deliverAll() === 0, 'carrier drained');
    await receiveAll(net.receiver);
  });

  it('stops with an error on bad broker credentials, and not at all when aborted before start', async () => {
    const refused = bridge({ exchange: newExchange(), amqpUrl: net.broker.url.replace('guest:guest', 'guest:wrong') });
    await expect(refused.done).rejects.toMatchObject({ code: 'ACCESS_REFUSED' });
    const aborted = bridge({ exchange: newExchange(), signal: AbortSignal.abort() });
    await expect(aborted.done).resolves.toBeUndefined();
    expect(aborted.stats.cycles).toBe(0);
  });

  it('reports a consumer whose exchange is missing, and closes on abort', async () => {
    const controller = new AbortController();
    const errors: Error[] = [];
    const c = consumer(newExchange(), ['eformidling.event.#'], () => {}, { exchangeMode: 'passive', signal: controller.signal });
    c.consumer.on('error', (e) => errors.push(e));
    await until(() => errors.length >= 1, 'a consumer error');
    expect(errors[0]?.message).toMatch(/NOT_FOUND/);
    controller.abort();
    await expect(c.consumer.ready).rejects.toBeDefined();
    await c.consumer.close();
  });

  it('fails fast on a missing exchange in passive mode, and reports unroutable notifications', async () => {
    const missing = bridge({ exchange: newExchange(), exchangeMode: 'passive' });
    await expect(missing.done).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const exchange = newExchange();
    const owner = consumer(exchange, ['nothing.matches.this']); // provisions the exchange
    await owner.consumer.ready;
    const returned: string[] = [];
    const b = bridge({ exchange, exchangeMode: 'passive', events: { statuses: true, incoming: false }, startFrom: 'now' });
    b.on('returned', (_event, key) => returned.push(key));
    await until(() => b.stats.cycles >= 1, 'first cycle');
    await sendArkivmelding(net.sender);
    await until(() => returned.length >= 1, 'a returned notification');
    expect(returned[0]).toBe('eformidling.event.message.opprettet');
    expect(b.stats.returned).toBeGreaterThanOrEqual(1);
    await until(() => net.sim.simulator.deliverAll() === 0, 'carrier drained');
    await receiveAll(net.receiver);
  });

  it('works with the defaults: exchange eformidling, every event, bindings eformidling.event.#, default backoff', async () => {
    const received: string[] = [];
    const handlerErrors: Error[] = [];
    let thrown = false;
    const c = consumeNotifications({
      amqpUrl: net.broker.url,
      queue: `defaults.${randomUUID().slice(0, 8)}`,
      handler: (event) => {
        if (!thrown) {
          thrown = true;
          throw 'not yet'; // requeued after the default 1 s
        }
        received.push(`${event.data.messageId} ${event.data.status}`);
      },
    });
    c.on('error', (e) => handlerErrors.push(e));
    running.push(c);
    await c.ready;
    const b = createNotificationBridge({ ip: net.sender, amqpUrl: net.broker.url });
    running.push(b);
    const bridgeErrors: Error[] = [];
    b.on('error', (e) => bridgeErrors.push(e));
    await until(() => b.stats.cycles >= 1, 'first cycle');
    const id = await sendArkivmelding(net.sender);
    net.sim.simulator.faults.failNext({ org: SENDER, method: 'GET', path: '/api/statuses', status: 503, times: 2 });
    b.pollNow();
    await until(() => bridgeErrors.length >= 1, 'a failed cycle');
    await until(() => received.includes(`${id} OPPRETTET`), 'OPPRETTET after the default backoff');
    expect(handlerErrors.map((e) => e.message)).toEqual(['not yet']);
    expect(c.stats.requeued).toBe(1);
    await until(() => net.sim.simulator.deliverAll() === 0, 'carrier drained');
    await receiveAll(net.receiver);
  });

  it('a consumer given an aborted signal closes at once and never becomes ready', async () => {
    const c = consumeNotifications({
      amqpUrl: net.broker.url,
      queue: `aborted.${randomUUID().slice(0, 8)}`,
      handler: () => {},
      signal: AbortSignal.abort(),
    });
    await expect(c.ready).rejects.toBeDefined();
    await c.close();
  });
});
