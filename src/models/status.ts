import { z } from 'zod';
import { openEnum } from './common.js';

/** Message statuses (the IP's `ReceiptStatus`). @category Models */
export const STATUSES = [
  'OPPRETTET',
  'SENDT',
  'MOTTATT',
  'LEVERT',
  'LEST',
  'FEIL',
  'ANNET',
  'INNKOMMENDE_MOTTATT',
  'INNKOMMENDE_LEVERT',
  'LEVETID_UTLOPT',
] as const;
/** A status as the IP sends it; unknown future values are kept as strings. @category Models */
export type Status = (typeof STATUSES)[number] | (string & {});

/** Service identifiers (the IP's `ServiceIdentifier`). @category Models */
export const SERVICE_IDENTIFIERS = ['DPO', 'DPV', 'DPI', 'DPF', 'DPE', 'DPH', 'UNKNOWN'] as const;
/** @category Models */
export type ServiceIdentifier = (typeof SERVICE_IDENTIFIERS)[number] | (string & {});

/** Message directions. @category Models */
export const DIRECTIONS = ['INCOMING', 'OUTGOING'] as const;
/** @category Models */
export type Direction = (typeof DIRECTIONS)[number] | (string & {});

/**
 * One status of a message (`/api/statuses`, the IP's `MessageStatus` view).
 * @category Models
 */
export const MessageStatusSchema = z.looseObject({
  id: z.number(),
  lastUpdate: z.string(),
  status: openEnum(STATUSES),
  description: z.string().optional(),
  rawReceipt: z.string().optional(),
  convId: z.number().optional(),
  messageId: z.string().optional(),
  conversationId: z.string().optional(),
});
/** @category Models */
export type MessageStatus = z.infer<typeof MessageStatusSchema>;
