/**
 * The SDK's error tree. Every failure the SDK reports is an {@link EformidlingError}, so one `catch` sees them all.
 *
 * ```
 * EformidlingError
 * ├─ ApiError                    the IP answered with an error status
 * │  ├─ BadRequestError 400      (the IP uses 400 for almost every conflict: branch on `exception`)
 * │  ├─ UnauthorizedError 401    ForbiddenError 403     NotFoundError 404
 * │  ├─ PayloadTooLargeError 413 UnsupportedMediaTypeError 415
 * │  ├─ RateLimitError 429       ServerError 5xx
 * │  └─ NotIntegrasjonspunktError a 404 without the IP's error JSON: baseUrl does not point at an IP
 * ├─ ConnectionError             no response (refused, reset, DNS, TLS)
 * │  └─ TimeoutError             no response within `timeoutMs`
 * ├─ ResponseValidationError     a 2xx whose body does not match the schema
 * └─ RequestValidationError      our own pre-flight check failed; nothing was sent
 * ```
 * @module
 */

export * from './errors/api.js';
export { EformidlingError, isEformidlingError } from './errors/base.js';
export * from './errors/connection.js';
export * from './errors/validation.js';
