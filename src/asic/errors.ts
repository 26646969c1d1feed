import { EformidlingError } from '../errors.js';

/**
 * Why an ASiC-E container was refused or could not be read.
 *
 * - `UNSAFE_ENTRY_NAME`: an entry name that could escape the target folder (`../`, an absolute path, a drive letter,
 *   a backslash, NUL or another control character, an empty or `.` segment), nests deeper than `maxPathDepth`, or
 *   makes a path the file system refuses as too long.
 * - `SYMLINK_ENTRY`: an entry marked as a symbolic link.
 * - `DUPLICATE_ENTRY`: two entries with the same name (also after Unicode and case folding), or a file that is also a folder.
 * - `TOO_MANY_ENTRIES`: more entries than `maxEntries`.
 * - `TOO_LARGE`: the container, one entry or all entries together exceed their size limit (checked on the headers
 *   and again while inflating).
 * - `COMPRESSION_RATIO`: an entry, or the container as a whole, inflates to more than `maxCompressionRatio` times its
 *   compressed size (a zip bomb).
 * - `OVERLAPPING_ENTRIES`: two entries whose data share bytes of the zip (several directory records pointing at one
 *   local record, or one entry's data inside another's): the overlapping zip bomb.
 * - `INVALID_MANIFEST`: `manifest.xml`, `META-INF/manifest.xml` or `META-INF/ASiCManifest.xml` is not well-formed XML,
 *   nests too deep or declares a DOCTYPE.
 * - `ENCRYPTED`: an encrypted entry (ASiC-E entries are never encrypted; the IP decrypts the container).
 * - `UNSUPPORTED_COMPRESSION`: a compression method other than stored or deflate.
 * - `CORRUPT`: not a zip, truncated, a size or CRC-32 mismatch, bad deflate data, or an end-of-central-directory
 *   record that does not match the central directory (e.g. claims fewer entries than it holds).
 * - `ENTRY_NOT_FOUND`: no entry with the requested name.
 * - `CLOSED`: the container was closed.
 * @category ASiC
 */
export type AsicErrorCode =
  | 'UNSAFE_ENTRY_NAME'
  | 'SYMLINK_ENTRY'
  | 'DUPLICATE_ENTRY'
  | 'TOO_MANY_ENTRIES'
  | 'TOO_LARGE'
  | 'COMPRESSION_RATIO'
  | 'OVERLAPPING_ENTRIES'
  | 'INVALID_MANIFEST'
  | 'ENCRYPTED'
  | 'UNSUPPORTED_COMPRESSION'
  | 'CORRUPT'
  | 'ENTRY_NOT_FOUND'
  | 'CLOSED';

/**
 * An ASiC-E container is hostile, broken or over a limit. Branch on {@link AsicError.code}.
 *
 * @example
 * ```ts
 * try {
 *   await asic.extractTo('./inbox/123');
 * } catch (error) {
 *   if (error instanceof AsicError && error.code === 'UNSAFE_ENTRY_NAME') quarantine(error.entry);
 * }
 * ```
 * @category ASiC
 */
export class AsicError extends EformidlingError {
  /** What is wrong. */
  readonly code: AsicErrorCode;
  /** The entry name concerned, when one is (printable form: control characters escaped). */
  readonly entry: string | undefined;

  constructor(code: AsicErrorCode, message: string, options: { entry?: string | undefined; cause?: unknown } = {}) {
    super(`${message}${options.entry === undefined ? '' : ` (entry '${printable(options.entry)}')`}`, { cause: options.cause });
    this.code = code;
    this.entry = options.entry === undefined ? undefined : printable(options.entry);
  }

  override toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, code: this.code, entry: this.entry };
  }
}

/** True for an {@link AsicError}, also from another copy of the package. @category ASiC */
export function isAsicError(value: unknown): value is AsicError {
  return value instanceof AsicError || (value instanceof Error && value.name === 'AsicError' && 'code' in value);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;

function printable(name: string): string {
  return name.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).slice(0, 300);
}
