/**
 * Wire formatting shared by the simulator: Jackson-style pretty JSON and the IP's date-time strings.
 * @internal
 * @module
 */

const OSLO = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Oslo', timeZoneName: 'longOffset' });

/** Offset of Europe/Oslo at `ms` in minutes: 60 in winter, 120 in summer (never zero or negative). */
export function osloOffsetMinutes(ms: number): number {
  const part = OSLO.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value as string; // GMT+01:00
  return Number(part.slice(4, 6)) * 60 + Number(part.slice(7, 9));
}

/**
 * Formats an instant as the IP does: ISO-8601 in Europe/Oslo with offset; fractions only when non-zero, trailing
 * zeros dropped (`2026-08-20T09:14:03.6+02:00`).
 */
export function formatDateTime(ms: number): string {
  const offset = osloOffsetMinutes(ms);
  const local = new Date(ms + offset * 60_000).toISOString(); // 2026-08-20T07:14:03.600Z shifted to local
  let base = local.slice(0, 19);
  const fraction = local.slice(20, 23).replace(/0+$/, '');
  if (fraction) base += `.${fraction}`;
  return `${base}+${String(Math.floor(offset / 60)).padStart(2, '0')}:${String(offset % 60).padStart(2, '0')}`;
}

/**
 * Parses an ISO-8601 date-time; a value without offset is Europe/Oslo local time (the IP's `ObjectMapper` works in Europe/Oslo).
 * @returns epoch milliseconds, or `undefined` when unparseable.
 */
export function parseDateTime(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms); // digits only: never NaN
  if (zone === 'Z') return utc;
  if (zone) {
    const [, sign, hours, minutes] = /([+-])(\d{2}):?(\d{2})/.exec(zone) as RegExpExecArray;
    return utc - (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * 60_000;
  }
  // Local Oslo time: guess with the offset at that instant, then correct once.
  let guess = utc - osloOffsetMinutes(utc) * 60_000;
  guess = utc - osloOffsetMinutes(guess) * 60_000;
  return guess;
}

/**
 * Serialises like Jackson's `DefaultPrettyPrinter` with `INDENT_OUTPUT` (the IP's output): `"key" : value`,
 * two-space object indentation, arrays on one line (`[ 1, 2 ]`, `[ {` … `} ]`), `undefined` members omitted
 * (`NON_NULL`).
 */
export function jacksonJson(value: unknown): string {
  return write(value, '');
}

function write(value: unknown, indent: string): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    const items = value.filter((v) => v !== undefined);
    if (items.length === 0) return '[ ]';
    return `[ ${items.map((v) => write(v, indent)).join(', ')} ]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
    if (entries.length === 0) return '{ }';
    const inner = `${indent}  `;
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)} : ${write(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) as string; // strings, numbers and booleans only: the model holds JSON data
}
