/** Removes credentials from URLs and free text before they reach an error, a log line or `toJSON()`. */

const SECRET_PARAMS = /([?&](?:access_token|token|api[_-]?key|apikey|password|passwd|secret|sig|signature|key)=)[^&#\s]*/gi;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+(?::[^/@\s]*)?@/gi;
const AUTH_HEADER = /\b(authorization|proxy-authorization)(\s*[:=]\s*)(basic|bearer)?\s*[^\s,;"']+/gi;
/** A credential in its scheme's form, as a server may echo it back: `Basic <base64>`, `Bearer <token>`. */
const SCHEME_CREDENTIAL = /\b(basic|bearer)(\s+)(?!\*\*\*)[A-Za-z0-9\-._~+/]+=*/gi;

/** Strips user info and secret query parameters from a URL. */
export function redactUrl(url: string): string {
  return url.replace(URL_CREDENTIALS, '$1***@').replace(SECRET_PARAMS, '$1***');
}

/** Strips credentials that may have ended up in a message. */
export function redactText(text: string): string {
  return redactUrl(text)
    .replace(AUTH_HEADER, (_m, name: string, sep: string, scheme?: string) => `${name}${sep}${scheme ? `${scheme} ` : ''}***`)
    .replace(SCHEME_CREDENTIAL, (match: string, scheme: string, space: string) =>
      isCredential(scheme, match.slice(scheme.length + space.length)) ? `${scheme}${space}***` : match,
    );
}

/**
 * Whether the word after `Basic`/`Bearer` is a credential rather than prose: token-like (a digit, `+/=._~-`, or 16+
 * characters), or any word after the capitalised scheme of a header value except the few words prose puts there
 * ("Basic auth", `Basic realm="x"`, "a Basic username").
 */
function isCredential(scheme: string, word: string): boolean {
  if (PROSE_AFTER_SCHEME.has(word.replace(/=+$/, '').toLowerCase())) return false;
  if (/[0-9+/=._~-]/.test(word) || word.length >= 16) return true;
  const headerForm = scheme === 'Basic' || scheme === 'Bearer' || scheme === 'BASIC' || scheme === 'BEARER';
  return headerForm;
}

const PROSE_AFTER_SCHEME = new Set([
  'auth',
  'authentication',
  'authorization',
  'realm',
  'token',
  'tokens',
  'scheme',
  'credentials',
  'header',
  'user',
  'username',
  'password',
  'needs',
  'and',
  'or',
  'is',
  'with',
  'for',
]);

/** {@link redactText} applied to every string inside a JSON-like value (an error body). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = redactDeep(v);
    return out as T;
  }
  return value;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/** Longest server text put into an error message. */
const MAX_SERVER_TEXT = 200;

/**
 * Server text fit for an error message: an HTML page becomes its title (or its text without tags), control
 * characters and runs of whitespace become one space, credentials are redacted and the result is capped.
 */
export function cleanServerText(raw: string, max = MAX_SERVER_TEXT): string {
  let text = raw.slice(0, 64 * 1024);
  if (/^\s*</.test(text) || /<\/?(html|body|head|title|h1|p|div)\b/i.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
    const h1 = /<h1[^>]*>([^<]*)<\/h1>/i.exec(text)?.[1];
    text =
      title?.trim() || h1?.trim()
        ? [title, h1]
            .filter((t) => t?.trim())
            .filter((t, i, all) => all.indexOf(t) === i)
            .join(': ')
        : text.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, ' ');
    text = `HTML page: ${decodeEntities(text)}`;
  }
  text = redactText(text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim());
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
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
