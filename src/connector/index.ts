/**
 * `eformidling/rabbitmq`: an IntArk-style notification connector. One bridge follows an integrasjonspunkt and
 * publishes thin CloudEvents notifications (new statuses, newly arrived messages) to a RabbitMQ topic exchange;
 * any number of systems bind their own queues and fetch what they need from the IP ("notify, then fetch").
 *
 * Needs the optional peer dependency `rabbitmq-client`.
 *
 * **The contract** (see {@link createNotificationBridge} for the details):
 * - Exchange: a durable topic exchange, `eformidling` by default.
 * - Routing keys `source.type.object.event`: `eformidling.event.message.<status>` (e.g. `…message.levert`,
 *   `…message.feil`) and `eformidling.event.incoming.<documentType>` (e.g. `…incoming.arkivmelding`).
 * - Body: a CloudEvents 1.0 JSON event (`content-type: application/cloudevents+json`), `type`
 *   `no.eformidling.message.status` or `no.eformidling.message.incoming`, `id` `status-<statusId>` or
 *   `incoming-<messageId>`, `subject` `/api/statuses/<messageId>` or `/api/messages/in/<messageId>`, `data` with
 *   ids and metadata only.
 * - Persistent messages, publisher confirms, at-least-once delivery: deduplicate on (`source`, `id`).
 *
 * @example
 * ```ts
 * import { consumeNotifications, createNotificationBridge, fetchIncoming } from 'eformidling/rabbitmq';
 *
 * const bridge = createNotificationBridge({ ip, amqpUrl });
 * consumeNotifications({ amqpUrl, queue: 'dashboard', bindings: ['eformidling.event.message.*'], handler: show });
 * consumeNotifications({ amqpUrl, queue: 'archive', bindings: ['eformidling.event.incoming.#'],
 *   handler: fetchIncoming(ip, async ({ sbd, download }) => store(sbd, download)) });
 * ```
 * @module
 */
export type { ExchangeOptions, ReconnectOptions } from './amqp.js';
export {
  type BridgeRetry,
  BrokerUnreachableError,
  createNotificationBridge,
  type NotificationBridge,
  type NotificationBridgeEvents,
  type NotificationBridgeOptions,
  type NotificationBridgeStats,
  UnroutableNotificationError,
} from './bridge.js';
export {
  type ConsumeNotificationsOptions,
  consumeNotifications,
  InvalidNotificationError,
  type NotificationConsumer,
  type NotificationConsumerEvents,
  type NotificationConsumerStats,
  type NotificationDelivery,
  type NotificationHandler,
  RetryNotificationLater,
} from './consume.js';
export {
  DEFAULT_EXCHANGE,
  DEFAULT_ROUTING_KEY_PREFIX,
  DEFAULT_TYPE_PREFIX,
  EVENT_KINDS,
  incomingNotification,
  isIncomingNotification,
  isNotificationEvent,
  isStatusNotification,
  type MessageFacts,
  NOTIFICATION_CONTENT_TYPE,
  type NotificationData,
  type NotificationEvent,
  type RoutingKeyOptions,
  routingWord,
  statusNotification,
} from './events.js';
export { type FetchedIncomingMessage, type FetchIncomingOptions, fetchIncoming } from './fetch.js';
export {
  type BridgeState,
  type BridgeStateStore,
  fileStateStore,
  JsonFileBridgeStateStore,
  MemoryBridgeStateStore,
  memoryStateStore,
} from './store.js';
