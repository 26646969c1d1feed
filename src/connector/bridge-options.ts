import type { EventEmitter } from 'eventemitter3';
import type { IntegrasjonspunktClient } from '../client.js';
import { RequestValidationError } from '../errors.js';
import type { FollowerStart } from '../tracking/follower.js';
import type { Logger } from '../transport/logger.js';
import { type ExchangeOptions, isAmqpUrl, type ReconnectOptions } from './amqp.js';
import type { BrokerUnreachableError } from './bridge-errors.js';
import type { NotificationEvent, RoutingKeyOptions } from './events.js';
import type { BridgeStateStore } from './store.js';

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

/** Checks the options of {@link createNotificationBridge} (a RequestValidationError names the bad one). */
export function validate(options: NotificationBridgeOptions): void {
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

/** The pause before reconnect attempt `failures`: exponential with jitter, within `retry`'s bounds. */
export function backoff(failures: number, retry: NotificationBridgeOptions['retry']): number {
  const min = retry?.minDelayMs ?? 500;
  const max = retry?.maxDelayMs ?? 30_000;
  const base = Math.min(max, min * 2 ** Math.min(failures - 1, 20));
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

/** The CloudEvents `source` of a bridge: the IP's base URL without credentials. */
export function defaultSource(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/$/, '');
}
