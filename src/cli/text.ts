/**
 * Making text safe to print on a terminal: credentials a server echoed back, and control characters in text the IP
 * (or a sender through the IP) provided.
 * @internal
 * @module
 */

/** `Basic <base64>`, `Bearer <token>` (also `Digest`, `Token`), wherever they appear. */
const AUTH_VALUE = /\b(Basic|Bearer|Digest|Token)(\s+)[A-Za-z0-9+/=._~-]{6,}[^\s,;"'<>]*/g;

/** Replaces the credential of every `Basic …` / `Bearer …` form by `***`. @internal */
export function redactAuth(text: string): string {
  return text.replace(AUTH_VALUE, '$1$2***');
}

/** The colour codes the CLI itself writes (SGR: bold, dim, red, green, yellow, cyan and their resets). */
const OWN_SGR = new RegExp(`^${String.fromCharCode(0x1b)}\\[(?:1|2|22|31|32|33|36|39)m`);

/**
 * Escapes control characters so text cannot clear the screen, move the cursor or retitle the terminal: C0 (except
 * newline and tab) becomes `\x1b`-style escapes, DEL, C1, line separators and bidi overrides `\u009b`-style ones. `keep` decides about newlines: `'newlines'` keeps them
 * (the CLI's own layout), `'none'` escapes them too (one field, one line). The CLI's own colour codes survive with
 * `ownColours`.
 * @internal
 */
export function escapeControls(text: string, options: { keep?: 'newlines' | 'none'; ownColours?: boolean } = {}): string {
  const keepNewlines = options.keep !== 'none';
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const code = ch.charCodeAt(0);
    if (code === 0x1b && options.ownColours) {
      const own = OWN_SGR.exec(text.slice(i, i + 6));
      if (own) {
        out += own[0];
        i += own[0].length - 1;
        continue;
      }
    }
    if ((ch === '\n' && keepNewlines) || ch === '\t') {
      out += ch;
    } else if (code < 0x20) {
      out += ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : `\\x${code.toString(16).padStart(2, '0')}`;
    } else if (
      code === 0x7f ||
      (code >= 0x80 && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029 ||
      code === 0x202e ||
      code === 0x202d
    ) {
      // DEL, C1 (0x9b is a one-byte CSI), line separators and bidi overrides that make text lie about itself. The
      // \u form, because JSON.stringify leaves these raw and the result must stay valid JSON.
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Text from the IP for one line of output: controls and newlines escaped. @internal */
export function ipText(text: string | undefined): string {
  return text === undefined ? '' : escapeControls(text, { keep: 'none' });
}
