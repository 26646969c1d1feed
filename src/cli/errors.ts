/**
 * Exit codes and the CLI's own errors.
 * @internal
 * @module
 */

/** Exit codes of `eformidling` (documented in `eformidling --help`). @internal */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** The operation failed (the IP answered an error, could not be reached, a file could not be written…). */
  failure: 1,
  /** Bad command line or missing configuration; nothing was sent. */
  usage: 2,
  /** `status --wait` (and `send --wait`): the message failed (`FEIL`) or expired (`LEVETID_UTLOPT`). */
  deliveryFailed: 3,
} as const;

/** A usage or configuration error: exit code 2, printed with a hint to `--help`. @internal */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** A failure the command has already explained; carries the exit code. @internal */
export class CliExit extends Error {
  override name = 'CliExit';
  readonly exitCode: number;
  constructor(exitCode: number, message = '') {
    super(message);
    this.exitCode = exitCode;
  }
}
