import { RequestValidationError } from '../errors.js';

/**
 * Checks of the trackers' options and arguments. Every failure is a {@link RequestValidationError} naming the option,
 * raised before any request.
 * @internal
 */

/** A number of ms >= 0, finite. */
export function nonNegativeMs(value: unknown, field: string): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new RequestValidationError(field, `must be a number of ms >= 0, not ${String(value)}`);
  }
  return value;
}

/** A whole number within `[min, max]`. */
export function wholeNumber(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new RequestValidationError(field, `must be a whole number ${range}, not ${String(value)}`);
  }
  return value;
}

/** `'LEVERT'` or `'LEST'`. */
export function untilStatus(value: unknown, field: string): 'LEVERT' | 'LEST' {
  if (value !== 'LEVERT' && value !== 'LEST') throw new RequestValidationError(field, `must be 'LEVERT' or 'LEST', not '${String(value)}'`);
  return value;
}

/** A non-empty string (a messageId). */
export function messageIdArg(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new RequestValidationError(field, 'must be a non-empty string');
  return value;
}
