/**
 * What a failed attempt becomes: the SDK's typed errors for a redirect, a timeout, an abort and a network failure.
 * @internal
 * @module
 */

import { ApiError, ConnectionError, EformidlingError, TimeoutError } from '../errors.js';
import { cleanServerText, redactUrl } from '../internal/redact.js';
import type { HttpRequest } from './request.js';
import { describeNetworkError } from './response.js';

const NO_REDIRECTS =
  'the SDK never follows a redirect (the integrasjonspunkt does not send one): set baseUrl to the address the IP answers on';

/** The error for a 3xx answer: the IP never redirects an API call, so this is a gateway or a wrong baseUrl. @internal */
export function redirectError(req: HttpRequest, url: string, status: number, location: string | null): ApiError {
  return ApiError.from({
    status,
    method: req.method,
    url,
    body: undefined,
    message:
      `${req.method} ${req.path} was redirected (${status})${location ? ` to ${redactUrl(cleanServerText(location, 300))}` : ''}; ` +
      NO_REDIRECTS,
  });
}

/**
 * The error an attempt rejects with: the caller's abort reason, the SDK's own error as it is, a {@link TimeoutError}
 * when the attempt's timer fired, an {@link ApiError} for fetch's refusal of a redirect, else a {@link ConnectionError}.
 * @internal
 */
export function mapFailure(
  error: unknown,
  req: HttpRequest,
  url: string,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  timedOut = false,
): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof EformidlingError) return error;
  if (timedOut) {
    return new TimeoutError(`${req.method} ${req.path} timed out after ${timeoutMs} ms`, {
      method: req.method,
      url,
      timeoutMs,
      cause: error,
    });
  }
  const cause = (error as { cause?: unknown })?.cause ?? error;
  if ((cause as { message?: unknown })?.message === 'unexpected redirect') {
    // fetch's answer to a 3xx in redirect mode 'error' (requests with a body): a definite answer, not a lost one.
    return ApiError.from({
      status: 300,
      method: req.method,
      url,
      body: undefined,
      message: `${req.method} ${req.path} was redirected (3xx); ${NO_REDIRECTS}`,
    });
  }
  const detail = describeNetworkError(cause);
  return new ConnectionError(`${req.method} ${req.path} failed: ${detail}`, { cause: error, method: req.method, url });
}
