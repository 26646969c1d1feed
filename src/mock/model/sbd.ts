import { isPersonalIdentifier } from '../../models/identifiers.js';
import {
  conversationIdOf as modelConversationIdOf,
  expiryOf as modelExpiryOf,
  processOf as modelProcessOf,
  receiverOf as modelReceiverOf,
  senderOf as modelSenderOf,
  type StandardBusinessDocument,
} from '../../models/sbd.js';
import { parseDateTime } from '../format.js';
import type { Sbd } from './records.js';

/**
 * SBD helpers of the simulator. The accessors are the SDK's own (`src/models/sbd.ts`) on a stored SBD; what differs
 * on purpose is named after the IP class it mirrors: the IP is more lenient than the SDK's own validation.
 * @module
 */

/** A plain JSON object (not an array). @internal */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `java.util.UUID.fromString` as the IP's `UUIDValidator` uses it, for the `@UUID` fields of the SBD. The SDK's own
 * UUID check (`StandardBusinessDocumentRequestSchema`) is not exported from `src/models/`.
 * @internal
 */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An ISO 6523 identifier `<icd>:<org>[:<part>][:<source>]` as the IP's `Iso6523` reads it. The simulator needs the
 * parts themselves (the ICD when it rewrites an on-behalf-of sender), which `parseIdentifier` of `src/models/` only
 * gives for identifiers the SDK accepts.
 * @internal
 */
export const ISO6523 = /^(\d{4}):([^:]{1,35})(?::([^\s:]{1,35}))?(?::(\d))?$/;

/**
 * A sender identifier the IP accepts (`SenderValueValidator` → `PartnerIdentifier.isValid`). More lenient than the
 * SDK's `parseIdentifier` on purpose: the IP does not check an organisation number's MOD11 digit (its own test
 * features send to 910075924), takes any ICD with any organisation part, and takes a UUID.
 * @internal
 */
export function isIpPartnerIdentifier(value: string): boolean {
  if (/^\d{11}$/.test(value)) return isPersonalIdentifier(value);
  if (/^\d{9}$/.test(value)) return true;
  if (/^(her-id|fastlege-for):[^:]{1,11}$/.test(value)) return true;
  const m = ISO6523.exec(value);
  if (!m) return UUID.test(value);
  if (m[3] === '0' && m[4] === '0') return false;
  return /^\d{4}$/.test(m[1] as string);
}

/** The header of a stored SBD, as far as the simulator reads it (create validated and defaulted it). @internal */
export interface HeaderView {
  sender?: { identifier: { value: string; authority: string } }[];
  receiver?: { identifier: { value: string; authority: string } }[];
  documentIdentification: {
    standard: string;
    type: string;
    instanceIdentifier?: string;
    creationDateAndTime?: string;
    [k: string]: unknown;
  };
  businessScope: {
    scope: { type: string; instanceIdentifier?: string; identifier?: string; scopeInformation?: Record<string, unknown>[] }[];
  };
  [k: string]: unknown;
}

/** @internal */
export function header(sbd: Sbd): HeaderView {
  return sbd.standardBusinessDocumentHeader as unknown as HeaderView;
}

const asModel = (sbd: Sbd) => sbd as unknown as StandardBusinessDocument;

/** The conversationId of a stored SBD (create defaults it). @internal */
export function conversationIdOf(sbd: Sbd): string {
  return modelConversationIdOf(asModel(sbd)) as string;
}
/** The process of an SBD, undefined when the ConversationId scope has none. @internal */
export function processOf(sbd: Sbd): string | undefined {
  return modelProcessOf(asModel(sbd));
}
/** The sender identifier value of a stored SBD (create defaults it). @internal */
export function senderOf(sbd: Sbd): string {
  return modelSenderOf(asModel(sbd)) as string;
}
/** The receiver identifier value, undefined for a message without receiver (DPI print). @internal */
export function receiverOf(sbd: Sbd): string | undefined {
  return modelReceiverOf(asModel(sbd));
}
/** `expectedResponseDateTime` of a stored SBD: create validated it as a date-time string or defaulted it. @internal */
export function expiryOf(sbd: Sbd): string {
  return modelExpiryOf(asModel(sbd)) as string;
}
/** {@link expiryOf} in epoch ms. @internal */
export function expiryMs(sbd: Sbd): number {
  return parseDateTime(expiryOf(sbd)) as number;
}

/** Rebuilds the SBD in the IP's output property order (the SBD model's Jackson property order). @internal */
export function orderSbd(sbd: Sbd): Sbd {
  const h = sbd.standardBusinessDocumentHeader as Record<string, unknown>;
  const pick = (obj: Record<string, unknown>, order: string[]) => {
    const out: Record<string, unknown> = {};
    for (const k of order) if (obj[k] !== undefined && obj[k] !== null) out[k] = obj[k];
    for (const [k, v] of Object.entries(obj)) if (!(k in out) && v !== undefined && v !== null) out[k] = v;
    return out;
  };
  const partner = (p: Record<string, unknown>) => ({
    ...pick(p, ['identifier', 'contactInformation']),
    identifier: pick(p.identifier as Record<string, unknown>, ['value', 'authority']),
  });
  const orderedHeader = pick(h, ['headerVersion', 'sender', 'receiver', 'documentIdentification', 'manifest', 'businessScope']);
  for (const side of ['sender', 'receiver']) {
    if (Array.isArray(orderedHeader[side])) orderedHeader[side] = (orderedHeader[side] as Record<string, unknown>[]).map(partner);
  }
  orderedHeader.documentIdentification = pick(h.documentIdentification as Record<string, unknown>, [
    'standard',
    'typeVersion',
    'instanceIdentifier',
    'type',
    'multipleType',
    'creationDateAndTime',
  ]);
  const scope = (h.businessScope as { scope: Record<string, unknown>[] }).scope;
  orderedHeader.businessScope = {
    ...(h.businessScope as Record<string, unknown>),
    scope: scope.map((s) => pick(s, ['type', 'instanceIdentifier', 'identifier', 'scopeInformation'])),
  };
  const type = String((h.documentIdentification as Record<string, unknown>).type);
  return { standardBusinessDocumentHeader: orderedHeader, [type]: sbd[type] } as Sbd;
}
