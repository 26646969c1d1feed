import { RequestValidationError } from '../errors.js';
import { VERSION } from '../version.js';

/** The integrator's part of the `User-Agent`: a string such as `'Acos Websak/1.1'`, or a name and version. */
export type UserAgentOption = string | { name: string; version?: string };

/**
 * Builds the `User-Agent` the IP's guide asks for:
 * `<integrator part> eformidling/<sdk version> (Node.js <version>; <platform> <arch>)`.
 * With no integrator part, the SDK's own part is still sent.
 */
export function buildUserAgent(option?: UserAgentOption): string {
  const own = `eformidling/${VERSION} (Node.js ${process.versions.node}; ${process.platform} ${process.arch})`;
  if (option === undefined) return own;
  if (typeof option !== 'string' && (typeof option !== 'object' || option === null || typeof option.name !== 'string')) {
    throw new RequestValidationError('userAgent', "must be a string or { name, version }, e.g. 'Acos Websak/1.1'");
  }
  const prefix = typeof option === 'string' ? option.trim() : `${option.name}${option.version ? `/${option.version}` : ''}`;
  if (/[\r\n]/.test(prefix)) throw new RequestValidationError('userAgent', 'must not contain line breaks');
  return prefix ? `${prefix} ${own}` : own;
}
