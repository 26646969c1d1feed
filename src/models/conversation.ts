import { z } from 'zod';
import { openEnum } from './common.js';
import { DIRECTIONS, SERVICE_IDENTIFIERS, STATUSES } from './status.js';

/** A status as embedded in a conversation (no convId/messageId). @category Models */
export const ConversationStatusSchema = z.looseObject({
  id: z.number(),
  lastUpdate: z.string(),
  status: openEnum(STATUSES),
  description: z.string().optional(),
});

/**
 * A conversation: one message and its statuses (`/api/conversations`, the IP's `Conversation` view).
 * @category Models
 */
export const ConversationSchema = z.looseObject({
  id: z.number(),
  conversationId: z.string().optional(),
  messageId: z.string(),
  sender: z.string().optional(),
  senderIdentifier: z.string().optional(),
  receiver: z.string().optional(),
  receiverIdentifier: z.string().optional(),
  processIdentifier: z.string().optional(),
  documentIdentifier: z.string().optional(),
  messageReference: z.string().optional(),
  messageTitle: z.string().optional(),
  lastUpdate: z.string().optional(),
  finished: z.boolean().optional(),
  expiry: z.string().optional(),
  direction: openEnum(DIRECTIONS).optional(),
  serviceIdentifier: openEnum(SERVICE_IDENTIFIERS).optional(),
  externalSystemReference: z.string().optional(),
  messageStatuses: z.array(ConversationStatusSchema).optional(),
});
/** @category Models */
export type Conversation = z.infer<typeof ConversationSchema>;
