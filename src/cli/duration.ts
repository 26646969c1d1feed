import { CliUsageError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses a duration such as `90s`, `10m`, `24h`, `7d`, `1h30m` or a bare number of seconds.
 * @param value - the text from the command line.
 * @param flag - the flag's name, for the error message.
 * @returns milliseconds.
 * @throws {@link CliUsageError} for anything else.
 * @internal
 */
export function parseDuration(value: string, flag: string): number {
  const text = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1_000);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new CliUsageError(`${flag}: '${value}' is not a duration (examples: 30s, 10m, 24h, 7d, 1h30m)`);
  }
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] as string] as number), 0));
}

/**
 * A point in time: an ISO-8601 date-time (`2026-08-20T09:00:00+02:00`), a date (`2026-08-20`, midnight local time)
 * or a duration back from `now` (`24h` = 24 hours ago).
 * @internal
 */
export function parseSince(value: string, flag: string, now: Date): Date {
  if (/^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
    const text = value.trim();
    const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00` : text);
    if (Number.isNaN(at.getTime())) throw new CliUsageError(`${flag}: '${value}' is not a date-time`);
    return at;
  }
  return new Date(now.getTime() - parseDuration(value, flag));
}

/** `1.5 MiB`, `340 KiB`, `12 B`. @internal */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 'B';
  for (const u of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** `2h 5m`, `45s`, `850 ms`. @internal */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? ` ${s % 60}s` : ''}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? ` ${m % 60}m` : ''}`;
  return `${Math.floor(h / 24)}d${h % 24 ? ` ${h % 24}h` : ''}`;
}
