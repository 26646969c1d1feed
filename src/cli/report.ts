/**
 * Turns any error into a short explanation and an exit code. Messages go through the SDK's redaction (errors) and the
 * output's scrub (configured secrets) before they are printed.
 * @internal
 * @module
 */
import {
  isApiError,
  isConnectionError,
  isEformidlingError,
  isRequestValidationError,
  isResponseValidationError,
  isTimeoutError,
} from '../errors.js';
import { CliExit, CliUsageError, EXIT } from './errors.js';
import type { Output } from './output.js';
import { ipText } from './text.js';

/** Where the CLI was pointed, for errors that are about the URL rather than the IP. @internal */
export interface ReportContext {
  /** The configured IP URL. */
  url?: string | undefined;
  /** Where it came from: `--url`, `IP_URL` or a config file's path. */
  urlSource?: string | undefined;
}

/**
 * True for an answer that did not come from an integrasjonspunkt API: the SDK's own error for it (matched by name
 * or message, so this works with any version of the SDK), or a 404 without the IP's error JSON. The IP answers
 * every error through its `IntegrasjonspunktErrorController` with a JSON body that has a `message`; a 404 without
 * one comes from a web server, a proxy or another application. An unknown path on a real IP is Spring's
 * `NoResourceFoundException`: the URL is wrong in the same way.
 * @internal
 */
export function isNotAnIpAnswer(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (isEformidlingError(error) && /not\s*an?\s*integrasjonspunkt/i.test(`${error.name} ${error.message}`)) return true;
  if (!isApiError(error) || error.status !== 404) return false;
  if (error.exception === 'NoResourceFoundException') return true;
  return error.body === undefined || typeof error.body.message !== 'string';
}

/** The title of an HTML page in an error message, for a one-line summary instead of the page. */
function htmlTitle(text: string): string | undefined {
  const title = /<title[^>]*>([^<]{1,120})<\/title>/i.exec(text)?.[1]?.trim();
  return title ? ipText(title) : undefined;
}

function looksLikeHtml(text: string): boolean {
  return /<(?:!doctype|html|head|body|title|h1|p|div)\b/i.test(text);
}

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
export function describeError(error: unknown, command: string, context: ReportContext = {}): ErrorReport {
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
  if (isNotAnIpAnswer(error)) return notAnIp(error as Error, context);
  if (named(error, 'ReceiverNotCapableError') && isNotAnIpAnswer(error.cause)) return notAnIp(error.cause as Error, context);
  if (isApiError(error)) {
    const what = error.exception ? `${error.status} ${ipText(error.exception)}` : `${error.status}`;
    let text: string;
    if (error.ipMessage !== undefined) text = `: ${ipText(error.ipMessage)}`;
    else if (error.body === undefined && looksLikeHtml(error.message)) {
      const title = htmlTitle(error.message);
      text = ` with an HTML page${title ? ` ("${title}")` : ''}, not the IP's error JSON`;
    } else text = `: ${ipText(error.message)}`;
    let hint: string | undefined;
    if (error.status === 401) hint = 'check IP_USERNAME / IP_PASSWORD (or --username / --password)';
    else if (error.status === 403) hint = 'the credentials are valid but not allowed here';
    else if (error.description) hint = ipText(error.description);
    else if (error.body === undefined && error.status >= 500)
      hint = 'a proxy or gateway in front of the IP may have answered; is the IP running?';
    for (const item of error.errors.slice(0, 5)) {
      const field = (item as { field?: string }).field;
      const message = (item as { defaultMessage?: string }).defaultMessage;
      if (field || message) hint = `${hint ? `${hint}\n  ` : ''}${ipText(field ?? '')}: ${ipText(message ?? '')}`;
    }
    return {
      exitCode: EXIT.failure,
      message: `the IP answered ${what}${text}`,
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
      message: ipText(error.message),
      details: { name: error.name, ...(typeof code === 'string' ? { code } : {}) },
    };
  }
  return { exitCode: EXIT.failure, message: String(error), details: { name: 'Error' } };
}

function notAnIp(error: Error, context: ReportContext): ErrorReport {
  const requestUrl = (error as { url?: unknown }).url;
  const url = context.url ?? (typeof requestUrl === 'string' ? new URL(requestUrl).origin : undefined);
  const request = isApiError(error) ? `${error.method} ${new URL(error.url).pathname}` : undefined;
  return {
    exitCode: EXIT.failure,
    message: `this is not an integrasjonspunkt API at ${url ?? 'the configured URL'}${request ? ` (${request} answered 404 without the IP's error JSON)` : ''}`,
    hint: `check the URL${context.urlSource ? ` (from ${context.urlSource})` : ' (--url / IP_URL)'}: the port, and the path prefix when the IP sits behind a proxy, e.g. https://ip.kommune.no:9093`,
    details: { name: 'NotAnIntegrasjonspunktError', url, ...(isApiError(error) ? { status: error.status } : {}) },
  };
}

function stripField(message: string, field: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/** Prints the report to stderr (JSON with `--json`) and returns the exit code. @internal */
export function reportError(error: unknown, out: Output, command: string, verbose: boolean, context: ReportContext = {}): number {
  const report = describeError(error, command, context);
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
