import { randomUUID } from 'node:crypto';
import { MESSAGE_TYPES } from '../../models/business-messages.js';
import { SCOPE_TYPES } from '../../models/sbd.js';
import { readBusinessMessage, reserialiseDateTime, UnreadableBusinessMessage, unreadableJson } from '../business-message.js';
import { formatDateTime, parseDateTime } from '../format.js';
import { type FieldViolation, frameworkError, methodArgumentNotValid } from '../ip-error.js';
import type { Sbd } from './records.js';
import { header, ISO6523, isIpPartnerIdentifier, isObject, UUID } from './sbd.js';

/**
 * What `POST /api/messages/out` does to the SBD before any business rule (`NextMoveMessageService.createMessage`):
 * Jackson's binding of `StandardBusinessDocument` ({@link checkShape}, {@link readBody}), bean validation
 * ({@link beanValidate}) and the defaults of `NextMoveOutMessageFactory.setDefaults` ({@link applyDefaults}).
 * @module
 */

/**
 * The SBD's shape as Jackson binds `StandardBusinessDocument`: exactly the header and one business message named
 * after the type, partners and scopes that are objects, a known authority.
 * @internal
 */
export function checkShape(input: unknown): Sbd {
  const illegal = (message: string) => frameworkError(500, 'java.lang.IllegalArgumentException', message);
  const unreadable = (message: string) =>
    frameworkError(400, 'org.springframework.http.converter.HttpMessageNotReadableException', `JSON parse error: ${message}`);
  if (!isObject(input)) throw unreadable('expected an object');
  const keys = Object.keys(input);
  const h = input.standardBusinessDocumentHeader;
  if (keys.length > 2) throw illegal(`Unexpected member in StandardBusinessDocument: ${keys.slice(2).join(', ')}`);
  const businessKey = keys.find((k) => k !== 'standardBusinessDocumentHeader');
  const type = isObject(h) && isObject(h.documentIdentification) ? h.documentIdentification.type : undefined;
  if (businessKey === undefined && (type === undefined || type === null)) {
    throw frameworkError(400, 'org.springframework.http.converter.HttpMessageNotReadableException', 'JSON parse error: Missing type!');
  }
  const typeName = typeof type === 'string' ? type : businessKey;
  if (typeName !== undefined) {
    const known = (MESSAGE_TYPES as readonly string[]).includes(typeName.toLowerCase());
    if (!known) throw illegal(`Unknown document type: ${typeName}`);
    if (businessKey !== undefined && businessKey !== typeName.toLowerCase()) {
      throw illegal(`Business message key '${businessKey}' does not match type '${typeName}'`);
    }
  }
  if (businessKey !== undefined && !isObject(input[businessKey])) throw illegal(`Business message ${businessKey} must be an object`);
  for (const side of ['sender', 'receiver']) {
    const partners = isObject(h) ? h[side] : undefined;
    if (partners !== undefined && partners !== null && !Array.isArray(partners)) {
      throw frameworkError(
        400,
        'org.springframework.http.converter.HttpMessageNotReadableException',
        `JSON parse error: Cannot deserialize value of type \`java.util.HashSet<no.difi.meldingsutveksling.domain.sbdh.Partner>\` from Object value (token \`JsonToken.START_OBJECT\`)`,
      );
    }
    for (const p of Array.isArray(partners) ? partners : []) {
      const authority = isObject(p) && isObject(p.identifier) ? p.identifier.authority : undefined;
      if (authority !== 'iso6523-actorid-upis' && authority !== 'nhn-actorid') throw illegal(`Unknown authority: ${String(authority)}`);
    }
  }
  // Jackson cannot bind scopes or scope information that are not objects (a list where one is expected).
  const scopes = isObject(h) && isObject(h.businessScope) ? h.businessScope.scope : undefined;
  for (const scope of Array.isArray(scopes) ? scopes : []) {
    if (!isObject(scope)) throw unreadable('Cannot construct instance of `no.difi.meldingsutveksling.domain.sbdh.Scope`');
    const infos = scope.scopeInformation;
    if (infos === undefined || infos === null) continue;
    if (!Array.isArray(infos)) {
      throw unreadable(
        'Cannot deserialize value of type `java.util.Set<no.difi.meldingsutveksling.domain.sbdh.ScopeInformation>` from Object value',
      );
    }
    if (!infos.every(isObject)) throw unreadable('Cannot construct instance of `no.difi.meldingsutveksling.domain.sbdh.ScopeInformation`');
  }
  // Header only: the IP needs the business message member.
  if (businessKey === undefined) throw illegal('Missing business message');
  return structuredClone(input) as Sbd;
}

/**
 * Jackson's reading of the typed parts (`StandardBusinessDocument` and the class `BusinessMessageType` names):
 * the business message keeps its known fields only, an unknown enum constant or an unconvertible scalar is 400
 * HttpMessageNotReadableException; header date-times are `OffsetDateTime`s, written back with the IP's offset.
 */
export function readBody(sbd: Sbd, mode: 'json' | 'multipart'): void {
  const h = sbd.standardBusinessDocumentHeader as Record<string, unknown> | null | undefined;
  const doc = isObject(h) && isObject(h.documentIdentification) ? h.documentIdentification : undefined;
  const created = doc?.creationDateAndTime;
  if (created !== undefined && created !== null && (typeof created !== 'string' || parseDateTime(created) === undefined)) {
    throw unreadableJson(`Cannot deserialize value of type \`java.time.OffsetDateTime\` from String "${String(created)}"`, mode);
  }
  const key = Object.keys(sbd).find((k) => k !== 'standardBusinessDocumentHeader') as string; // checkShape: exactly one
  try {
    sbd[key] = readBusinessMessage(key, sbd[key] as Record<string, unknown>);
  } catch (error) {
    if (error instanceof UnreadableBusinessMessage) throw unreadableJson(error.message, mode);
    throw error;
  }
}

/** Bean validation (`@Valid` on the SBD) → MethodArgumentNotValidException / ConstraintViolationException. */
export function beanValidate(sbd: Sbd, mode: 'json' | 'multipart', now: () => number): void {
  const errors: FieldViolation[] = [];
  const h = sbd.standardBusinessDocumentHeader as Record<string, unknown> | null | undefined;
  const notNull = (field: string, value: unknown, javaType = 'java.lang.String') => {
    if (value === undefined || value === null) errors.push({ field, code: 'NotNull', message: 'must not be null', javaType });
  };
  notNull('standardBusinessDocumentHeader', h, 'no.difi.meldingsutveksling.domain.sbdh.StandardBusinessDocumentHeader');
  if (isObject(h)) {
    notNull('standardBusinessDocumentHeader.headerVersion', h.headerVersion);
    const doc = h.documentIdentification;
    notNull('standardBusinessDocumentHeader.documentIdentification', doc, 'no.difi.meldingsutveksling.domain.sbdh.DocumentIdentification');
    if (isObject(doc)) {
      notNull('standardBusinessDocumentHeader.documentIdentification.standard', doc.standard);
      notNull('standardBusinessDocumentHeader.documentIdentification.typeVersion', doc.typeVersion);
      notNull('standardBusinessDocumentHeader.documentIdentification.type', doc.type);
      if (typeof doc.instanceIdentifier === 'string' && !UUID.test(doc.instanceIdentifier)) {
        errors.push({
          field: 'standardBusinessDocumentHeader.documentIdentification.instanceIdentifier',
          code: 'UUID',
          message: 'Must be a valid UUID',
          rejected: doc.instanceIdentifier,
          javaType: 'java.lang.String',
        });
      }
    }
    for (const side of ['sender', 'receiver'] as const) {
      const list = h[side];
      if (Array.isArray(list) && list.length > 1) {
        errors.push({
          field: `standardBusinessDocumentHeader.${side}`,
          code: 'Size',
          message: 'size must be between 0 and 1',
          javaType: 'java.util.Set',
        });
      }
    }
    const sender = Array.isArray(h.sender) ? h.sender[0] : undefined;
    const senderValue = isObject(sender) && isObject(sender.identifier) ? sender.identifier.value : undefined;
    if (sender !== undefined && (typeof senderValue !== 'string' || !isIpPartnerIdentifier(senderValue))) {
      errors.push({
        field: 'standardBusinessDocumentHeader.sender[].identifier.value',
        code: 'SenderValue',
        message: 'Invalid sender identifier',
        rejected: senderValue,
        javaType: 'java.lang.String',
      });
    }
    const scopeHolder = h.businessScope;
    notNull('standardBusinessDocumentHeader.businessScope', scopeHolder, 'no.difi.meldingsutveksling.domain.sbdh.BusinessScope');
    if (isObject(scopeHolder)) {
      const scopes = scopeHolder.scope;
      if (!Array.isArray(scopes) || scopes.length === 0) {
        errors.push({
          field: 'standardBusinessDocumentHeader.businessScope.scope',
          code: Array.isArray(scopes) ? 'Size' : 'NotNull',
          message: Array.isArray(scopes) ? 'size must be between 1 and 2147483647' : 'must not be null',
          javaType: 'java.util.Set',
        });
      } else {
        scopes.forEach((scope: Record<string, unknown>, i: number) => {
          const field = `standardBusinessDocumentHeader.businessScope.scope[${i}]`;
          if (typeof scope.type !== 'string' || !(SCOPE_TYPES as readonly string[]).includes(scope.type)) {
            errors.push({
              field: `${field}.type`,
              code: 'OneOf',
              message: `'${String(scope.type)}' is not expected. Allowed values are: [${SCOPE_TYPES.join(', ')}]`,
              rejected: scope.type,
              javaType: 'java.lang.String',
            });
          }
          if (
            scope.type === 'ConversationId' &&
            typeof scope.instanceIdentifier === 'string' &&
            scope.instanceIdentifier &&
            !UUID.test(scope.instanceIdentifier)
          ) {
            errors.push({
              field: `${field}.instanceIdentifier`,
              code: 'UUID',
              message: 'Must be a valid UUID',
              rejected: scope.instanceIdentifier,
              javaType: 'java.lang.String',
            });
          }
          // checkShape made sure scopes and scope information are objects.
          const infos = (scope.scopeInformation ?? []) as Record<string, unknown>[];
          infos.forEach((info, j) => {
            const value = info.expectedResponseDateTime;
            if (value === undefined || value === null) return;
            const at = typeof value === 'string' ? parseDateTime(value) : undefined;
            if (at === undefined) {
              throw frameworkError(
                400,
                'org.springframework.http.converter.HttpMessageNotReadableException',
                `JSON parse error: Text '${String(value)}' could not be parsed`,
              );
            }
            if (at <= now()) {
              errors.push({
                field: `${field}.scopeInformation[${j}].expectedResponseDateTime`,
                code: 'Future',
                message: 'must be a future date',
                rejected: value,
                javaType: 'java.time.OffsetDateTime',
              });
            }
          });
        });
      }
    }
  }
  if (errors.length === 0) return;
  if (mode === 'multipart') {
    const prefixed = errors.map((e) => ({ ...e, field: `createAndSendMessage.sbd.${e.field}` }));
    throw frameworkError(
      400,
      'jakarta.validation.ConstraintViolationException',
      prefixed.map((e) => `${e.field}: ${e.message}`).join(', '),
      prefixed.map((e) => ({
        codes: [e.code],
        defaultMessage: e.message,
        objectName: e.field,
        field: e.field,
        rejectedValue: e.rejected,
        bindingFailure: false,
        code: e.code,
      })),
    );
  }
  throw methodArgumentNotValid('standardBusinessDocument', errors);
}

/** Create defaults (`NextMoveOutMessageFactory.setDefaults`). */
export function applyDefaults(sbd: Sbd, own: string, now: () => number, defaultTtlHours: number): void {
  const h = header(sbd);
  if (!h.sender || h.sender.length === 0) {
    h.sender = [{ identifier: { value: `0192:${own}`, authority: 'iso6523-actorid-upis' } }];
  } else {
    // Bean validation refused a sender without identifier value.
    const id = (h.sender[0] as { identifier: { value: string } }).identifier;
    const value = /^\d{9}$/.test(id.value) ? `0192:${id.value}` : id.value;
    const m = ISO6523.exec(value);
    id.value = m && m[3] === undefined && m[1] === '0192' && m[2] !== own ? `0192:${own}:${m[2]}` : value;
  }
  const doc = h.documentIdentification;
  doc.type = String(doc.type).toLowerCase();
  doc.instanceIdentifier ||= randomUUID();
  doc.creationDateAndTime = doc.creationDateAndTime ? (reserialiseDateTime(doc.creationDateAndTime) as string) : formatDateTime(now());
  const scopes = h.businessScope.scope;
  for (const scope of scopes) if (!scope.instanceIdentifier) scope.instanceIdentifier = randomUUID();
  const conv = scopes.find((s) => s.type === 'ConversationId');
  if (conv) {
    conv.scopeInformation ??= [];
    if (conv.scopeInformation.length === 0) conv.scopeInformation.push({});
    const info = conv.scopeInformation[0] as { expectedResponseDateTime?: string };
    info.expectedResponseDateTime ??= formatDateTime(now() + defaultTtlHours * 3_600_000);
  }
  for (const scope of scopes) {
    for (const info of (scope.scopeInformation ?? []) as Record<string, unknown>[]) {
      if (info.expectedResponseDateTime !== undefined && info.expectedResponseDateTime !== null)
        info.expectedResponseDateTime = reserialiseDateTime(info.expectedResponseDateTime);
    }
  }
}
