/**
 * `eformidling`: the TypeScript SDK for the eFormidling integrasjonspunkt (IP).
 * @packageDocumentation
 */

export * from './asic/index.js';
export { IntegrasjonspunktClient, type IntegrasjonspunktClientOptions } from './client.js';
export * from './errors.js';
export * from './messages/index.js';
export * from './models/index.js';
export type { ContinuablePage, PagedAsyncIterable, PageSettings } from './pagination.js';
export * from './receive/index.js';
export type { CapabilitiesGetOptions, CapabilitiesResource } from './resources/capabilities.js';
export type { ConversationListFilter, ConversationsResource } from './resources/conversations.js';
export { type Download, type IncomingFilter, type IncomingResource, normalizeIncomingFilter } from './resources/incoming.js';
export type { OutgoingListFilter, OutgoingResource, UploadOptions } from './resources/outgoing.js';
export type { StatusesResource, StatusListFilter } from './resources/statuses.js';
export type { SubscriptionsResource } from './resources/subscriptions.js';
export * from './send/index.js';
export * from './tracking/index.js';
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
