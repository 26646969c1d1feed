import {
  isOrganisationNumber,
  isPersonalIdentifier,
  onBehalfOf,
  parseIdentifier,
  RequestValidationError,
  toPartOrPrimaryIdentifier,
  toPrimaryIdentifier,
} from 'eformidling';
import { describe, expect, it } from 'vitest';

describe('organisation numbers (MOD11)', () => {
  it('accepts valid numbers and rejects a wrong check digit or a wrong length', () => {
    for (const n of ['910075918', '910077473', '910076787', '910076221', '974760673']) expect(isOrganisationNumber(n)).toBe(true);
    expect(isOrganisationNumber('910075919')).toBe(false);
    expect(isOrganisationNumber('91007591')).toBe(false);
    expect(isOrganisationNumber('91007591a')).toBe(false);
  });

  it('rejects every number whose weighted sum leaves remainder 1 (no check digit exists)', () => {
    for (let d = 0; d <= 9; d++) expect(isOrganisationNumber(`00000006${d}`)).toBe(false);
  });

  it('takes 0 as the check digit when the sum is a multiple of 11', () => {
    expect(isOrganisationNumber('000000000')).toBe(true);
  });
});

describe('personal identifiers', () => {
  it('checks both check digits', () => {
    expect(isPersonalIdentifier('09118532322')).toBe(true);
    expect(isPersonalIdentifier('09118532332')).toBe(false); // first check digit wrong
    expect(isPersonalIdentifier('09118532323')).toBe(false); // second check digit wrong
    expect(isPersonalIdentifier('0911853232')).toBe(false);
  });
});

describe('parseIdentifier', () => {
  it('turns a bare organisation number into its SBD form', () => {
    expect(parseIdentifier(' 910075918 ')).toEqual({
      kind: 'organisation',
      icd: '0192',
      organisationNumber: '910075918',
      value: '0192:910075918',
      authority: 'iso6523-actorid-upis',
    });
  });

  it('reads the 0192: form and on-behalf-of', () => {
    expect(parseIdentifier('0192:910075918')).toMatchObject({
      kind: 'organisation',
      organisationNumber: '910075918',
      value: '0192:910075918',
    });
    const obo = parseIdentifier('0192:910075918:910077473');
    expect(obo).toMatchObject({ organisationNumber: '910075918', onBehalfOf: '910077473' });
  });

  it('keeps another ICD as it is', () => {
    expect(parseIdentifier('9908:987654321')).toMatchObject({ kind: 'organisation', icd: '9908', organisationNumber: '987654321' });
  });

  it('reads persons and NHN ids', () => {
    expect(parseIdentifier('09118532322')).toMatchObject({ kind: 'person', value: '09118532322', authority: 'iso6523-actorid-upis' });
    expect(parseIdentifier('her-id:8094866')).toEqual({
      kind: 'nhn',
      scheme: 'her-id',
      id: '8094866',
      value: 'her-id:8094866',
      authority: 'nhn-actorid',
    });
    expect(parseIdentifier('fastlege-for:09118532322')).toMatchObject({ kind: 'nhn', scheme: 'fastlege-for' });
  });

  it('names the field and says what is wrong', () => {
    const cases: Array<[string, RegExp]> = [
      ['91007591', /expected an organisation number/],
      ['91007591a', /expected an organisation number/],
      ['0192:91007591', /9 digits/],
      ['0192:91007591x', /9 digits/],
      ['0192:910075918:12345', /on-behalf-of organisation number is 9 digits/],
      ['192:910075918', /expected an organisation number/],
      ['01920:910075918', /expected an organisation number/],
      ['09118532323', /wrong check digits/],
      ['her-id:0', /positive integer/],
      ['fastlege-for:12345678901', /valid personal identifier/],
      ['0192:910075918:0:0', /reserved/],
      ['kommune', /expected an organisation number/],
    ];
    for (const [input, why] of cases) {
      const error = (() => {
        try {
          parseIdentifier(input, 'receiver');
        } catch (e) {
          return e;
        }
      })();
      expect(error, input).toBeInstanceOf(RequestValidationError);
      expect((error as RequestValidationError).field).toBe('receiver');
      expect((error as Error).message, input).toMatch(why);
    }
  });
});

describe('a wrong MOD11 check digit (the IP does not check it)', () => {
  it('is accepted with a warning by default, as the IP accepts 0192:910075924 in its own tests', () => {
    const warnings: string[] = [];
    const parsed = parseIdentifier('0192:910075924', 'receiver', { warn: (m) => warnings.push(m) });
    expect(parsed).toMatchObject({ kind: 'organisation', organisationNumber: '910075924', value: '0192:910075924' });
    expect(parsed.kind === 'organisation' && parsed.warning).toMatch(/^receiver: the organisation number 910075924 has a wrong MOD11/);
    expect(warnings).toHaveLength(1);
    expect(parseIdentifier('910075919').value).toBe('0192:910075919');
    expect(parseIdentifier('0192:910075918:910077474')).toMatchObject({ onBehalfOf: '910077474' });
    // A valid number carries no warning.
    expect(parseIdentifier('910075918')).not.toHaveProperty('warning');
  });

  it('is refused with strict, naming the field', () => {
    for (const input of ['910075919', '0192:910075919', '0192:910075918:910077474']) {
      expect(() => parseIdentifier(input, 'receiver', { strict: true }), input).toThrow(
        expect.objectContaining({
          name: 'RequestValidationError',
          field: 'receiver',
          message: expect.stringMatching(/wrong MOD11 check digit/),
        }),
      );
    }
  });

  it('never skips the checks the IP makes: personal ids keep both check digits', () => {
    expect(() => parseIdentifier('09118532323')).toThrow(/wrong check digits/);
  });

  it('toPrimaryIdentifier and toPartOrPrimaryIdentifier refuse a non-string as a RequestValidationError', () => {
    expect(() => toPrimaryIdentifier(null as never)).toThrow(RequestValidationError);
    expect(() => toPartOrPrimaryIdentifier(undefined as never)).toThrow(RequestValidationError);
  });

  it('refuses null, numbers and empty strings as a RequestValidationError naming the field (not a TypeError)', () => {
    for (const input of [null, undefined, 910075918, '', '   ']) {
      expect(() => parseIdentifier(input as never, 'receiver'), String(input)).toThrow(
        expect.objectContaining({ name: 'RequestValidationError', field: 'receiver' }),
      );
    }
  });
});

describe('primary identifiers (filters and the capabilities path)', () => {
  it('strips the ICD, keeps persons and NHN ids, and picks the on-behalf-of part for senders', () => {
    expect(toPrimaryIdentifier('0192:910075918')).toBe('910075918');
    expect(toPrimaryIdentifier('0192:910075918:910077473')).toBe('910075918');
    expect(toPrimaryIdentifier('09118532322')).toBe('09118532322');
    expect(toPrimaryIdentifier(' her-id:8094866 ')).toBe('her-id:8094866');
    expect(toPartOrPrimaryIdentifier('0192:910075918:910077473')).toBe('910077473');
    expect(toPartOrPrimaryIdentifier('0192:910075918')).toBe('910075918');
    expect(toPartOrPrimaryIdentifier('910075918')).toBe('910075918');
  });
});

describe('onBehalfOf', () => {
  it('builds 0192:<ip org>:<sub org> from either form', () => {
    expect(onBehalfOf('0192:910075918', '910077473')).toBe('0192:910075918:910077473');
  });

  it('refuses persons', () => {
    expect(() => onBehalfOf('910075918', '09118532322')).toThrow(/organisation numbers/);
  });
});
