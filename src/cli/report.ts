/**
 * Turns any error into a short explanation and an exit code. Messages go through the SDK's redaction (errors) and the
 * output's scrub (configured secrets) before they are printed.
 * @internal
 * @module
 */
import { isApiError, isConnectionError, isRequestValidationError, isResponseValidationError, isTimeoutError } from '../errors.js';
import { CliExit, CliUsageError, EXIT } from './errors.js';
import type { Output } from './output.js';

/** What to print and which code to exit with. @internal */
export interface ErrorReport {
  exitCode: number;
  message: string;
  hint?: string | undefined;
  details: Record<string, unknown>;
}

function named(error: unknown, name: string): error is Error & Record<string, unknown> {
  return error instanceof Error && error.name === name;
}

/** Explains an error for the operator. @internal */
export function describeError(error: unknown, command: string): ErrorReport {
  const helpHint = `run 'eformidling ${command ? `${command} ` : ''}--help' for usage`;
  if (error instanceof CliUsageError)
    return { exitCode: EXIT.usage, message: error.message, hint: helpHint, details: { name: 'UsageError' } };
  if (error instanceof CliExit) return { exitCode: error.exitCode, message: error.message, details: { name: 'Failure' } };
  if (isRequestValidationError(error)) {
    return {
      exitCode: EXIT.usage,
      message: `invalid ${error.field}: ${stripField(error.message, error.field)}`,
      hint: 'nothing was sent',
      details: { name: error.name, field: error.field },
    };
  }
  if (named(error, 'DeliveryFailedError')) {
    return { exitCode: EXIT.deliveryFailed, message: error.message, details: { name: error.name } };
  }
  if (isApiError(error)) {
    const what = error.exception ? `${error.status} ${error.exception}` : `${error.status}`;
    const text = error.ipMessage ?? error.message;
    let hint: string | undefined;
    if (error.status === 401) hint = 'check IP_USERNAME / IP_PASSWORD (or --username / --password)';
    else if (error.status === 403) hint = 'the credentials are valid but not allowed here';
    else if (error.description) hint = error.description;
    for (const item of error.errors.slice(0, 5)) {
      const field = (item as { field?: string }).field;
      const message = (item as { defaultMessage?: string }).defaultMessage;
      if (field || message) hint = `${hint ? `${hint}\n  ` : ''}${field ?? ''}: ${message ?? ''}`;
    }
    return {
      exitCode: EXIT.failure,
      message: `the IP answered ${what}: ${text}`,
      hint,
      details: { name: error.name, status: error.status, exception: error.exception, ipMessage: error.ipMessage },
    };
  }
  if (isTimeoutError(error)) {
    return {
      exitCode: EXIT.failure,
      message: `no answer from the IP in time: ${error.message}`,
      hint: 'raise the limit with --timeout (e.g. --timeout 2m)',
      details: { name: error.name, url: error.url },
    };
  }
  if (isConnectionError(error)) {
    const cause = error.cause instanceof Error ? ((error.cause as { code?: string }).code ?? error.cause.message) : undefined;
    return {
      exitCode: EXIT.failure,
      message: `cannot reach the IP${error.url ? ` at ${new URL(error.url).origin}` : ''}: ${error.message}${cause && !error.message.includes(cause) ? ` (${cause})` : ''}`,
      hint: 'check the URL (--url / IP_URL), that the IP runs, and the CA for https (--ca / IP_CA)',
      details: { name: error.name, url: error.url },
    };
  }
  if (isResponseValidationError(error)) {
    return {
      exitCode: EXIT.failure,
      message: `the IP's answer had an unexpected shape: ${error.message}`,
      hint: 'is --url pointing at an integrasjonspunkt?',
      details: { name: error.name, status: error.status },
    };
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return { exitCode: 130, message: 'interrupted', details: { name: 'AbortError' } };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      exitCode: EXIT.failure,
      message: error.message,
      details: { name: error.name, ...(typeof code === 'string' ? { code } : {}) },
    };
  }
  return { exitCode: EXIT.failure, message: String(error), details: { name: 'Error' } };
}

function stripField(message: string, field: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/** Prints the report to stderr (JSON with `--json`) and returns the exit code. @internal */
export function reportError(error: unknown, out: Output, command: string, verbose: boolean): number {
  const report = describeError(error, command);
  if (report.message === '' && error instanceof CliExit) return report.exitCode;
  if (out.json) {
    out.note(JSON.stringify({ error: { ...report.details, message: report.message, exitCode: report.exitCode } }));
  } else {
    out.note(`${out.paint('red', 'error:', true)} ${report.message}`);
    if (report.hint) out.note(`  ${report.hint}`);
    if (verbose && error instanceof Error && error.stack) out.note(error.stack);
  }
  return report.exitCode;
}
