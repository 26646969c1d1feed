/**
 * A readable timeline for the examples: one line per step, prefixed with the time since the start.
 *
 *   [  0.000s] simulator on http://127.0.0.1:40123
 *   [  0.041s] capabilities of 910075918: 14 (DPO, DPE)
 */

/** Where example output goes: `console.log` by default; tests pass a function that collects the lines. */
export type LogFn = (line: string) => void;

/** A timeline: `step()` prints one line with the elapsed time; `lines` keeps everything printed. */
export interface Timeline {
  /** Prints one line, `[  1.234s] text`. */
  step(text: string): void;
  /** Milliseconds since the timeline started. */
  elapsedMs(): number;
  /** Every line printed so far (without the time prefix). */
  readonly lines: string[];
}

/** Starts a timeline that writes to `log` (default: `console.log`). */
export function timeline(log: LogFn = console.log): Timeline {
  const started = performance.now();
  const lines: string[] = [];
  const elapsedMs = () => performance.now() - started;
  return {
    lines,
    elapsedMs,
    step(text) {
      lines.push(text);
      log(`[${(elapsedMs() / 1000).toFixed(3).padStart(7)}s] ${text}`);
    },
  };
}

/** `1.2 kB`, `50.0 MiB`: sizes as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The first 8 characters of a UUID, enough to tell the messages of one run apart. */
export function shortId(id: string | undefined): string {
  return (id ?? '?').slice(0, 8);
}

/** The message of an error, with the cause's message when there is one. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && !error.message.includes(error.cause.message) ? ` (${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}
