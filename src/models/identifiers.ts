import { RequestValidationError } from '../errors.js';

/**
 * Identifier helpers: organisation numbers (9 digits, MOD11), the ISO 6523 `0192:` form, on-behalf-of
 * `0192:<org>:<sub>`, Norwegian personal ids (11 digits, two check digits) and NHN ids, as the IP's
 * `PartnerIdentifier`, `Iso6523`, `PersonIdentifier` and `NhnIdentifier` read them.
 *
 * The IP does not check an organisation number's MOD11 check digit (its own test features send to
 * `0192:910075924`), so a wrong one is only a warning here unless `strict` is set. What the IP refuses (a wrong
 * length, letters, a malformed ICD prefix, a personal id with wrong check digits) is always refused.
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
  | {
      kind: 'organisation';
      icd: string;
      organisationNumber: string;
      onBehalfOf?: string;
      value: string;
      authority: 'iso6523-actorid-upis';
      /** Set when a `0192` organisation number has a wrong MOD11 check digit (accepted unless `strict`). */
      warning?: string;
    }
  | { kind: 'person'; personalIdentifier: string; value: string; authority: 'iso6523-actorid-upis' }
  | { kind: 'nhn'; scheme: 'her-id' | 'fastlege-for'; id: string; value: string; authority: 'nhn-actorid' };

/**
 * How strictly {@link parseIdentifier} treats an organisation number's check digit.
 * @category Identifiers
 */
export interface IdentifierOptions {
  /**
   * Refuse an organisation number whose MOD11 check digit is wrong. The IP itself accepts it, so by default it is
   * only a warning. @defaultValue false
   */
  strict?: boolean | undefined;
  /** Called with the warning for a wrong check digit (when not `strict`). */
  warn?: ((message: string) => void) | undefined;
}

/**
 * The warning for organisation numbers with a wrong MOD11 check digit (given to `options.warn`), or the error under
 * `strictIdentifiers`.
 */
function checkDigitWarning(field: string, input: string, options: IdentifierOptions, org: string, part: string | undefined): string {
  const wrong = [org, part].filter((n): n is string => n !== undefined && !isOrganisationNumber(n));
  const why = `the organisation number ${wrong.join(' and ')} has a wrong MOD11 check digit`;
  if (options.strict) throw invalid(field, input, `${why} (strictIdentifiers)`);
  const warning = `${field}: ${why}; the IP does not check it, so it is sent as given`;
  options.warn?.(warning);
  return warning;
}

/**
 * Parses a sender or receiver identifier in any form the IP accepts and returns its SBD form.
 * Throws a {@link RequestValidationError} naming `field` when the IP would refuse the value (wrong length, letters,
 * a malformed ICD prefix, a personal id with wrong check digits). A `0192` organisation number with a wrong MOD11
 * check digit is accepted with {@link ParsedIdentifier} `warning` set (and `options.warn` called), or refused with
 * `options.strict`.
 *
 * @example
 * ```ts
 * parseIdentifier('910075918').value;           // '0192:910075918'
 * parseIdentifier('0192:910075918:987654325');  // on-behalf-of 987654325
 * parseIdentifier('09118532322').kind;          // 'person'
 * ```
 * @category Identifiers
 */
export function parseIdentifier(input: string, field = 'identifier', options: IdentifierOptions = {}): ParsedIdentifier {
  if (typeof input !== 'string') {
    throw new RequestValidationError(field, `must be a string, got ${input === null ? 'null' : typeof input}`);
  }
  const value = input.trim();
  if (value === '') throw new RequestValidationError(field, 'must not be empty');
  if (/^\d{9}$/.test(value)) {
    const parsed: Extract<ParsedIdentifier, { kind: 'organisation' }> = {
      kind: 'organisation',
      icd: '0192',
      organisationNumber: value,
      value: `0192:${value}`,
      authority: 'iso6523-actorid-upis',
    };
    if (!isOrganisationNumber(value)) parsed.warning = checkDigitWarning(field, input, options, value, undefined);
    return parsed;
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
    let warning: string | undefined;
    if (icd === '0192') {
      if (!/^\d{9}$/.test(org)) throw invalid(field, input, 'a 0192 organisation number is 9 digits');
      if (part !== undefined && !/^\d{9}$/.test(part)) throw invalid(field, input, 'the on-behalf-of organisation number is 9 digits');
      if (!isOrganisationNumber(org) || (part !== undefined && !isOrganisationNumber(part))) {
        warning = checkDigitWarning(field, input, options, org, part);
      }
    }
    return {
      kind: 'organisation',
      icd,
      organisationNumber: org,
      ...(part === undefined ? {} : { onBehalfOf: part }),
      value,
      authority: 'iso6523-actorid-upis',
      ...(warning === undefined ? {} : { warning }),
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
  if (typeof value !== 'string')
    throw new RequestValidationError('identifier', `must be a string, got ${value === null ? 'null' : typeof value}`);
  const iso = ISO6523.exec(value.trim());
  if (iso) return iso[2] as string;
  return value.trim();
}

/**
 * The "part-or-primary" identifier the IP stores as `senderIdentifier`: the on-behalf-of organisation when present.
 * @category Identifiers
 */
export function toPartOrPrimaryIdentifier(value: string): string {
  if (typeof value !== 'string')
    throw new RequestValidationError('identifier', `must be a string, got ${value === null ? 'null' : typeof value}`);
  const iso = ISO6523.exec(value.trim());
  if (iso) return (iso[3] ?? iso[2]) as string;
  return value.trim();
}

/** Builds the on-behalf-of form `0192:<ipOrg>:<subOrg>`. @category Identifiers */
export function onBehalfOf(ipOrganisation: string, subOrganisation: string, options: IdentifierOptions = {}): string {
  const ip = parseIdentifier(ipOrganisation, 'ipOrganisation', options);
  const sub = parseIdentifier(subOrganisation, 'subOrganisation', options);
  if (ip.kind !== 'organisation' || sub.kind !== 'organisation') {
    throw new RequestValidationError('onBehalfOf', 'both parts must be organisation numbers');
  }
  return `0192:${ip.organisationNumber}:${sub.organisationNumber}`;
}
