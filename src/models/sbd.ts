import { z } from 'zod';
import { BUSINESS_MESSAGE_WIRE_SCHEMAS, type MessageType, printAddressIssue } from './business-messages.js';
import { isPlainSbd } from './checks.js';
import { openEnum, withFastCheck } from './common.js';

/** Identifier authority values. @category Models */
export const AUTHORITIES = ['iso6523-actorid-upis', 'nhn-actorid'] as const;

/** @category Models */
export const PartnerIdentificationSchema = z.looseObject({
  value: z.string(),
  authority: openEnum(AUTHORITIES),
});
/** @category Models */
export type PartnerIdentification = z.infer<typeof PartnerIdentificationSchema>;

/** @category Models */
export const ContactInformationSchema = z.looseObject({
  contact: z.string(),
  emailAddress: z.string().optional(),
  faxNumber: z.string().optional(),
  telephoneNumber: z.string().optional(),
  contactTypeIdentifier: z.string().optional(),
});

/** Sender or receiver of an SBD. @category Models */
export const PartnerSchema = z.looseObject({
  identifier: PartnerIdentificationSchema,
  contactInformation: z.array(ContactInformationSchema).optional(),
});
/** @category Models */
export type Partner = z.infer<typeof PartnerSchema>;

/** @category Models */
export const DocumentIdentificationSchema = z.looseObject({
  standard: z.string(),
  typeVersion: z.string(),
  /** The messageId (a UUID). */
  instanceIdentifier: z.string().optional(),
  type: z.string(),
  multipleType: z.boolean().optional(),
  creationDateAndTime: z.string().optional(),
});
/** @category Models */
export type DocumentIdentification = z.infer<typeof DocumentIdentificationSchema>;

/** @category Models */
export const CorrelationInformationSchema = z.looseObject({
  requestingDocumentCreationDateTime: z.string().optional(),
  requestingDocumentInstanceIdentifier: z.string().optional(),
  expectedResponseDateTime: z.string().optional(),
});

/** Scope types the IP knows. @category Models */
export const SCOPE_TYPES = ['ConversationId', 'SenderRef', 'ReceiverRef', 'JournalpostId', 'ParentId', 'MessageChannel'] as const;

/** @category Models */
export const ScopeSchema = z.looseObject({
  type: openEnum(SCOPE_TYPES),
  instanceIdentifier: z.string().optional(),
  identifier: z.string().optional(),
  scopeInformation: z.array(CorrelationInformationSchema).optional(),
});
/** @category Models */
export type Scope = z.infer<typeof ScopeSchema>;

/** @category Models */
export const ManifestSchema = z.looseObject({
  numberOfItems: z.number().optional(),
  manifestItem: z
    .array(
      z.looseObject({
        mimeTypeQualifierCode: z.string(),
        uniformResourceIdentifier: z.string(),
        description: z.string().optional(),
        languageCode: z.string().optional(),
      }),
    )
    .optional(),
});

/** @category Models */
export const StandardBusinessDocumentHeaderSchema = z.looseObject({
  headerVersion: z.string(),
  sender: z.array(PartnerSchema).optional(),
  receiver: z.array(PartnerSchema).optional(),
  documentIdentification: DocumentIdentificationSchema,
  manifest: ManifestSchema.optional(),
  businessScope: z.looseObject({ scope: z.array(ScopeSchema) }),
});
/** @category Models */
export type StandardBusinessDocumentHeader = z.infer<typeof StandardBusinessDocumentHeaderSchema>;

/**
 * A StandardBusinessDocument (SBD): the header plus one business message stored under the key equal to
 * `documentIdentification.type` (e.g. `arkivmelding`). Parsed leniently: unknown fields are kept.
 * @category Models
 */
export const StandardBusinessDocumentSchema = withFastCheck(
  z.looseObject({
    standardBusinessDocumentHeader: StandardBusinessDocumentHeaderSchema,
  }),
  isPlainSbd,
);
/** @category Models */
export type StandardBusinessDocument = z.infer<typeof StandardBusinessDocumentSchema>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The strict shape the IP accepts on create (`StandardBusinessDocument` as `NextMoveMessageOutController.createMessage` reads it): exactly the header and one business message
 * whose key equals `documentIdentification.type`; `standard` ends in `::<type>`; at most one sender and receiver; a
 * messageId and conversationId, when given, are UUIDs; a ConversationId scope with a process exists.
 * @category Models
 */
export const StandardBusinessDocumentRequestSchema = StandardBusinessDocumentSchema.superRefine((sbd, ctx) => {
  const header = sbd.standardBusinessDocumentHeader;
  const doc = header.documentIdentification;
  const keys = Object.keys(sbd).filter((k) => k !== 'standardBusinessDocumentHeader');
  // 6.1.1: exactly two members; the business message key is the lower-case type.
  if (keys.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `an SBD has exactly one business message next to the header; found ${keys.length ? keys.join(', ') : 'none'}`,
    });
  } else if (keys[0] !== doc.type) {
    ctx.addIssue({
      code: 'custom',
      path: [keys[0] as string],
      message: `the business message key must equal documentIdentification.type ('${doc.type}')`,
    });
  } else {
    const key = keys[0] as string;
    const body = sbd[key];
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'the business message must be a JSON object' });
    } else {
      for (const issue of businessMessageIssues(key, body as Record<string, unknown>, (header.receiver?.length ?? 0) > 0)) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }
    }
  }
  if (doc.type !== doc.type.toLowerCase()) {
    ctx.addIssue({
      code: 'custom',
      path: ['standardBusinessDocumentHeader', 'documentIdentification', 'type'],
      message: 'must be lower case',
    });
  }
  // 3.2.1 step 9: MessageTypeDoesNotFitDocumentTypeException.
  if (!doc.standard.endsWith(`::${doc.type}`)) {
    ctx.addIssue({
      code: 'custom',
      path: ['standardBusinessDocumentHeader', 'documentIdentification', 'standard'],
      message: `must end with '::${doc.type}'`,
    });
  }
  if (doc.instanceIdentifier !== undefined && !UUID.test(doc.instanceIdentifier)) {
    ctx.addIssue({
      code: 'custom',
      path: ['standardBusinessDocumentHeader', 'documentIdentification', 'instanceIdentifier'],
      message: 'the messageId must be a UUID',
    });
  }
  // 6.1: sender and receiver are arrays with at most one item.
  for (const side of ['sender', 'receiver'] as const) {
    if ((header[side]?.length ?? 0) > 1) {
      ctx.addIssue({ code: 'custom', path: ['standardBusinessDocumentHeader', side], message: 'at most one partner' });
    }
  }
  const scopes = header.businessScope.scope;
  const conv = scopes.findIndex((s) => s.type === 'ConversationId');
  if (conv < 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['standardBusinessDocumentHeader', 'businessScope', 'scope'],
      message: 'a ConversationId scope carrying the process is required',
    });
  } else {
    const scope = scopes[conv];
    if (!scope?.identifier) {
      ctx.addIssue({
        code: 'custom',
        path: ['standardBusinessDocumentHeader', 'businessScope', 'scope', conv, 'identifier'],
        message: 'the ConversationId scope needs the process URN as identifier',
      });
    }
    if (scope?.instanceIdentifier && !UUID.test(scope.instanceIdentifier)) {
      ctx.addIssue({
        code: 'custom',
        path: ['standardBusinessDocumentHeader', 'businessScope', 'scope', conv, 'instanceIdentifier'],
        message: 'the conversationId must be a UUID',
      });
    }
  }
});

/**
 * What the IP refuses in a business message before any business rule: values it cannot read into the message's
 * class (an unknown enum spelling such as `VARSEL_DPV_MED_REVARSEL` instead of `VarselDPVMedRevarsel`, a
 * non-number `sikkerhetsnivaa`: 400 HttpMessageNotReadableException) and, for a `print` without receiver, an
 * incomplete address (MissingAddressInformationException). Part of {@link StandardBusinessDocumentRequestSchema};
 * exported for callers that check the rest of the shape by hand.
 * @param type - the business message key (= `documentIdentification.type`).
 * @param body - the business message.
 * @param hasReceiver - whether the header names a receiver.
 * @returns the issues (paths start with the type), empty when there are none.
 * @category Models
 */
export function businessMessageIssues(
  type: string,
  body: Record<string, unknown>,
  hasReceiver: boolean,
): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const wire = BUSINESS_MESSAGE_WIRE_SCHEMAS[type as MessageType]?.safeParse(body);
  for (const issue of wire?.success === false ? wire.error.issues : []) {
    issues.push({ path: [type, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))], message: issue.message });
  }
  if (type === 'print' && !hasReceiver) {
    const issue = printAddressIssue(body);
    if (issue) issues.push({ path: [type, ...issue.path], message: issue.message });
  }
  return issues;
}

function conversationScope(sbd: StandardBusinessDocument): Scope | undefined {
  return sbd.standardBusinessDocumentHeader.businessScope.scope.find((s) => s.type === 'ConversationId');
}

/** The messageId (`documentIdentification.instanceIdentifier`). @category Models */
export function messageIdOf(sbd: StandardBusinessDocument): string | undefined {
  return sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
}
/** The conversationId (the ConversationId scope's `instanceIdentifier`). @category Models */
export function conversationIdOf(sbd: StandardBusinessDocument): string | undefined {
  return conversationScope(sbd)?.instanceIdentifier;
}
/** The process URN (the ConversationId scope's `identifier`). @category Models */
export function processOf(sbd: StandardBusinessDocument): string | undefined {
  return conversationScope(sbd)?.identifier;
}
/** The message type (`documentIdentification.type`), e.g. `arkivmelding`. @category Models */
export function typeOf(sbd: StandardBusinessDocument): string {
  return sbd.standardBusinessDocumentHeader.documentIdentification.type;
}
/** The expiry (`expectedResponseDateTime` of the ConversationId scope). @category Models */
export function expiryOf(sbd: StandardBusinessDocument): string | undefined {
  return conversationScope(sbd)?.scopeInformation?.[0]?.expectedResponseDateTime;
}
/** The sender's identifier value, e.g. `0192:910077473`. @category Models */
export function senderOf(sbd: StandardBusinessDocument): string | undefined {
  return sbd.standardBusinessDocumentHeader.sender?.[0]?.identifier.value;
}
/** The receiver's identifier value, e.g. `0192:910075918`. @category Models */
export function receiverOf(sbd: StandardBusinessDocument): string | undefined {
  return sbd.standardBusinessDocumentHeader.receiver?.[0]?.identifier.value;
}
/** The business message object (the member named after the type). @category Models */
export function businessMessageOf<T = Record<string, unknown>>(sbd: StandardBusinessDocument): T | undefined {
  return sbd[typeOf(sbd)] as T | undefined;
}
