/**
 * `eformidling/schemas`: the zod schemas behind the SDK's models, for code that validates IP JSON itself (a proxy, a
 * test double, a queue consumer). The SDK already parses every answer with them; its types (`StandardBusinessDocument`,
 * `MessageStatus`, …) come from the main entry point `eformidling`.
 *
 * @example
 * ```ts
 * import { StandardBusinessDocumentSchema } from 'eformidling/schemas';
 *
 * const sbd = StandardBusinessDocumentSchema.parse(JSON.parse(text));
 * ```
 * @module
 */
export {
  ArkivmeldingKvitteringMessageSchema,
  ArkivmeldingMessageSchema,
  AvtaltMessageSchema,
  BUSINESS_MESSAGE_SCHEMAS,
  BUSINESS_MESSAGE_WIRE_SCHEMAS,
  DialogmeldingKvitteringMessageSchema,
  DialogmeldingMessageSchema,
  DigitalDpvMessageSchema,
  DigitalMessageSchema,
  DpvSettingsSchema,
  EinnsynKvitteringMessageSchema,
  InnsynskravMessageSchema,
  PostAddressSchema,
  PrintMessageSchema,
  PubliseringMessageSchema,
} from './models/business-messages.js';
export { CapabilitiesSchema, CapabilitySchema, PostalAddressSchema } from './models/capabilities.js';
export { ConversationSchema, ConversationStatusSchema } from './models/conversation.js';
export { ApiErrorBodySchema, ValidationErrorItemSchema } from './models/error-body.js';
export { PageSchema } from './models/page.js';
export {
  ContactInformationSchema,
  CorrelationInformationSchema,
  DocumentIdentificationSchema,
  ManifestSchema,
  PartnerIdentificationSchema,
  PartnerSchema,
  ScopeSchema,
  StandardBusinessDocumentHeaderSchema,
  StandardBusinessDocumentRequestSchema,
  StandardBusinessDocumentSchema,
} from './models/sbd.js';
export { MessageStatusSchema } from './models/status.js';
export {
  PingEventSchema,
  StatusEventSchema,
  SubscriptionCreateParamsSchema,
  SubscriptionFilterSchema,
  SubscriptionSchema,
  SubscriptionUpdateParamsSchema,
  WebhookEventSchema,
} from './models/subscription.js';
