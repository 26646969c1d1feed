import { RequestValidationError } from '../errors.js';

/** How {@link positive} reads a value. @internal */
export interface PositiveCheck {
  /** Named in the error (`'ms'` → "a positive number of ms"). */
  unit?: string | undefined;
  /** Refuse `Infinity` too. @defaultValue false */
  finite?: boolean | undefined;
}

/**
 * The SDK's one "is this option a positive number?" check (receive loop timings, tracker intervals, ASiC limits):
 * the value when it is a number > 0, else a {@link RequestValidationError} naming `field`, raised before any request.
 * @internal
 */
export function positive(value: unknown, field: string, check: PositiveCheck = {}): number {
  if (typeof value !== 'number' || !(value > 0) || (check.finite === true && !Number.isFinite(value))) {
    const unit = check.unit ? ` of ${check.unit}` : '';
    throw new RequestValidationError(field, `must be a positive${check.finite ? ', finite' : ''} number${unit}, not ${String(value)}`);
  }
  return value;
}
