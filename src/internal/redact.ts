/** Removes credentials from URLs and free text before they reach an error, a log line or `toJSON()`. */

const SECRET_PARAMS = /([?&](?:access_token|token|api[_-]?key|apikey|password|passwd|secret|sig|signature|key)=)[^&#\s]*/gi;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+(?::[^/@\s]*)?@/gi;
const AUTH_HEADER = /\b(authorization|proxy-authorization)(\s*[:=]\s*)(basic|bearer)?\s*[^\s,;"']+/gi;

/** Strips user info and secret query parameters from a URL. */
export function redactUrl(url: string): string {
  return url.replace(URL_CREDENTIALS, '$1***@').replace(SECRET_PARAMS, '$1***');
}

/** Strips credentials that may have ended up in a message. */
export function redactText(text: string): string {
  return redactUrl(text).replace(
    AUTH_HEADER,
    (_m, name: string, sep: string, scheme?: string) => `${name}${sep}${scheme ? `${scheme} ` : ''}***`,
  );
}

/** Header names whose values are never logged. */
export const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** A copy of headers safe to log; `extraSecret` adds names such as a configured API-key header. */
export function redactHeaders(headers: Headers, extraSecret: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const extra = new Set(extraSecret.map((h) => h.toLowerCase()));
  headers.forEach((value, name) => {
    out[name] = SECRET_HEADERS.has(name) || extra.has(name) ? '***' : value;
  });
  return out;
}
