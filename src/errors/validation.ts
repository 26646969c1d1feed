import { redactText, redactUrl } from '../internal/redact.js';
import { EformidlingError, guard, pathOf } from './base.js';

/** One problem found by a schema. @category Errors */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `standardBusinessDocumentHeader.documentIdentification.type`. */
  path: string;
  /** What is wrong. */
  message: string;
}

/**
 * The IP answered 2xx but the body does not match the schema. The raw body is kept for troubleshooting (credentials
 * redacted).
 * @example
 * ```ts
 * await ip.conversations.get(42).catch((error) => {
 *   if (isResponseValidationError(error)) console.error(error.field, error.issues, error.rawBody.slice(0, 500));
 *   throw error;
 * });
 * ```
 * @category Errors
 */
export class ResponseValidationError extends EformidlingError {
  readonly issues: readonly ValidationIssue[];
  /** The body as received (at most 64 KiB). */
  readonly rawBody: string;
  readonly status: number;
  readonly method: string;
  readonly url: string;

  constructor(init: { issues: ValidationIssue[]; rawBody: string; status: number; method: string; url: string }) {
    const first = init.issues[0];
    const url = redactUrl(init.url);
    super(
      `${init.method} ${pathOf(url)} answered ${init.status} with a body that does not match the expected shape` +
        (first ? `: ${first.path || '(root)'}: ${first.message}` : ''),
    );
    this.issues = init.issues;
    this.rawBody = redactText(init.rawBody.slice(0, 65_536));
    this.status = init.status;
    this.method = init.method;
    this.url = url;
  }

  /** The first offending field's path. */
  get field(): string | undefined {
    return this.issues[0]?.path;
  }

  override toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, status: this.status, issues: this.issues, url: this.url };
  }
}

/**
 * Our own check of a request or an option failed before anything was sent. {@link RequestValidationError.field}
 * names the field (a dotted path such as `files[2].filename` or `options.securityLevel`).
 * @example
 * ```ts
 * try {
 *   await ip.capabilities.get('91007591'); // 8 digits
 * } catch (error) {
 *   if (isRequestValidationError(error)) console.error(`${error.field}: fix the input`, error.issues);
 *   else throw error;
 * }
 * ```
 * @category Errors
 */
export class RequestValidationError extends EformidlingError {
  /** Dotted path of the offending field or option, e.g. `files[2].filename`. */
  readonly field: string;
  readonly issues: readonly ValidationIssue[];

  constructor(field: string, message: string, issues?: ValidationIssue[]) {
    super(`${field}: ${message}`);
    this.field = field;
    this.issues = issues ?? [{ path: field, message }];
  }

  override toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, field: this.field, issues: this.issues };
  }
}

/** True when a 2xx body failed its schema. @category Errors */
export const isResponseValidationError = guard(ResponseValidationError, ['ResponseValidationError']);
/** True when our own pre-flight validation failed. @category Errors */
export const isRequestValidationError = guard(RequestValidationError, ['RequestValidationError']);
