/**
 * `eformidling`: the TypeScript SDK for the eFormidling integrasjonspunkt (IP).
 *
 * The whole public surface is listed here by name; api/eformidling.api.md is its report (`npm run api` updates it).
 * The functions behind `ip.send()`, `ip.track()`, `ip.receive()` and their friends are reached through the client.
 * The zod schemas of the models are the entry point `eformidling/schemas`.
 * @packageDocumentation
 */

export type { NextMoveManifest } from './asic/index.js';
// ASiC-E containers.
export {
  AsicContainer,
  type AsicEntry,
  type AsicEntryKind,
  AsicError,
  type AsicErrorCode,
  type AsicLimits,
  type AsicSource,
  DEFAULT_ASIC_LIMITS,
  type ExtractedFile,
  type ExtractOptions,
  isAsicError,
  type OpenAsicOptions,
  openAsic,
} from './asic/index.js';
// The client and its resources.
export { IntegrasjonspunktClient, type IntegrasjonspunktClientOptions } from './client.js';
// Errors.
export {
  ApiError,
  type ApiErrorInit,
  BadRequestError,
  ConnectionError,
  EformidlingError,
  ForbiddenError,
  isApiError,
  isConnectionError,
  isEformidlingError,
  isNotFoundError,
  isNotIntegrasjonspunktError,
  isRequestValidationError,
  isResponseValidationError,
  isTimeoutError,
  NotFoundError,
  NotIntegrasjonspunktError,
  PayloadTooLargeError,
  RateLimitError,
  RequestValidationError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  type ValidationIssue,
} from './errors.js';
export {
  type ArkivmeldingKvitteringParams,
  type ArkivmeldingParams,
  type ArkivmeldingXmlParams,
  type AvtaltParams,
  arkivmelding,
  arkivmeldingKvittering,
  arkivmeldingXml,
  avtalt,
  buildMessage,
  DEFAULT_TYPE_VERSION,
  type DialogmeldingParams,
  type DigitalDpvParams,
  type DigitalParams,
  dialogmelding,
  digital,
  digitalDpv,
  type EinnsynKvitteringParams,
  einnsynKvittering,
  type InnsynskravParams,
  innsynskrav,
  type MessageHeaderParams,
  type PrintParams,
  type PubliseringParams,
  print,
  publisering,
} from './messages/index.js';
// Models (types, constants and readers) and the message builders.
export * from './models/index.js';
export type { ContinuablePage, PagedAsyncIterable, PageSettings } from './pagination.js';
export type { IncomingReceiveOne, ReceivedOne, ReceiveOneOptions, SpoolOptions } from './receive/index.js';
// Receiving.
export {
  type DeadLetterEvent,
  type FailedEvent,
  type IdleEvent,
  isLockExpiredError,
  JsonFileProcessedStore,
  LockExpiredError,
  MemoryProcessedStore,
  type MessageHandler,
  type ProcessedEvent,
  type ProcessedRecord,
  type ProcessedStore,
  ReceivedAsic,
  type ReceivedMessage,
  type ReceiveEvents,
  type ReceiveFailure,
  ReceiveLoop,
  type ReceiveOptions,
  type ReceiveReport,
  type ReceiveStage,
  type ReceiveWarning,
  type StoreRetentionOptions,
} from './receive/index.js';
export type { CapabilitiesGetOptions, CapabilitiesResource } from './resources/capabilities.js';
export type { ConversationListFilter, ConversationsResource } from './resources/conversations.js';
export {
  type Download,
  type IncomingFilter,
  type IncomingResource,
  normalizeIncomingFilter,
} from './resources/incoming.js';
export type { HealthComponent, ManageHealth, ManageResource } from './resources/manage.js';
export { MULTIPART_PART_LIMIT, type SendProgress } from './resources/multipart.js';
export type { OutgoingListFilter, OutgoingResource, UploadOptions } from './resources/outgoing.js';
export type { StatusesResource, StatusListFilter } from './resources/statuses.js';
export type { SubscriptionsResource } from './resources/subscriptions.js';
// Sending.
export {
  isReceiverNotCapableError,
  isSendError,
  ReceiverNotCapableError,
  SendError,
  type SendErrorInit,
  type SendStep,
} from './send/errors.js';
export {
  chooseStrategy,
  DEFAULT_ONE_STEP_MAX_BYTES,
  type ResumeSendOptions,
  type SendInput,
  type SendOptions,
  type SendStrategy,
  type SendToOptions,
} from './send/index.js';

// Tracking statuses.
export { classifyStatus, type DeliveryState, isKnownStatus, type StatusKind } from './tracking/classify.js';
export { DeliveryFailedError, DeliveryTimeoutError, TrackerStoppedError } from './tracking/errors.js';
export {
  createStatusFollower,
  type FollowerPollStats,
  type FollowerStart,
  StatusFollower,
  type StatusFollowerOptions,
  type StatusFollowerState,
} from './tracking/follower.js';
export type { WaitForDeliveryOptions } from './tracking/index.js';
export {
  JsonFileTrackerStore,
  MemoryTrackerStore,
  type StoredMessage,
  type TrackerSnapshot,
  type TrackerStore,
} from './tracking/store.js';
export {
  type CycleInfo,
  StatusTracker,
  type StatusTrackerEvents,
  type StatusUpdate,
  type TrackOptions,
  type TrackStrategy,
  type WaitForOptions,
} from './tracking/tracker.js';
// Client options.
export type { AuthOption } from './transport/auth.js';
export type { RequestOptions } from './transport/http.js';
export type { Logger } from './transport/logger.js';
export { isTransient, type RetryOptions } from './transport/retry.js';
export type { FetchLike, TlsOptions } from './transport/tls.js';
export type { UserAgentOption } from './transport/user-agent.js';
// Files to send.
export { type FileContent, type FromPathOptions, fromPath, mimeTypeOf, type Upload, type UploadContent } from './uploads.js';
export { VERSION } from './version.js';
export {
  createWebhookHandler,
  type Notifiable,
  type WebhookHandler,
  type WebhookHandlerOptions,
  webhookEndpoint,
} from './webhooks/handler.js';
