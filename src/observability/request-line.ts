/**
 * One request as one line, the same in the CLI's `--verbose` output, the simulator console's request log and the
 * SDK's debug log: `PUT /api/messages/out/{messageId} → 200 12 ms (retry 1)`.
 * @internal
 * @module
 */

/** What a request line shows. @internal */
export interface RequestLine {
  method: string;
  /** What was asked: the path (the debug log, the CLI's `--verbose`) or the route template. */
  target: string;
  /** The answer's status, or undefined when none came (a reset, a timeout). */
  status?: number | undefined;
  /** Why no status came, e.g. `ConnectionError` or `TimeoutError`. */
  error?: string | undefined;
  durationMs?: number | undefined;
  /** 0 for the first attempt. */
  resendCount?: number | undefined;
}

/** Formats a {@link RequestLine}. @internal */
export function formatRequestLine(line: RequestLine): string {
  const outcome = line.status !== undefined ? String(line.status) : (line.error ?? 'no answer');
  const time = line.durationMs !== undefined ? ` ${Math.round(line.durationMs)} ms` : '';
  const retry = line.resendCount ? ` (retry ${line.resendCount})` : '';
  return `${line.method} ${line.target} → ${outcome}${time}${retry}`;
}

/** True for a line {@link formatRequestLine} made (how the CLI's `--verbose` tells request lines from other log lines). @internal */
export function isRequestLine(text: string): boolean {
  return /^[A-Z]+ \/\S* → \S/.test(text);
}
