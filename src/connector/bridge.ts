import { EventEmitter } from 'eventemitter3';
import type { Connection, Publisher } from 'rabbitmq-client';
import type { IntegrasjonspunktClient } from '../client.js';
import { EformidlingError } from '../errors.js';
import { WakeableSleep } from '../internal/sleep.js';
import { messageIdOf, type StandardBusinessDocument } from '../models/sbd.js';
import { EFORMIDLING } from '../observability/attributes.js';
import { withSpan } from '../observability/spans.js';
import { StatusFollower } from '../tracking/follower.js';
import { type Logger, silentLogger } from '../transport/logger.js';
import { abortable, closeWithin, describe, exchangeDeclaration, isFatalAmqpError, openConnection, waitForConnection } from './amqp.js';
import { BrokerUnreachableError, UnroutableNotificationError } from './bridge-errors.js';
import {
  type BridgeRetry,
  backoff,
  defaultSource,
  type NotificationBridge,
  type NotificationBridgeEvents,
  type NotificationBridgeOptions,
  type NotificationBridgeStats,
  validate,
} from './bridge-options.js';
import { DEFAULT_TYPE_PREFIX, NOTIFICATION_CONTENT_TYPE, type NotificationEvent, type RoutingKeyOptions, routingKeyFor } from './events.js';
import { NotificationFactory } from './notification-factory.js';
import { type BridgeState, type BridgeStateStore, memoryStateStore } from './store.js';
import { countPublish, startPublish } from './tracing.js';

/** How long the bridge waits for the first connection before it reports the broker as unreachable. */
const FIRST_CONNECT_WAIT_MS = 10_000;
const PUBLISH_CHUNK = 500;

class Bridge extends EventEmitter<NotificationBridgeEvents> implements NotificationBridge {
  readonly done: Promise<void>;
  readonly #stats: NotificationBridgeStats = { cycles: 0, published: 0, returned: 0, failures: 0 };
  readonly #options: NotificationBridgeOptions;
  readonly #ip: IntegrasjonspunktClient;
  readonly #store: BridgeStateStore;
  readonly #logger: Logger;
  readonly #controller = new AbortController();
  readonly #routingKey: (event: NotificationEvent) => string;
  readonly #exchange: ReturnType<typeof exchangeDeclaration>;
  readonly #notifications: NotificationFactory;
  readonly #returnedIds = new Set<string>();
  #state: BridgeState | undefined;
  #follower: StatusFollower | undefined;
  /** The wait between polls; `pollNow()`, `stop()` and a fatal error end it (nothing is remembered for the next). */
  readonly #sleeper = new WakeableSleep();
  #fatal: unknown;

  constructor(options: NotificationBridgeOptions) {
    super();
    validate(options);
    const pageSize = options.pageSize ?? 500;
    this.#options = { ...options, pageSize };
    this.#ip = options.ip;
    this.#store = options.store ?? memoryStateStore();
    this.#logger = options.logger ?? silentLogger;
    this.#routingKey = routingKeyFor(options.routingKeys);
    this.#notifications = new NotificationFactory(options.ip, {
      source: options.source ?? defaultSource(options.ip.baseUrl),
      typePrefix: options.typePrefix ?? DEFAULT_TYPE_PREFIX,
      enrich: options.enrich !== false,
    });
    this.#exchange = exchangeDeclaration(options);
    if (options.signal?.aborted) this.#controller.abort(options.signal.reason);
    options.signal?.addEventListener('abort', () => this.#controller.abort(options.signal?.reason), { once: true });
    this.done = this.#run();
    this.done.catch(() => {}); // reported through `error`, the logger and `done`; never an unhandled rejection
  }

  get stats(): Readonly<NotificationBridgeStats> {
    return { ...this.#stats };
  }

  pollNow(): void {
    this.#sleeper.interrupt();
  }

  async stop(): Promise<void> {
    this.#controller.abort();
    this.#sleeper.interrupt();
    await this.done.catch(() => {});
  }

  async #run(): Promise<void> {
    const signal = this.#controller.signal;
    if (signal.aborted) return;
    const connection = await openConnection(this.#options.amqpUrl, {
      reconnect: this.#options.reconnect,
      connectionName: 'eformidling-bridge',
      logger: this.#logger,
    });
    connection.on('error', (error: unknown) => {
      if ((error as { code?: unknown }).code === 'ACCESS_REFUSED') this.#fail(error);
    });
    const publisher = connection.createPublisher({ confirm: true, maxAttempts: 1, exchanges: [this.#exchange] });
    publisher.on('basic.return', (message) => {
      this.#returnedIds.add(message.messageId as string); // every notification is published with its id
    });
    try {
      await this.#connect(connection, signal);
      await this.#checkExchange(connection, signal);
      let failures = 0;
      while (!signal.aborted) {
        try {
          await this.#cycle(publisher, signal);
          failures = 0;
        } catch (error) {
          if (signal.aborted) break;
          if (isFatalAmqpError(error)) throw error;
          failures += 1;
          this.#stats.failures += 1;
          this.#follower = undefined; // resume from the saved position
          const delayMs = backoff(failures, this.#options.retry);
          this.#retrying('cycle', error, failures, delayMs);
          await this.#pause(delayMs, signal);
          continue;
        }
        await this.#pause(this.#options.pollIntervalMs ?? 5_000, signal);
      }
      if (this.#fatal !== undefined) throw this.#fatal;
    } catch (error) {
      if (this.#fatal === undefined && signal.aborted) return; // stopped while waiting for the broker: a clean stop
      const fatal = this.#fatal ?? error;
      this.#logger.error('bridge stopped', { error: describe(fatal) });
      throw fatal;
    } finally {
      await closeWithin(publisher.close(), 5_000);
      if (!(await closeWithin(connection.close(), 5_000))) connection.unsafeDestroy();
    }
  }

  #fail(error: unknown): void {
    this.#fatal ??= error;
    this.#controller.abort(error);
    this.#sleeper.interrupt();
  }

  /** Logs a failure the bridge retries and emits `error` and `retry`. */
  #retrying(stage: BridgeRetry['stage'], cause: unknown, attempt: number, delayMs: number): void {
    const error = cause instanceof Error ? cause : new EformidlingError(String(cause));
    this.#logger.warn(`${stage === 'connect' ? 'broker unreachable' : `${stage} failed`}; retrying`, {
      stage,
      attempt,
      delayMs,
      error: describe(error),
    });
    this.emit('error', error);
    this.emit('retry', { stage, attempt, delayMs, error });
  }

  /**
   * Waits until the connection is up. rabbitmq-client reconnects by itself (and reports only the first error of a
   * series), so the bridge reports each window without a connection as one failed attempt.
   */
  async #connect(connection: Connection, signal: AbortSignal): Promise<void> {
    let lastError: unknown;
    const onError = (error: unknown) => {
      lastError = error;
    };
    connection.on('error', onError);
    try {
      let waitMs = FIRST_CONNECT_WAIT_MS;
      for (let attempt = 1; !signal.aborted && !connection.ready; attempt++) {
        if (await waitForConnection(connection, waitMs, signal, attempt === 1)) return;
        if (signal.aborted) return;
        waitMs = backoff(attempt, this.#options.retry);
        this.#retrying('connect', new BrokerUnreachableError(this.#options.amqpUrl, { cause: lastError }), attempt, waitMs);
      }
    } finally {
      connection.off('error', onError);
    }
  }

  /** Declares (or passively checks) the exchange; retries while the broker is unreachable, fails on a real mismatch. */
  async #checkExchange(connection: Connection, signal: AbortSignal): Promise<void> {
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        await abortable(connection.exchangeDeclare(this.#exchange), signal);
        return;
      } catch (error) {
        if (isFatalAmqpError(error) || signal.aborted) throw error;
        const delayMs = backoff(attempt, this.#options.retry);
        this.#retrying('exchange', error, attempt, delayMs);
        await this.#pause(delayMs, signal);
      }
    }
  }

  /**
   * One poll of the IP and the publishes it leads to, as one trace: the IP's request spans and the PRODUCER spans
   * hang below `eformidling.bridge.cycle`, which starts a new trace (the loop's context is only where the bridge was
   * created).
   */
  #cycle(publisher: Publisher, signal: AbortSignal): Promise<void> {
    return withSpan('eformidling.bridge.cycle', { root: true }, async (span) => {
      const found = await this.#poll(publisher, signal);
      span.set({ [EFORMIDLING.bridgeStatuses]: found.statuses, [EFORMIDLING.bridgeIncoming]: found.incoming });
    });
  }

  async #poll(publisher: Publisher, signal: AbortSignal): Promise<{ statuses: number; incoming: number }> {
    this.#state ??= (await this.#store.load()) ?? { version: 1 };
    const state = this.#state;
    const events = this.#options.events ?? {};
    let statuses = 0;
    let incoming = 0;
    if (events.statuses !== false) {
      this.#follower ??= new StatusFollower(this.#ip, {
        state: state.statuses,
        start: this.#options.startFrom ?? 'now',
        pageSize: this.#options.pageSize,
        safetyMarginMs: this.#options.safetyMarginMs,
      });
      const follower = this.#follower;
      const wasInitialized = state.statuses?.initialized === true;
      const fresh = await follower.poll({ signal });
      if (fresh.length > 0) await this.#publishAll(await this.#notifications.forStatuses(fresh, signal), publisher);
      if (fresh.length > 0 || !wasInitialized) {
        state.statuses = follower.state;
        await this.#store.save(state);
      }
      statuses = fresh.length;
    }
    if (events.incoming !== false) {
      const known = new Set(state.incoming ?? []);
      const present: string[] = [];
      const fresh: StandardBusinessDocument[] = [];
      for await (const sbd of this.#ip.incoming.list({ pageSize: this.#options.pageSize }, { signal })) {
        const id = messageIdOf(sbd) as string; // the IP gives every message an id on create
        present.push(id);
        if (!known.has(id)) fresh.push(sbd);
      }
      if (fresh.length > 0) await this.#publishAll(await this.#notifications.forIncoming(fresh, signal), publisher);
      const changed = fresh.length > 0 || present.length !== known.size;
      state.incoming = [...new Set(present)];
      if (changed) await this.#store.save(state);
      incoming = fresh.length;
    }
    this.#stats.cycles += 1;
    this.#logger.debug('bridge cycle', { statuses, incoming });
    this.emit('cycle', { statuses, incoming });
    return { statuses, incoming };
  }

  /** Publishes in chunks; resolves only when the broker confirmed every one. */
  async #publishAll(events: readonly NotificationEvent[], publisher: Publisher): Promise<void> {
    for (let i = 0; i < events.length; i += PUBLISH_CHUNK) {
      const results = await Promise.allSettled(events.slice(i, i + PUBLISH_CHUNK).map((e) => this.#publish(e, publisher)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  async #publish(notification: NotificationEvent, publisher: Publisher): Promise<void> {
    const routingKey = this.#routingKey(notification);
    const exchange = this.#exchange.exchange;
    const { span, event, headers } = startPublish(notification, exchange, routingKey);
    let returned: boolean;
    try {
      returned = await this.#send(event, routingKey, headers, publisher);
    } catch (error) {
      countPublish(event, exchange, error instanceof Error ? error.name : 'Error');
      span.end(error);
      throw error;
    }
    countPublish(event, exchange, returned ? 'unroutable' : undefined);
    span.set({ [EFORMIDLING.outcome]: returned ? 'returned' : 'published' });
    if (!returned) {
      span.end();
      this.emit('published', event, routingKey);
      return;
    }
    this.#stats.returned += 1;
    const unroutable = this.#options.unroutable === 'retry' ? new UnroutableNotificationError(event.id, routingKey) : undefined;
    span.end(unroutable);
    this.emit('returned', event, routingKey);
    if (unroutable) throw unroutable;
  }

  /** Publishes one notification and waits for the broker's confirm; true when the broker returned it unroutable. */
  async #send(event: NotificationEvent, routingKey: string, headers: Record<string, string> | undefined, publisher: Publisher) {
    this.#returnedIds.delete(event.id);
    const time = Date.parse(event.time);
    const sent = publisher.send(
      {
        exchange: this.#exchange.exchange,
        routingKey,
        mandatory: true,
        durable: true,
        contentType: NOTIFICATION_CONTENT_TYPE,
        messageId: event.id,
        type: event.type,
        appId: 'eformidling-bridge',
        ...(headers ? { headers } : {}),
        ...(Number.isNaN(time) ? {} : { timestamp: Math.floor(time / 1000) }), // an IP date we could not read: no timestamp
      },
      Buffer.from(JSON.stringify(event), 'utf8'),
    );
    await abortable(sent, this.#controller.signal);
    this.#stats.published += 1;
    // The broker sends basic.return before the confirm; rabbitmq-client emits the return in a setImmediate queued
    // before the confirm resolved, so one macrotask later it has been seen.
    await new Promise((resolve) => setImmediate(resolve));
    return this.#returnedIds.delete(event.id);
  }

  /** Waits `ms`, or less when `pollNow()`/`stop()` is called; never rejects. */
  #pause(ms: number, signal: AbortSignal): Promise<void> {
    return this.#sleeper.sleep(ms, signal);
  }
}

/**
 * Starts a bridge that follows one IP and publishes thin notifications to a RabbitMQ topic exchange, so that many
 * systems (and many instances of each) can react to one integrasjonspunkt: IntArk-style "notify, then fetch".
 *
 * @remarks
 * **What is published.** One message per new status (every status on the IP, both directions, followed with the
 * {@link StatusFollower} cursor over `GET /api/statuses`) and one per newly arrived incoming message (found with
 * `GET /api/messages/in`, which lists without locking). Each body is a CloudEvents 1.0 event in JSON
 * (structured mode, AMQP `content-type: application/cloudevents+json; charset=utf-8`):
 *
 * ```json
 * {
 *   "specversion": "1.0",
 *   "id": "status-4630",
 *   "type": "no.eformidling.message.status",
 *   "source": "https://ip.kommune.no:9093",
 *   "subject": "/api/statuses/5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90",
 *   "time": "2026-08-20T09:31:02.25+02:00",
 *   "datacontenttype": "application/json",
 *   "data": {
 *     "messageId": "5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90", "conversationId": "b4e9a1c2-0f6d-4c3b-8e27-91d5a6f3c0e1",
 *     "status": "LEVERT", "statusId": 4630, "direction": "OUTGOING", "serviceIdentifier": "DPO",
 *     "process": "urn:no:difi:profile:arkivmelding:administrasjon:ver1.0", "documentType": "arkivmelding"
 *   }
 * }
 * ```
 *
 * - `id`: `status-<statusId>` or `incoming-<messageId>`; stable across republishing, so deduplicate on
 *   (`source`, `id`).
 * - `type`: `<typePrefix>.message.status` or `<typePrefix>.message.incoming` (`typePrefix` = `no.eformidling`).
 * - `subject`: a reference relative to the IP: `/api/statuses/<messageId>` or `/api/messages/in/<messageId>`.
 * - `time`: the status's `lastUpdate`; for an incoming message the SBD's `creationDateAndTime`.
 * - `data`: `messageId`, `conversationId`, `status`, `statusId`, `description` (statuses), `direction`,
 *   `serviceIdentifier`, `process`, `documentType`; fields that are unknown are left out. Never document content.
 * - `traceparent`, `tracestate`: only when the application runs OpenTelemetry (the CloudEvents distributed-tracing
 *   extension): the publish span's W3C trace context, also sent as AMQP headers. `consumeNotifications` continues it.
 *
 * **Routing keys** (`source.type.object.event`, each part one lower-case word):
 * `eformidling.event.message.<status>` (`…message.levert`, `…message.feil`, `…message.innkommende_mottatt`) and
 * `eformidling.event.incoming.<documentType>` (`…incoming.arkivmelding`, `…incoming.arkivmelding_kvittering`).
 * Bind `eformidling.event.message.*` for all statuses, `eformidling.event.incoming.#` for all arrivals. The prefix
 * and both key functions are configurable ({@link RoutingKeyOptions}).
 *
 * **Delivery.** Messages are persistent, published with `mandatory` and publisher confirms on a durable topic
 * exchange (declared, or checked passively with `exchangeMode: 'passive'` when someone else provisions it). The
 * position in the store advances only after the broker confirmed every notification up to it, so a crash, an IP
 * outage or a broker restart repeats notifications but never loses one (at least once). After a lost connection
 * the bridge reconnects with backoff and resumes from the saved position. Run one bridge per IP.
 *
 * @param options - the IP, the broker, the contract's knobs and the store.
 * @returns the running bridge; `await bridge.done` to learn about fatal errors.
 * @example
 * ```ts
 * import { IntegrasjonspunktClient } from 'eformidling';
 * import { createNotificationBridge, fileStateStore } from 'eformidling/rabbitmq';
 *
 * const bridge = createNotificationBridge({
 *   ip: new IntegrasjonspunktClient({ baseUrl: 'https://ip.kommune.no:9093' }),
 *   amqpUrl: 'amqp://bridge:secret@rabbit.kommune.no:5672/',
 *   exchange: 'eformidling',
 *   store: fileStateStore('./bridge-state.json'),
 * });
 * bridge.on('error', (e) => console.warn('retrying:', e.message));
 * process.on('SIGTERM', () => void bridge.stop());
 * await bridge.done;
 * ```
 * @category RabbitMQ
 */
export function createNotificationBridge(options: NotificationBridgeOptions): NotificationBridge {
  return new Bridge(options);
}

export { BrokerUnreachableError, UnroutableNotificationError } from './bridge-errors.js';
export type {
  BridgeRetry,
  NotificationBridge,
  NotificationBridgeEvents,
  NotificationBridgeOptions,
  NotificationBridgeStats,
} from './bridge-options.js';
