/**
 * The connector without a broker: option checks, and what the bridge says while the broker cannot be reached
 * (a closed port on 127.0.0.1). Runs on every machine; the suite with a real broker is rabbitmq.test.ts.
 */
import { IntegrasjonspunktClient, RequestValidationError } from 'eformidling';
import {
  type BridgeRetry,
  BrokerUnreachableError,
  consumeNotifications,
  createNotificationBridge,
  fetchIncoming,
  JsonFileBridgeStateStore,
} from 'eformidling/rabbitmq';
import { describe, expect, it } from 'vitest';
import { freePort } from './broker.js';

const ip = new IntegrasjonspunktClient({ baseUrl: 'http://127.0.0.1:9/', retry: false });
const amqpUrl = 'amqp://guest:guest@127.0.0.1:5672/';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationError);
    return (error as RequestValidationError).field;
  }
  throw new Error('did not throw');
}

describe('connector options', () => {
  it('refuses bad options with a RequestValidationError naming the option, before connecting', () => {
    expect(fieldOf(() => createNotificationBridge(undefined as never))).toBe('options');
    expect(fieldOf(() => createNotificationBridge({ amqpUrl } as never))).toBe('options.ip');
    expect(fieldOf(() => createNotificationBridge({ ip, amqpUrl: 'http://x' }))).toBe('options.amqpUrl');
    expect(fieldOf(() => createNotificationBridge({ ip, amqpUrl, pageSize: 0 }))).toBe('options.pageSize');
    expect(fieldOf(() => createNotificationBridge({ ip, amqpUrl, pollIntervalMs: -1 }))).toBe('options.pollIntervalMs');
    expect(fieldOf(() => createNotificationBridge({ ip, amqpUrl, unroutable: 'drop' as never }))).toBe('options.unroutable');
    expect(fieldOf(() => createNotificationBridge({ ip, amqpUrl, exchangeMode: 'maybe' as never }))).toBe('options.exchangeMode');
    expect(fieldOf(() => consumeNotifications(undefined as never))).toBe('options');
    expect(fieldOf(() => consumeNotifications({ amqpUrl: 'http://x', queue: 'q', handler: () => {} }))).toBe('options.amqpUrl');
    expect(fieldOf(() => consumeNotifications({ amqpUrl, queue: '', handler: () => {} }))).toBe('options.queue');
    expect(fieldOf(() => consumeNotifications({ amqpUrl, queue: 'q', handler: 1 as never }))).toBe('options.handler');
    expect(fieldOf(() => consumeNotifications({ amqpUrl, queue: 'q', handler: () => {}, prefetch: 0 }))).toBe('options.prefetch');
    expect(fieldOf(() => consumeNotifications({ amqpUrl, queue: 'q', handler: () => {}, bindings: 'a.b' as never }))).toBe(
      'options.bindings',
    );
    expect(fieldOf(() => consumeNotifications({ amqpUrl, queue: 'q', handler: () => {}, retryDelayMs: Number.NaN }))).toBe(
      'options.retryDelayMs',
    );
    expect(fieldOf(() => fetchIncoming(ip, undefined as never))).toBe('handler');
    expect(fieldOf(() => fetchIncoming(undefined as never, () => {}))).toBe('ip');
    expect(fieldOf(() => new JsonFileBridgeStateStore(''))).toBe('filePath');
  });
});

describe('bridge while the broker cannot be reached', () => {
  it('emits error and retry (attempt, delay) for each failed attempt, and stops cleanly', async () => {
    const port = await freePort(); // nothing listens there
    const bridge = createNotificationBridge({
      ip,
      amqpUrl: `amqp://guest:secret-pw@127.0.0.1:${port}/`,
      retry: { minDelayMs: 20, maxDelayMs: 40 },
      reconnect: { minDelayMs: 20, maxDelayMs: 40 },
    });
    const errors: Error[] = [];
    const retries: BridgeRetry[] = [];
    bridge.on('error', (e) => errors.push(e));
    const third = new Promise<void>((resolve) => {
      bridge.on('retry', (r) => {
        retries.push(r);
        if (retries.length === 3) resolve();
      });
    });
    await third;
    await bridge.stop();
    await expect(bridge.done).resolves.toBeUndefined();

    expect(retries.slice(0, 3).map((r) => [r.stage, r.attempt])).toEqual([
      ['connect', 1],
      ['connect', 2],
      ['connect', 3],
    ]);
    for (const r of retries) {
      expect(r.delayMs).toBeGreaterThanOrEqual(10);
      expect(r.delayMs).toBeLessThanOrEqual(40);
      expect(r.error).toBeInstanceOf(BrokerUnreachableError);
    }
    expect(errors.length).toBe(retries.length);
    expect(errors[0]).toBe(retries[0]?.error);
    expect(errors[0]?.message).toBe(
      `cannot reach the RabbitMQ broker at amqp://127.0.0.1:${port}: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(errors[0]?.message).not.toContain('secret-pw');
    expect(bridge.stats.cycles).toBe(0);
  });
});
