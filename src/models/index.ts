/**
 * The IP's JSON models as TypeScript types, and the helpers and constants that read them. The zod schemas that
 * validate them are the `eformidling/schemas` entry point (src/schemas.ts). Listed by name so that what this module
 * adds to the public surface is a decision (api/eformidling.api.md shows the result).
 * @module
 */
export {
  type ArkivmeldingKvitteringMessage,
  type ArkivmeldingMessage,
  type AvtaltMessage,
  type DialogmeldingMessage,
  type DigitalDpvMessage,
  type DigitalMessage,
  DPV_VARSEL_TRANSPORT_TYPES,
  DPV_VARSEL_TYPES,
  type DpvSettings,
  type EinnsynKvitteringMessage,
  type InnsynskravMessage,
  isReceiptType,
  MESSAGE_TYPES,
  type MessageType,
  POSTAL_CATEGORIES,
  type PostAddress,
  PRINT_COLORS,
  PROCESSES,
  type PrintMessage,
  type PubliseringMessage,
  RECEIPT_TYPE_VALUES,
  RECEIPT_TYPES,
  RETURN_HANDLINGS,
  STANDARDS,
  TYPES_WITHOUT_FILES,
} from './business-messages.js';
export type { Capabilities, Capability } from './capabilities.js';
export type { OpenEnum } from './common.js';
export type { Conversation } from './conversation.js';
export type { ApiErrorBody, ValidationErrorItem } from './error-body.js';
export {
  type IdentifierOptions,
  isOrganisationNumber,
  isPersonalIdentifier,
  onBehalfOf,
  type ParsedIdentifier,
  parseIdentifier,
  toPartOrPrimaryIdentifier,
  toPrimaryIdentifier,
} from './identifiers.js';
export type { Page, PageParams } from './page.js';
export {
  AUTHORITIES,
  businessMessageOf,
  conversationIdOf,
  type DocumentIdentification,
  expiryOf,
  messageIdOf,
  type Partner,
  type PartnerIdentification,
  processOf,
  receiverOf,
  SCOPE_TYPES,
  type Scope,
  type StandardBusinessDocument,
  type StandardBusinessDocumentHeader,
  senderOf,
  typeOf,
} from './sbd.js';
export {
  DIRECTIONS,
  type Direction,
  type MessageStatus,
  SERVICE_IDENTIFIERS,
  type ServiceIdentifier,
  STATUSES,
  type Status,
} from './status.js';
export type {
  PingEvent,
  StatusEvent,
  Subscription,
  SubscriptionCreateParams,
  SubscriptionUpdateParams,
  WebhookEvent,
} from './subscription.js';
