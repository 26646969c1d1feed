import { z } from 'zod';
import { openEnum } from './common.js';
import { DIRECTIONS, SERVICE_IDENTIFIERS, STATUSES } from './status.js';

/** A webhook subscription as the IP returns it (the IP's `Subscription`, `SubscriptionController`). @category Models */
export const SubscriptionSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  pushEndpoint: z.string(),
  resource: openEnum(['all', 'messages'] as const),
  event: openEnum(['all', 'status'] as const),
  filter: z.string().optional(),
});
/** @category Models */
export type Subscription = z.infer<typeof SubscriptionSchema>;

const FILTER_PART = /^(\w+)(=)(.+)$/;
const FILTER_NAMES = ['status', 'serviceIdentifier', 'direction'];

/** The filter syntax the IP's `SubscriptionController` accepts: `name=v1,v2&name=v`, names status/serviceIdentifier/direction. @internal */
export const SubscriptionFilterSchema = z.string().refine(
  (f) =>
    f.split('&').every((part) => {
      const m = FILTER_PART.exec(part);
      return m !== null && FILTER_NAMES.includes(m[1] as string);
    }),
  { message: 'must be a valid filter definition: name=value[,value][&name=value], names status, serviceIdentifier, direction' },
);

/** Body of `POST /api/subscriptions`. @category Models */
export const SubscriptionCreateParamsSchema = z.strictObject({
  name: z.string().min(1),
  pushEndpoint: z.url(),
  resource: z.enum(['all', 'messages']),
  event: z.enum(['all', 'status']),
  filter: SubscriptionFilterSchema.optional(),
});
/** @category Models */
export type SubscriptionCreateParams = z.infer<typeof SubscriptionCreateParamsSchema>;

/** Body of `PUT /api/subscriptions/{id}`: a partial update. @category Models */
export const SubscriptionUpdateParamsSchema = SubscriptionCreateParamsSchema.partial();
/** @category Models */
export type SubscriptionUpdateParams = z.infer<typeof SubscriptionUpdateParamsSchema>;

/** Webhook ping event, sent when a subscription is created or its endpoint changes. @category Models */
export const PingEventSchema = z.looseObject({ createdTs: z.string(), event: z.literal('ping') });
/** @category Models */
export type PingEvent = z.infer<typeof PingEventSchema>;

/** Webhook status event (pushed by the IP's webhook publisher). @category Models */
export const StatusEventSchema = z.looseObject({
  createdTs: z.string(),
  resource: z.literal('messages'),
  event: z.literal('status'),
  messageId: z.string(),
  conversationId: z.string().optional(),
  direction: openEnum(DIRECTIONS),
  serviceIdentifier: openEnum(SERVICE_IDENTIFIERS).optional(),
  status: openEnum(STATUSES),
  description: z.string().optional(),
});
/** @category Models */
export type StatusEvent = z.infer<typeof StatusEventSchema>;

/** Any webhook event. @category Models */
export const WebhookEventSchema = z.discriminatedUnion('event', [PingEventSchema, StatusEventSchema]);
/** @category Models */
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;
