/**
 * A small XML scanner for the manifests of an ASiC-E container. It runs in time linear in the input (every character
 * is looked at a bounded number of times; no regular expressions over the document), checks that the document is
 * well formed (one root, balanced tags, quoted attributes, bounded nesting) and reports start tags, end tags and
 * character data to a handler. It does not resolve external entities or a DTD: only the five predefined entities
 * and numeric character references are decoded.
 * @internal
 * @module
 */

import { AsicError } from './errors.js';

/** Deepest element nesting accepted in a manifest (the real ones nest at most four levels). @internal */
export const MAX_XML_DEPTH = 64;

/** What the scanner reports. Names are local names (a namespace prefix is dropped). @internal */
export interface XmlHandler {
  start?(name: string, attributes: ReadonlyMap<string, string>, depth: number): void;
  end?(name: string, depth: number): void;
  /** Character data (entities decoded, CDATA literal), at the depth of the enclosing element. */
  text?(text: string, depth: number): void;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** Longest reference body we look for (`#x10FFFF` is 8 characters; a longer one is kept as written). */
const MAX_REFERENCE = 12;

/** Decodes the five XML entities and numeric character references; anything else is kept as written. @internal */
export function decodeXml(text: string): string {
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    // A reference is at most a few characters long; look no further than that, so the scan stays linear.
    const window = text.slice(amp + 1, amp + 1 + MAX_REFERENCE);
    const semi = window.indexOf(';');
    const decoded = semi < 0 ? undefined : decodeReference(window.slice(0, semi));
    if (decoded !== undefined) {
      out += text.slice(from, amp) + decoded;
      from = amp + semi + 2;
    }
    amp = text.indexOf('&', decoded === undefined ? amp + 1 : from);
  }
  return out + text.slice(from);
}

function decodeReference(ref: string): string | undefined {
  if (ref.startsWith('#x') || ref.startsWith('#X')) return codePoint(ref.slice(2), 16, /^[0-9a-fA-F]+$/);
  if (ref.startsWith('#')) return codePoint(ref.slice(1), 10, /^[0-9]+$/);
  return Object.hasOwn(ENTITIES, ref) ? ENTITIES[ref] : undefined;
}

function codePoint(digits: string, radix: number, shape: RegExp): string | undefined {
  if (!shape.test(digits)) return undefined;
  const code = Number.parseInt(digits, radix);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function localName(qualified: string): string {
  const colon = qualified.lastIndexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

/**
 * Scans a manifest, calling the handler for each start tag, end tag and run of character data.
 * @param xml - The document (a BOM is ignored).
 * @param source - The entry name, for the error.
 * @throws {@link AsicError} `INVALID_MANIFEST` when the document is not well formed or nests deeper than
 * {@link MAX_XML_DEPTH}.
 * @internal
 */
export function scanXml(xml: string, handler: XmlHandler, source?: string): void {
  const fail = (why: string, at: number): never => {
    throw new AsicError('INVALID_MANIFEST', `the manifest is not well-formed XML: ${why} at offset ${at}`, { entry: source });
  };
  const n = xml.length;
  const stack: string[] = [];
  let sawRoot = false;
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;

  const readName = (): string => {
    const start = i;
    if (i >= n || !isNameStart(xml.charCodeAt(i))) fail('a name was expected', i);
    while (i < n && isNameChar(xml.charCodeAt(i))) i++;
    return xml.slice(start, i);
  };
  const skipSpace = (): void => {
    while (i < n && isSpace(xml.charCodeAt(i))) i++;
  };
  const text = (raw: string, literal: boolean): void => {
    if (raw.length === 0) return;
    if (stack.length === 0) {
      // Outside the root only white space is allowed.
      for (let k = 0; k < raw.length; k++) if (!isSpace(raw.charCodeAt(k))) fail('text outside the root element', i);
      return;
    }
    handler.text?.(literal ? raw : decodeXml(raw), stack.length);
  };

  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      text(xml.slice(i), false);
      break;
    }
    text(xml.slice(i, lt), false);
    i = lt + 1;
    const c = xml.charCodeAt(i);
    if (c === 0x3f /* ? */) {
      const close = xml.indexOf('?>', i + 1);
      if (close < 0) fail('an unterminated processing instruction', lt);
      i = close + 2;
    } else if (xml.startsWith('!--', i)) {
      const close = xml.indexOf('-->', i + 3);
      if (close < 0) fail('an unterminated comment', lt);
      i = close + 3;
    } else if (xml.startsWith('![CDATA[', i)) {
      if (stack.length === 0) fail('CDATA outside the root element', lt);
      const close = xml.indexOf(']]>', i + 8);
      if (close < 0) fail('an unterminated CDATA section', lt);
      text(xml.slice(i + 8, close), true);
      i = close + 3;
    } else if (xml.startsWith('!DOCTYPE', i)) {
      // Manifests have no document type; one could declare entities we would not expand. Refuse it.
      fail('a DOCTYPE declaration', lt);
    } else if (c === 0x2f /* / */) {
      i++;
      const name = readName();
      skipSpace();
      if (xml.charCodeAt(i) !== 0x3e) fail("'>' was expected after an end tag", i);
      i++;
      const open = stack.pop();
      if (open !== name) fail(open === undefined ? `an end tag </${name}> with no open element` : `</${name}> closes <${open}>`, lt);
      handler.end?.(localName(name), stack.length + 1);
    } else {
      const name = readName();
      if (stack.length === 0 && sawRoot) fail('a second root element', lt);
      const attributes = new Map<string, string>();
      let selfClosing = false;
      for (;;) {
        const before = i;
        skipSpace();
        const d = xml.charCodeAt(i);
        if (i >= n) fail('an unterminated start tag', lt);
        if (d === 0x3e /* > */) {
          i++;
          break;
        }
        if (d === 0x2f /* / */) {
          if (xml.charCodeAt(i + 1) !== 0x3e) fail("'>' was expected after '/'", i);
          i += 2;
          selfClosing = true;
          break;
        }
        if (i === before) fail('white space was expected before an attribute', i);
        const attr = readName();
        skipSpace();
        if (xml.charCodeAt(i) !== 0x3d /* = */) fail("'=' was expected after an attribute name", i);
        i++;
        skipSpace();
        const quote = xml.charCodeAt(i);
        if (quote !== 0x22 && quote !== 0x27) fail('a quoted attribute value was expected', i);
        const close = xml.indexOf(quote === 0x22 ? '"' : "'", i + 1);
        if (close < 0) fail('an unterminated attribute value', i);
        const value = xml.slice(i + 1, close);
        if (value.includes('<')) fail("'<' in an attribute value", i);
        i = close + 1;
        const local = localName(attr);
        // The first attribute with a local name wins (a prefixed duplicate cannot override it).
        if (!attributes.has(local)) attributes.set(local, decodeXml(value));
      }
      sawRoot = true;
      if (stack.length + 1 > MAX_XML_DEPTH) fail(`elements nested deeper than ${MAX_XML_DEPTH} levels`, lt);
      const local = localName(name);
      handler.start?.(local, attributes, stack.length + 1);
      if (selfClosing) handler.end?.(local, stack.length + 1);
      else stack.push(name);
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]}> is not closed`, n);
  if (!sawRoot) fail('no root element', n);
}
