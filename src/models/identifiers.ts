import { RequestValidationError } from '../errors.js';

/**
 * Identifier helpers (reference 6.2): organisation numbers (9 digits, MOD11), the ISO 6523 `0192:` form,
 * on-behalf-of `0192:<org>:<sub>`, Norwegian personal ids (11 digits, two check digits) and NHN ids.
 * @module
 */

const ORG_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];
const PERSON_WEIGHTS_1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const PERSON_WEIGHTS_2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const ISO6523 = /^(\d{4}):([^:]{1,35})(?::([^\s:]{1,35}))?(?::(\d))?$/;
const NHN = /^(her-id|fastlege-for):([^:]{1,11})$/;

function mod11(digits: string, weights: number[]): number | undefined {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * (weights[i] as number);
  const rest = 11 - (sum % 11);
  if (rest === 11) return 0;
  if (rest === 10) return undefined;
  return rest;
}

/** True for a 9-digit Norwegian organisation number with a valid MOD11 check digit. @category Identifiers */
export function isOrganisationNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  return mod11(value, ORG_WEIGHTS) === Number(value[8]);
}

/** True for an 11-digit fødselsnummer or D-number with both check digits valid. @category Identifiers */
export function isPersonalIdentifier(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false;
  return mod11(value, PERSON_WEIGHTS_1) === Number(value[9]) && mod11(value, PERSON_WEIGHTS_2) === Number(value[10]);
}

/** A parsed participant identifier. @category Identifiers */
export type ParsedIdentifier =
  | { kind: 'organisation'; icd: string; organisationNumber: string; onBehalfOf?: string; value: string; authority: 'iso6523-actorid-upis' }
  | { kind: 'person'; personalIdentifier: string; value: string; authority: 'iso6523-actorid-upis' }
  | { kind: 'nhn'; scheme: 'her-id' | 'fastlege-for'; id: string; value: string; authority: 'nhn-actorid' };

/**
 * Parses a sender or receiver identifier in any form the IP accepts and returns its SBD form.
 * Throws a {@link RequestValidationError} naming `field` when the value is not valid.
 *
 * @example
 * ```ts
 * parseIdentifier('910075918').value;           // '0192:910075918'
 * parseIdentifier('0192:910075918:987654325');  // on-behalf-of 987654325
 * parseIdentifier('09118532322').kind;          // 'person'
 * ```
 * @category Identifiers
 */
export function parseIdentifier(input: string, field = 'identifier'): ParsedIdentifier {
  const value = input.trim();
  if (/^\d{9}$/.test(value)) {
    if (!isOrganisationNumber(value)) throw invalid(field, input, 'the organisation number has a wrong check digit');
    return { kind: 'organisation', icd: '0192', organisationNumber: value, value: `0192:${value}`, authority: 'iso6523-actorid-upis' };
  }
  if (/^\d{11}$/.test(value)) {
    if (!isPersonalIdentifier(value)) throw invalid(field, input, 'the personal identifier has wrong check digits');
    return { kind: 'person', personalIdentifier: value, value, authority: 'iso6523-actorid-upis' };
  }
  const nhn = NHN.exec(value);
  if (nhn) {
    const scheme = nhn[1] as 'her-id' | 'fastlege-for';
    const id = nhn[2] as string;
    if (scheme === 'her-id' && !/^[1-9]\d*$/.test(id)) throw invalid(field, input, 'a HER-id is a positive integer');
    if (scheme === 'fastlege-for' && !isPersonalIdentifier(id))
      throw invalid(field, input, 'fastlege-for needs a valid personal identifier');
    return { kind: 'nhn', scheme, id, value, authority: 'nhn-actorid' };
  }
  const iso = ISO6523.exec(value);
  if (iso) {
    const [, icd, org, part, source] = iso as unknown as [string, string, string, string | undefined, string | undefined];
    if (part === '0' && source === '0') throw invalid(field, input, '":0:0" is reserved');
    if (icd === '0192') {
      if (!isOrganisationNumber(org)) throw invalid(field, input, 'the organisation number has a wrong check digit');
      if (part !== undefined && !isOrganisationNumber(part)) {
        throw invalid(field, input, 'the on-behalf-of organisation number has a wrong check digit');
      }
    }
    return {
      kind: 'organisation',
      icd,
      organisationNumber: org,
      ...(part === undefined ? {} : { onBehalfOf: part }),
      value,
      authority: 'iso6523-actorid-upis',
    };
  }
  throw invalid(
    field,
    input,
    'expected an organisation number (9 digits), 0192:<orgnr>[:<sub-orgnr>], a personal id (11 digits) or her-id:/fastlege-for:',
  );
}

function invalid(field: string, input: string, why: string): RequestValidationError {
  return new RequestValidationError(field, `'${input}' is not a valid identifier: ${why}`);
}

/**
 * The "primary identifier" the IP uses in filters and in the capabilities path: the organisation number without
 * ICD (`0192:910075918` → `910075918`), a personal id as is, an NHN id in full. Unknown forms pass through.
 * @category Identifiers
 */
export function toPrimaryIdentifier(value: string): string {
  const iso = ISO6523.exec(value.trim());
  if (iso) return iso[2] as string;
  return value.trim();
}

/**
 * The "part-or-primary" identifier the IP stores as `senderIdentifier`: the on-behalf-of organisation when present.
 * @category Identifiers
 */
export function toPartOrPrimaryIdentifier(value: string): string {
  const iso = ISO6523.exec(value.trim());
  if (iso) return (iso[3] ?? iso[2]) as string;
  return value.trim();
}

/** Builds the on-behalf-of form `0192:<ipOrg>:<subOrg>`. @category Identifiers */
export function onBehalfOf(ipOrganisation: string, subOrganisation: string): string {
  const ip = parseIdentifier(ipOrganisation, 'ipOrganisation');
  const sub = parseIdentifier(subOrganisation, 'subOrganisation');
  if (ip.kind !== 'organisation' || sub.kind !== 'organisation') {
    throw new RequestValidationError('onBehalfOf', 'both parts must be organisation numbers');
  }
  return `0192:${ip.organisationNumber}:${sub.organisationNumber}`;
}
