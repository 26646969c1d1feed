import { RequestValidationError } from '../errors.js';

/**
 * Encodes path parameters so an id can never escape its segment (`/`, `?`, `#`, `..`).
 * @example path`/api/messages/out/${messageId}`
 */
export function path(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    const text = String(values[i]);
    if (text === '' || text === '.' || text === '..') throw new RequestValidationError('id', `'${text}' is not a valid path parameter`);
    out += encodeURIComponent(text) + (strings[i + 1] ?? '');
  }
  return out;
}
