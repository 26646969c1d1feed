/**
 * Wire formatting shared by the simulator: Jackson-style pretty JSON and the IP's date-time strings.
 * @internal
 * @module
 */

const OSLO = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Oslo', timeZoneName: 'longOffset' });

/** Offset of Europe/Oslo at `ms` in minutes (e.g. 120 in summer). */
export function osloOffsetMinutes(ms: number): number {
  const part = OSLO.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
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
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${base}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Parses an ISO-8601 date-time; a value without offset is Europe/Oslo local time (reference section 1).
 * @returns epoch milliseconds, or `undefined` when unparseable.
 */
export function parseDateTime(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(utc)) return undefined;
  if (zone === 'Z') return utc;
  if (zone) {
    const z = /([+-])(\d{2}):?(\d{2})/.exec(zone);
    const minutes = (z?.[1] === '-' ? -1 : 1) * (Number(z?.[2]) * 60 + Number(z?.[3]));
    return utc - minutes * 60_000;
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
  return JSON.stringify(value) ?? 'null';
}
