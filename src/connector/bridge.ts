import { EventEmitter } from 'eventemitter3';
import type { Connection, Publisher } from 'rabbitmq-client';
import type { IntegrasjonspunktClient } from '../client.js';
import { EformidlingError, RequestValidationError } from '../errors.js';
import { WakeableSleep } from '../internal/sleep.js';
import { messageIdOf, type StandardBusinessDocument } from '../models/sbd.js';
import type { MessageStatus } from '../models/status.js';
import { type FollowerStart, StatusFollower } from '../tracking/follower.js';
import { type Logger, silentLogger } from '../transport/logger.js';
import {
  abortable,
  closeWithin,
  describe,
  type ExchangeOptions,
  exchangeDeclaration,
  isAmqpUrl,
  isFatalAmqpError,
  openConnection,
  type ReconnectOptions,
} from './amqp.js';
import {
  DEFAULT_TYPE_PREFIX,
  incomingNotification,
  type MessageFacts,
  NOTIFICATION_CONTENT_TYPE,
  type NotificationEvent,
  type RoutingKeyOptions,
  routingKeyFor,
  statusNotification,
} from './events.js';
import { type BridgeState, type BridgeStateStore, memoryStateStore } from './store.js';

/**
 * Options for {@link createNotificationBridge}.
 * @category RabbitMQ
 */
export interface NotificationBridgeOptions extends ExchangeOptions {
  /** The IP to follow. */
  ip: IntegrasjonspunktClient;
  /** The broker, e.g. `amqp://user:pass@rabbit.example:5672/vhost` (or `amqps://`). */
  amqpUrl: string;
  /** CloudEvent `source`. @defaultValue the IP's base URL without credentials */
  source?: string | undefined;
  /** CloudEvent `type` prefix. @defaultValue `'no.eformidling'` */
  typePrefix?: string | undefined;
  /** How routing keys are made. @defaultValue `eformidling.event.message.<status>` / `eformidling.event.incoming.<type>` */
  routingKeys?: RoutingKeyOptions | undefined;
  /** Which notifications to publish. @defaultValue both */
  events?: { statuses?: boolean | undefined; incoming?: boolean | undefined } | undefined;
  /** Where the position is kept between runs. @defaultValue in memory (a restart begins at `startFrom`) */
  store?: BridgeStateStore | undefined;
  /** Where to start following statuses when the store is empty. @defaultValue `'now'` */
  startFrom?: FollowerStart | undefined;
  /** Stops the bridge when aborted (like {@link NotificationBridge.stop}). */
  signal?: AbortSignal | undefined;
  /** Pause between two polls of the IP. @defaultValue 5 000 */
  pollIntervalMs?: number | undefined;
  /** Page size for the IP's lists (1-2000). @defaultValue 500 */
  pageSize?: number | undefined;
  /** Passed to the status follower: how far back each poll looks again for late statuses. @defaultValue 300 000 */
  safetyMarginMs?: number | undefined;
  /** Backoff after a failed poll or publish (broker or IP down). @defaultValue 500 → 30 000 ms, doubling */
  retry?: { minDelayMs?: number | undefined; maxDelayMs?: number | undefined } | undefined;
  /** Reconnection of the AMQP connection. */
  reconnect?: ReconnectOptions | undefined;
  /**
   * What to do when the broker returns a notification as unroutable (`mandatory`: no queue is bound for its key).
   * `'skip'` (default) counts it, emits `returned` and moves on (nobody subscribed); `'retry'` keeps the position
   * and tries again after the backoff, so nothing passes until a queue is bound.
   */
  unroutable?: 'skip' | 'retry' | undefined;
  /**
   * Look up each message's conversation once (`GET /api/conversations?messageId=…`, cached) to add direction,
   * service identifier, process and document type to status notifications, and the service to incoming ones.
   * @defaultValue true
   */
  enrich?: boolean | undefined;
  /** Where the bridge logs cycles, retries and reconnects. @defaultValue silent */
  logger?: Logger | undefined;
}

/** Events of a {@link NotificationBridge}. @category RabbitMQ */
export interface NotificationBridgeEvents {
  /** A notification was confirmed by the broker. */
  published: [event: NotificationEvent, routingKey: string];
  /** The broker had no queue for a notification (`mandatory`). */
  returned: [event: NotificationEvent, routingKey: string];
  /**
   * Something failed that the bridge retries: the broker cannot be reached ({@link BrokerUnreachableError}), the
   * exchange check failed, or a poll or publish failed. Followed by `retry`. Fatal errors reject `done` instead.
   */
  error: [error: Error];
  /** The bridge waits `delayMs` and tries again; `attempt` counts the failures in a row at that `stage`. */
  retry: [info: BridgeRetry];
  /** A poll finished and its position was saved. */
  cycle: [summary: { statuses: number; incoming: number }];
}

/** What a `retry` event of a {@link NotificationBridge} says. @category RabbitMQ */
export interface BridgeRetry {
  /** `connect`: the broker cannot be reached; `exchange`: declaring/checking the exchange failed; `cycle`: a poll or publish failed. */
  stage: 'connect' | 'exchange' | 'cycle';
  /** Failures in a row at this stage (1 for the first). */
  attempt: number;
  /** How long the bridge waits before the next try, in milliseconds. */
  delayMs: number;
  /** What failed. */
  error: Error;
}

/** Counters of a {@link NotificationBridge}. @category RabbitMQ */
export interface NotificationBridgeStats {
  /** Completed polls. */
  cycles: number;
  /** Notifications confirmed by the broker (including ones returned as unroutable). */
  published: number;
  /** Notifications returned as unroutable. */
  returned: number;
  /** Failed polls (each followed by a backoff). */
  failures: number;
}

/**
 * A running bridge: publishes IP notifications to RabbitMQ until stopped.
 * @category RabbitMQ
 */
export interface NotificationBridge extends EventEmitter<NotificationBridgeEvents> {
  /** Resolves when the bridge has stopped; rejects on an error retrying cannot fix (missing exchange, bad credentials). */
  readonly done: Promise<void>;
  /** Counters. */
  readonly stats: Readonly<NotificationBridgeStats>;
  /** Starts the next poll now instead of after `pollIntervalMs`. */
  pollNow(): void;
  /** Stops after the current poll step; nothing unconfirmed is marked as sent. Resolves when closed. */
  stop(): Promise<void>;
}

/** An unroutable notification while `unroutable: 'retry'`. @category RabbitMQ */
export class UnroutableNotificationError extends EformidlingError {
  constructor(
    readonly eventId: string,
    readonly routingKey: string,
  ) {
    super(`no queue is bound for routing key ${routingKey} (notification ${eventId}); will retry`);
  }
}

/** The broker could not be reached (refused, unknown host, TLS, no answer); the bridge keeps trying. @category RabbitMQ */
export class BrokerUnreachableError extends EformidlingError {
  constructor(
    readonly amqpUrl: string,
    options?: { cause?: unknown },
  ) {
    const cause = options?.cause === undefined ? '' : `: ${describe(options.cause)}`;
    super(`cannot reach the RabbitMQ broker at ${hostOf(amqpUrl)}${cause}`, options);
  }
}

function hostOf(amqpUrl: string): string {
  try {
    const url = new URL(amqpUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'the configured URL';
  }
}

/** How long the bridge waits for the first connection before it reports the broker as unreachable. */
const FIRST_CONNECT_WAIT_MS = 10_000;
const PUBLISH_CHUNK = 500;
const FACTS_CACHE = 10_000;

class Bridge extends EventEmitter<NotificationBridgeEvents> implements NotificationBridge {
  readonly done: Promise<void>;
  readonly #stats: NotificationBridgeStats = { cycles: 0, published: 0, returned: 0, failures: 0 };
  readonly #options: NotificationBridgeOptions;
  readonly #ip: IntegrasjonspunktClient;
  readonly #store: BridgeStateStore;
  readonly #logger: Logger;
  readonly #controller = new AbortController();
  readonly #routingKey: (event: NotificationEvent) => string;
  readonly #source: string;
  readonly #exchange: ReturnType<typeof exchangeDeclaration>;
  readonly #facts = new Map<string, MessageFacts>();
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
    this.#source = options.source ?? defaultSource(options.ip.baseUrl);
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

  async #cycle(publisher: Publisher, signal: AbortSignal): Promise<void> {
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
      if (fresh.length > 0) await this.#publishAll(await this.#statusEvents(fresh, signal), publisher);
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
      if (fresh.length > 0) await this.#publishAll(await this.#incomingEvents(fresh, signal), publisher);
      const changed = fresh.length > 0 || present.length !== known.size;
      state.incoming = [...new Set(present)];
      if (changed) await this.#store.save(state);
      incoming = fresh.length;
    }
    this.#stats.cycles += 1;
    this.#logger.debug('bridge cycle', { statuses, incoming });
    this.emit('cycle', { statuses, incoming });
  }

  async #statusEvents(statuses: readonly MessageStatus[], signal: AbortSignal): Promise<NotificationEvent[]> {
    const ids = [...new Set(statuses.map((s) => s.messageId).filter((id): id is string => typeof id === 'string'))];
    await this.#lookUp(ids, signal);
    const context = { source: this.#source, typePrefix: this.#options.typePrefix ?? DEFAULT_TYPE_PREFIX };
    return statuses.map((s) => statusNotification(s, s.messageId === undefined ? undefined : this.#facts.get(s.messageId), context));
  }

  async #incomingEvents(messages: readonly StandardBusinessDocument[], signal: AbortSignal): Promise<NotificationEvent[]> {
    const ids = messages.map((m) => messageIdOf(m) as string);
    await this.#lookUp(ids, signal);
    const context = { source: this.#source, typePrefix: this.#options.typePrefix ?? DEFAULT_TYPE_PREFIX };
    return messages.map((m, i) => incomingNotification(m, this.#facts.get(ids[i] as string)?.serviceIdentifier, context));
  }

  /** Fetches the conversations of messages not yet in the cache, a few at a time; a missing one is left out. */
  async #lookUp(messageIds: readonly string[], signal: AbortSignal): Promise<void> {
    if (this.#options.enrich === false) return;
    const missing = messageIds.filter((id) => !this.#facts.has(id));
    let next = 0;
    const worker = async () => {
      while (next < missing.length) {
        const id = missing[next++]!;
        // GET /api/conversations?messageId= covers both directions (the by-messageId path only knows OUTGOING).
        const page = await this.#ip.conversations.list({ messageId: id, pageSize: 1 }, { signal }).byPage().next();
        const c = page.value?.content[0];
        if (c === undefined) continue;
        if (this.#facts.size >= FACTS_CACHE) this.#facts.delete(this.#facts.keys().next().value!);
        this.#facts.set(id, {
          direction: c.direction,
          serviceIdentifier: c.serviceIdentifier,
          processIdentifier: c.processIdentifier,
          documentIdentifier: c.documentIdentifier,
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, missing.length) }, worker));
  }

  /** Publishes in chunks; resolves only when the broker confirmed every one. */
  async #publishAll(events: readonly NotificationEvent[], publisher: Publisher): Promise<void> {
    for (let i = 0; i < events.length; i += PUBLISH_CHUNK) {
      const results = await Promise.allSettled(events.slice(i, i + PUBLISH_CHUNK).map((e) => this.#publish(e, publisher)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  async #publish(event: NotificationEvent, publisher: Publisher): Promise<void> {
    const routingKey = this.#routingKey(event);
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
        ...(Number.isNaN(time) ? {} : { timestamp: Math.floor(time / 1000) }), // an IP date we could not read: no timestamp
      },
      Buffer.from(JSON.stringify(event), 'utf8'),
    );
    await abortable(sent, this.#controller.signal);
    this.#stats.published += 1;
    // The broker sends basic.return before the confirm; rabbitmq-client emits the return in a setImmediate queued
    // before the confirm resolved, so one macrotask later it has been seen.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.#returnedIds.delete(event.id)) {
      this.#stats.returned += 1;
      this.emit('returned', event, routingKey);
      if (this.#options.unroutable === 'retry') throw new UnroutableNotificationError(event.id, routingKey);
      return;
    }
    this.emit('published', event, routingKey);
  }

  /** Waits `ms`, or less when `pollNow()`/`stop()` is called; never rejects. */
  #pause(ms: number, signal: AbortSignal): Promise<void> {
    return this.#sleeper.sleep(ms, signal);
  }
}

/**
 * Resolves true once the connection is up, false after `ms`, on abort, or (with `stopOnError`) on the connection's
 * first error, so a refused connection is reported at once instead of after the whole window.
 */
function waitForConnection(connection: Connection, ms: number, signal: AbortSignal, stopOnError: boolean): Promise<boolean> {
  if (connection.ready) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (up: boolean) => {
      clearTimeout(timer);
      connection.off('connection', onUp);
      connection.off('error', onError);
      signal.removeEventListener('abort', onAbort);
      resolve(up);
    };
    const onUp = () => finish(true);
    const onError = () => {
      if (stopOnError) finish(false);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(connection.ready), ms);
    connection.on('connection', onUp);
    connection.on('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function validate(options: NotificationBridgeOptions): void {
  if (!options || typeof options !== 'object')
    throw new RequestValidationError('options', 'the bridge options are required: { ip, amqpUrl }');
  if (!options.ip || typeof options.ip !== 'object')
    throw new RequestValidationError('options.ip', 'an IntegrasjonspunktClient is required');
  if (!isAmqpUrl(options.amqpUrl)) throw new RequestValidationError('options.amqpUrl', 'must be an amqp:// or amqps:// URL');
  const pageSize = options.pageSize ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 2000)
    throw new RequestValidationError('options.pageSize', 'must be a whole number from 1 to 2000');
  for (const key of ['pollIntervalMs', 'safetyMarginMs'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0))
      throw new RequestValidationError(`options.${key}`, 'must be a number of milliseconds, 0 or more');
  }
  if (options.unroutable !== undefined && options.unroutable !== 'skip' && options.unroutable !== 'retry')
    throw new RequestValidationError('options.unroutable', "must be 'skip' or 'retry'");
  if (options.exchangeMode !== undefined && options.exchangeMode !== 'declare' && options.exchangeMode !== 'passive')
    throw new RequestValidationError('options.exchangeMode', "must be 'declare' or 'passive'");
}

function backoff(failures: number, retry: NotificationBridgeOptions['retry']): number {
  const min = retry?.minDelayMs ?? 500;
  const max = retry?.maxDelayMs ?? 30_000;
  const base = Math.min(max, min * 2 ** Math.min(failures - 1, 20));
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

function defaultSource(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/$/, '');
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
