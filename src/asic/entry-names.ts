/**
 * Entry names are relative paths the extraction joins to a folder: a name that could reach outside it (zip slip),
 * hide a character from the user, or that a file system would read differently is refused when the container is
 * opened.
 * @internal
 * @module
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters in entry names are what we reject
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Why an entry name is unsafe to use as a relative path, or `null` when it is fine. @internal */
export function unsafeNameReason(name: string): string | null {
  if (name.length === 0) return 'empty name';
  if (name.length > 4096) return 'name too long';
  if (CONTROL_CHARS.test(name)) return 'NUL or control character in name';
  if (name.includes('\uFFFD')) return 'name is not valid UTF-8';
  if (name.includes('\\')) return 'backslash in name';
  if (name.startsWith('/')) return 'absolute path';
  if (/^[a-zA-Z]:/.test(name)) return 'drive letter';
  const body = name.endsWith('/') ? name.slice(0, -1) : name;
  for (const segment of body.split('/')) {
    if (segment === '..') return 'parent-directory segment (zip slip)';
    if (segment === '' || segment === '.') return 'empty or "." path segment';
    if (Buffer.byteLength(segment) > 255) return 'path segment longer than 255 bytes';
  }
  return null;
}
