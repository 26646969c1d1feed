import { EventEmitter } from 'eventemitter3';
import type { AsyncMessage, Connection, Consumer } from 'rabbitmq-client';
import { EformidlingError, RequestValidationError } from '../errors.js';
import { sleep } from '../internal/sleep.js';
import { EFORMIDLING } from '../observability/attributes.js';
import { type Logger, silentLogger } from '../transport/logger.js';
import {
  closeWithin,
  describe,
  type ExchangeOptions,
  exchangeDeclaration,
  isAmqpUrl,
  loadRabbit,
  openConnection,
  type ReconnectOptions,
} from './amqp.js';
import { isNotificationEvent, type NotificationEvent } from './events.js';
import { startDelivery } from './tracing.js';

/** Where a notification came from, for handlers that care. @category RabbitMQ */
export interface NotificationDelivery {
  /** The routing key it was published with, e.g. `eformidling.event.message.levert`. */
  routingKey: string;
  /** The exchange it came through. */
  exchange: string;
  /** True when the broker delivered it before (an earlier handler failed, or a consumer died before acking). */
  redelivered: boolean;
  /** Aborted when the consumer is closing. */
  signal: AbortSignal;
}

/**
 * Handles one notification. Resolve to acknowledge it; throw to have it requeued and delivered again (after
 * `retryDelayMs`).
 * @category RabbitMQ
 */
export type NotificationHandler = (event: NotificationEvent, delivery: NotificationDelivery) => Promise<void> | void;

/**
 * Thrown by a handler to have a notification delivered again later without it counting as an error (no `error`
 * event), e.g. while another worker holds the IP's lock on the message.
 * @category RabbitMQ
 */
export class RetryNotificationLater extends EformidlingError {}

/**
 * Options for {@link consumeNotifications}.
 * @category RabbitMQ
 */
export interface ConsumeNotificationsOptions extends ExchangeOptions {
  /** The broker URL. */
  amqpUrl: string;
  /** Your queue (durable, declared if missing), one per consuming system; instances of that system share it. */
  queue: string;
  /**
   * Binding keys on the exchange, e.g. `['eformidling.event.message.levert', 'eformidling.event.incoming.#']`.
   * @defaultValue `['eformidling.event.#']` (everything)
   */
  bindings?: readonly string[] | undefined;
  /** Your handler; the notification is acked only after it resolved. */
  handler: NotificationHandler;
  /** How many unacknowledged notifications the broker sends ahead (AMQP `basic.qos`). @defaultValue 10 */
  prefetch?: number | undefined;
  /** How many handlers run at once. @defaultValue `prefetch` */
  concurrency?: number | undefined;
  /** Wait before a failed notification is requeued, so a failing handler does not spin. @defaultValue 1 000 */
  retryDelayMs?: number | undefined;
  /** Extra queue arguments, e.g. `{ 'x-queue-type': 'quorum' }` or a dead-letter exchange. */
  queueArguments?: Record<string, unknown> | undefined;
  /** Closes the consumer when aborted. */
  signal?: AbortSignal | undefined;
  /** Reconnection of the AMQP connection. */
  reconnect?: ReconnectOptions | undefined;
  /** Where errors and retries are logged. @defaultValue silent */
  logger?: Logger | undefined;
}

/** Events of a {@link NotificationConsumer}. @category RabbitMQ */
export interface NotificationConsumerEvents {
  /** The consumer is (again) subscribed, after start or after a reconnect. */
  ready: [];
  /** A handler failed (the notification is requeued), a body was not a notification (dropped), or the channel broke. */
  error: [error: Error];
  /** A handler asked for a later retry with {@link RetryNotificationLater}. */
  retry: [event: NotificationEvent, reason: string];
}

/** Counters of a {@link NotificationConsumer}. @category RabbitMQ */
export interface NotificationConsumerStats {
  /** Handled and acknowledged. */
  acked: number;
  /** Requeued after a handler failure or a retry request. */
  requeued: number;
  /** Dropped because the body was not a notification. */
  dropped: number;
}

/** A running consumer. @category RabbitMQ */
export interface NotificationConsumer extends EventEmitter<NotificationConsumerEvents> {
  /** Resolves when the queue is declared, bound and consumed for the first time. */
  readonly ready: Promise<void>;
  /** Counters. */
  readonly stats: Readonly<NotificationConsumerStats>;
  /** Stops consuming, lets running handlers finish (their notifications are acked or requeued), then disconnects. */
  close(): Promise<void>;
}

/** A notification body that is not JSON or not a CloudEvent from the bridge. @category RabbitMQ */
export class InvalidNotificationError extends EformidlingError {}

class NotificationConsumerImpl extends EventEmitter<NotificationConsumerEvents> implements NotificationConsumer {
  readonly ready: Promise<void>;
  readonly #stats: NotificationConsumerStats = { acked: 0, requeued: 0, dropped: 0 };
  readonly #controller = new AbortController();
  readonly #opened: Promise<{ connection: Connection; consumer: Consumer }>;
  #closing: Promise<void> | undefined;

  constructor(options: ConsumeNotificationsOptions) {
    super();
    validate(options);
    const logger = options.logger ?? silentLogger;
    const prefetch = options.prefetch ?? 10;
    const retryDelayMs = options.retryDelayMs ?? 1_000;
    const declaration = exchangeDeclaration(options);
    const signal = this.#controller.signal;
    this.#opened = (async () => {
      const rabbit = await loadRabbit();
      const connection = await openConnection(options.amqpUrl, { reconnect: options.reconnect, connectionName: options.queue, logger });
      const consumer = connection.createConsumer(
        {
          queue: options.queue,
          queueOptions: { durable: true, arguments: options.queueArguments as never },
          qos: { prefetchCount: prefetch },
          concurrency: options.concurrency ?? prefetch,
          requeue: true,
          exchanges: [declaration],
          queueBindings: (options.bindings ?? ['eformidling.event.#']).map((routingKey) => ({
            exchange: declaration.exchange,
            queue: options.queue,
            routingKey,
          })),
        },
        async (message: AsyncMessage) => {
          const event = parse(message.body);
          // One CONSUMER span per delivery, continuing the publisher's trace; the handler runs inside it.
          const span = startDelivery(
            {
              exchange: message.exchange,
              routingKey: message.routingKey,
              queue: options.queue,
              deliveryTag: message.deliveryTag,
              headers: message.headers,
            },
            event,
          );
          if (!event) {
            this.#stats.dropped += 1;
            const error = new InvalidNotificationError(`dropped a message on ${message.routingKey} that is not a notification`);
            span.set({ [EFORMIDLING.outcome]: 'drop' });
            span.end(error);
            this.emit('error', error);
            return rabbit.ConsumerStatus.DROP;
          }
          try {
            await span.run(() =>
              options.handler(event, {
                routingKey: message.routingKey,
                exchange: message.exchange,
                redelivered: message.redelivered,
                signal,
              }),
            );
          } catch (error) {
            this.#stats.requeued += 1;
            span.set({ [EFORMIDLING.outcome]: 'requeue' });
            if (error instanceof RetryNotificationLater) {
              span.event('retry later', { reason: error.message });
              span.end();
              this.emit('retry', event, error.message);
            } else {
              span.end(error);
              logger.warn('notification handler failed; requeueing', { id: event.id, error: describe(error) });
              this.emit('error', error instanceof Error ? error : new Error(String(error)));
            }
            if (retryDelayMs > 0) await sleep(retryDelayMs, signal).catch(() => {});
            return rabbit.ConsumerStatus.REQUEUE;
          }
          this.#stats.acked += 1;
          span.set({ [EFORMIDLING.outcome]: 'ack' });
          span.end();
          return rabbit.ConsumerStatus.ACK;
        },
      );
      consumer.on('error', (error: unknown) => {
        logger.warn('amqp consumer error', { error: describe(error) });
        this.emit('error', error instanceof Error ? error : new Error(String(error)));
      });
      consumer.on('ready', () => this.emit('ready'));
      return { connection, consumer };
    })();
    this.ready = this.#opened.then(
      ({ consumer }) =>
        new Promise<void>((resolve, reject) => {
          if (signal.aborted) return reject(signal.reason);
          consumer.once('ready', () => resolve());
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    );
    this.ready.catch(() => {});
    if (options.signal?.aborted) void this.close();
    options.signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  get stats(): Readonly<NotificationConsumerStats> {
    return { ...this.#stats };
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#controller.abort(new EformidlingError('consumer closed'));
      const { connection, consumer } = await this.#opened;
      await closeWithin(consumer.close(), 5_000);
      if (!(await closeWithin(connection.close(), 5_000))) connection.unsafeDestroy();
    })();
    return this.#closing;
  }
}

function validate(options: ConsumeNotificationsOptions): void {
  if (!options || typeof options !== 'object')
    throw new RequestValidationError('options', 'the options are required: { amqpUrl, queue, handler }');
  if (!isAmqpUrl(options.amqpUrl)) throw new RequestValidationError('options.amqpUrl', 'must be an amqp:// or amqps:// URL');
  if (typeof options.queue !== 'string' || options.queue.trim() === '')
    throw new RequestValidationError('options.queue', 'must be a queue name');
  if (typeof options.handler !== 'function') throw new RequestValidationError('options.handler', 'must be a function');
  const prefetch = options.prefetch ?? 10;
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 65_535)
    throw new RequestValidationError('options.prefetch', 'must be a whole number from 1 to 65535');
  if (options.bindings !== undefined && (!Array.isArray(options.bindings) || options.bindings.some((b) => typeof b !== 'string'))) {
    throw new RequestValidationError('options.bindings', 'must be an array of binding keys');
  }
  const delay = options.retryDelayMs;
  if (delay !== undefined && (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0))
    throw new RequestValidationError('options.retryDelayMs', 'must be a number of milliseconds, 0 or more');
}

function parse(body: unknown): NotificationEvent | undefined {
  let value: unknown = body;
  try {
    if (Buffer.isBuffer(body)) value = JSON.parse(body.toString('utf8'));
    else if (typeof body === 'string') value = JSON.parse(body);
  } catch {
    return undefined;
  }
  return isNotificationEvent(value) ? value : undefined;
}

/**
 * Consumes notifications from your own durable queue bound to the bridge's exchange. Each notification is
 * acknowledged only after `handler` resolved; when it throws, the notification is requeued (after `retryDelayMs`)
 * and delivered again, so a crash or a failure never loses one. Delivery is at least once: deduplicate on the
 * event's `id` where a repeat matters. Bodies that are not notifications are dropped (dead-lettered when the queue
 * has a dead-letter exchange). The connection reconnects by itself and the queue, bindings and subscription are
 * re-created after a broker restart.
 *
 * With OpenTelemetry registered, each delivery is a CONSUMER span (`process <exchange>`) that continues the trace of
 * the bridge's publish (the event's `traceparent`, else the AMQP header) and records `eformidling.outcome` (`ack`,
 * `requeue`, `drop`); the handler runs inside it, so its own spans and IP requests join that trace.
 *
 * @param options - broker, queue, binding keys, handler, prefetch.
 * @example
 * ```ts
 * import { consumeNotifications } from 'eformidling/rabbitmq';
 *
 * const archive = consumeNotifications({
 *   amqpUrl: process.env.AMQP_URL!,
 *   queue: 'arkiv.eformidling',
 *   bindings: ['eformidling.event.message.levert', 'eformidling.event.message.feil'],
 *   prefetch: 20,
 *   handler: async (event) => markDelivered(event.data.messageId, event.data.status),
 * });
 * await archive.ready;
 * ```
 * @category RabbitMQ
 */
export function consumeNotifications(options: ConsumeNotificationsOptions): NotificationConsumer {
  return new NotificationConsumerImpl(options);
}
