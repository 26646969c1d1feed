import { redactText } from '../internal/redact.js';

const BRAND = Symbol.for('eformidling.error');

/**
 * Root of every error thrown by the SDK: one `catch` (or {@link isEformidlingError}) sees them all. Messages and
 * `toJSON()` never carry credentials.
 *
 * @example
 * ```ts
 * try {
 *   await ip.send({ sbd, files });
 * } catch (error) {
 *   if (isEformidlingError(error)) logger.error('eFormidling failed', error.toJSON());
 *   else throw error; // a bug in your own code
 * }
 * ```
 * @category Errors
 */
export class EformidlingError extends Error {
  /** @internal */
  readonly [BRAND] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(redactText(message), options);
    this.name = new.target.name;
  }

  /** A JSON form without credentials, safe to log. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message };
  }
}

/** True for an SDK error, also from another copy of the package. @internal */
export function isBranded(value: unknown): value is EformidlingError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** A type guard for an SDK error class that also knows its copies from another copy of the package. @internal */
export function guard<T extends EformidlingError>(Class: abstract new (...args: never[]) => T, names: readonly string[]) {
  return (value: unknown): value is T => value instanceof Class || (isBranded(value) && hasName(value, names));
}

function hasName(value: Error, names: readonly string[]): boolean {
  // Walk the prototype chain's constructor names so subclasses from another copy of the package match too.
  let proto: object | null = Object.getPrototypeOf(value);
  while (proto && proto !== Error.prototype) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name && names.includes(name)) return true;
    proto = Object.getPrototypeOf(proto);
  }
  return names.includes(value.name);
}

/** True for any SDK error, also from another copy of the package. @category Errors */
export const isEformidlingError = (value: unknown): value is EformidlingError => value instanceof EformidlingError || isBranded(value);

/** The path and query of a URL (the whole text when it is not one). @internal */
export function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}
