import { STATUS_CODES } from 'node:http';
import { formatDateTime, jacksonJson } from './format.js';

/**
 * The IP's errors as the simulator raises them: a status, the fully qualified Java exception and the message, turned
 * into the error JSON of `IntegrasjonspunktErrorController` by {@link errorResponse}.
 * @internal
 * @module
 */

const IP_EXCEPTIONS = 'no.difi.meldingsutveksling.exceptions.';

/** Status of each IP exception (each `HttpStatusCodeException` subclass in `no.difi.meldingsutveksling.exceptions`). */
const STATUS_OF = {
  MessageAlreadyExistsException: 400,
  MessageNotLockedException: 400,
  ServiceNotEnabledException: 400,
  ReceiverDoesNotAcceptProcessException: 400,
  MessageTypeDoesNotFitDocumentTypeException: 400,
  MissingFileException: 400,
  MissingArkivmeldingException: 400,
  MissingArkivmeldingFileException: 400,
  MissingPrimaryDocumentException: 400,
  MultiplePrimaryDocumentsNotAllowedException: 400,
  MissingFileTitleException: 400,
  DuplicateFilenameException: 400,
  MultipartFileToLargeException: 400,
  MaxFileSizeExceededException: 400,
  TimeToLiveException: 400,
  MissingAddressInformationException: 400,
  MissingHttpHeaderException: 400,
  SubscriptionWithSameNameAndPushEndpointAlreadyExists: 400,
  MessageNotFoundException: 404,
  ConversationNotFoundException: 404,
  SubscriptionNotFoundException: 404,
  FileNotFoundException: 404,
  IdentifierNotFoundException: 404,
} satisfies Record<string, number>;

/** Short name of an IP exception the simulator raises. */
export type IpExceptionName = keyof typeof STATUS_OF;

/** HTTP reason phrase for a status. */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}

/** One Spring `FieldError` in an error body. */
export interface FieldErrorItem {
  codes: string[];
  defaultMessage: string;
  objectName: string;
  field: string;
  rejectedValue?: unknown;
  bindingFailure: boolean;
  code: string;
  arguments?: unknown[];
}

/** An error the simulated IP answers with. */
export class IpError extends Error {
  readonly status: number;
  /** Fully qualified Java exception class, or `undefined` for an error without exception (e.g. 401). */
  readonly exception: string | undefined;
  readonly errors: FieldErrorItem[] | undefined;
  readonly description: string | undefined;

  constructor(
    status: number,
    exception: string | undefined,
    message: string,
    extra: { errors?: FieldErrorItem[]; description?: string } = {},
  ) {
    super(message);
    this.name = 'IpError';
    this.status = status;
    this.exception = exception;
    this.errors = extra.errors;
    this.description = extra.description;
  }
}

/** An IP exception from `no.difi.meldingsutveksling.exceptions` by short name, with its own status. */
export function ipException(
  name: IpExceptionName,
  message: string,
  extra: { description?: string; errors?: FieldErrorItem[] } = {},
): IpError {
  return new IpError(STATUS_OF[name], IP_EXCEPTIONS + name, message, extra);
}

/** `Message with messageId = <id> was not found` (404). */
export function messageNotFound(messageId: string): IpError {
  return ipException('MessageNotFoundException', `Message with messageId = ${messageId} was not found`);
}

/** A framework / JDK exception with an explicit status. */
export function frameworkError(status: number, exception: string, message: string, errors?: FieldErrorItem[]): IpError {
  return new IpError(status, exception, message, errors ? { errors } : {});
}

/** One failing field of a request body, as the simulator's bean validation collects them. */
export interface FieldViolation {
  field: string;
  /** The constraint's short name, e.g. `NotNull`. */
  code: string;
  message: string;
  rejected?: unknown;
  /** The field's Java type, for the third entry of `codes`. */
  javaType: string;
}

/** Spring's `MethodArgumentNotValidException` (400) for a request body named `objectName`, one item per field. */
export function methodArgumentNotValid(objectName: string, errors: FieldViolation[]): IpError {
  return frameworkError(
    400,
    'org.springframework.web.bind.MethodArgumentNotValidException',
    `Validation failed for object='${objectName}'. Error count: ${errors.length}`,
    errors.map((e) => ({
      codes: [`${e.code}.${objectName}.${e.field}`, `${e.code}.${e.field}`, `${e.code}.${e.javaType}`, e.code],
      arguments: [{ codes: [`${objectName}.${e.field}`, e.field], defaultMessage: e.field, code: e.field }],
      defaultMessage: e.message,
      objectName,
      field: e.field,
      rejectedValue: e.rejected,
      bindingFailure: false,
      code: e.code,
    })),
  );
}

/** What {@link errorBody} and {@link errorResponse} read from an error (an {@link IpError} or a fault's plain object). */
export interface ErrorFields {
  status: number;
  exception?: string | undefined;
  message: string;
  errors?: FieldErrorItem[] | undefined;
  description?: string | undefined;
}

/** The body of the IP's error JSON (`IntegrasjonspunktErrorController`), field order as the IP writes it. */
export function errorBody(error: ErrorFields, path: string, now: number): Record<string, unknown> {
  return {
    timestamp: formatDateTime(now),
    status: error.status,
    error: reasonPhrase(error.status),
    exception: error.exception,
    message: error.message || 'No message available',
    path,
    errors: error.errors,
    description: error.description,
  };
}

/** The HTTP response for an error. */
export function errorResponse(error: ErrorFields, path: string, now: number, headers: Record<string, string> = {}): Response {
  return new Response(jacksonJson(errorBody(error, path, now)), {
    status: error.status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Java's `MessageFormat` number rendering in the default (English) locale: `1234` → `1,234`. */
export function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * A query parameter bound into a `@Valid` model attribute (`MessageStatusQueryInput`, `ConversationQueryInput`) that
 * does not convert: since Spring 6.0 `ModelAttributeMethodProcessor` throws `MethodArgumentNotValidException` (400)
 * for a failed binding of a `@Valid` argument not followed by a `BindingResult` (Spring 5 threw `BindException`).
 */
export function bindingFailure(objectName: string, field: string, value: string, javaType: string): IpError {
  return frameworkError(
    400,
    'org.springframework.web.bind.MethodArgumentNotValidException',
    `Validation failed for object='${objectName}'. Error count: 1`,
    [
      {
        codes: [`typeMismatch.${objectName}.${field}`, `typeMismatch.${field}`, `typeMismatch.${javaType}`, 'typeMismatch'],
        arguments: [{ codes: [`${objectName}.${field}`, field], defaultMessage: field, code: field }],
        defaultMessage: `Failed to convert property value of type 'java.lang.String' to required type '${javaType}' for property '${field}'`,
        objectName,
        field,
        rejectedValue: value,
        bindingFailure: true,
        code: 'typeMismatch',
      },
    ],
  );
}
