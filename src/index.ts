/**
 * `eformidling`: the TypeScript SDK for the eFormidling integrasjonspunkt (IP).
 *
 * The whole public surface is listed here; the functions behind `ip.send()`, `ip.track()`, `ip.receive()` and their
 * friends are reached through the client.
 * @packageDocumentation
 */

export * from './asic/index.js';
export { IntegrasjonspunktClient, type IntegrasjonspunktClientOptions } from './client.js';
export * from './errors.js';
export * from './messages/index.js';
export * from './models/index.js';
export type { ContinuablePage, PagedAsyncIterable, PageSettings } from './pagination.js';
export type * from './receive/index.js';
export {
  isLockExpiredError,
  JsonFileProcessedStore,
  LockExpiredError,
  MemoryProcessedStore,
  ReceivedAsic,
  ReceiveLoop,
} from './receive/index.js';
export type { CapabilitiesGetOptions, CapabilitiesResource } from './resources/capabilities.js';
export type { ConversationListFilter, ConversationsResource } from './resources/conversations.js';
export { type Download, type IncomingFilter, type IncomingResource, normalizeIncomingFilter } from './resources/incoming.js';
export type { OutgoingListFilter, OutgoingResource, UploadOptions } from './resources/outgoing.js';
export type { StatusesResource, StatusListFilter } from './resources/statuses.js';
export type { SubscriptionsResource } from './resources/subscriptions.js';
export type * from './send/index.js';
export {
  chooseStrategy,
  DEFAULT_ONE_STEP_MAX_BYTES,
  isReceiverNotCapableError,
  isSendError,
  MULTIPART_PART_LIMIT,
  ReceiverNotCapableError,
  SendError,
} from './send/index.js';
export type * from './tracking/index.js';
export {
  classifyStatus,
  createStatusFollower,
  createWebhookHandler,
  DeliveryFailedError,
  DeliveryTimeoutError,
  isKnownStatus,
  JsonFileTrackerStore,
  MemoryTrackerStore,
  StatusFollower,
  StatusTracker,
  TrackerStoppedError,
} from './tracking/index.js';
export type { AuthOption } from './transport/auth.js';
export type { RequestOptions } from './transport/http.js';
export type { Logger } from './transport/logger.js';
export { isTransient, type RetryOptions } from './transport/retry.js';
export type { FetchLike, TlsOptions } from './transport/tls.js';
export type { UserAgentOption } from './transport/user-agent.js';
export {
  contentDisposition,
  type FileContent,
  type FromPathOptions,
  fromPath,
  mimeTypeOf,
  type Upload,
  type UploadContent,
} from './uploads.js';
export { VERSION } from './version.js';
export { webhookEndpoint } from './webhooks/handler.js';
