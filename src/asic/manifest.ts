/**
 * Small, dependency-free readers for the three manifests of an eFormidling ASiC-E (reference 7). They look only at
 * the elements and attributes they need; anything unexpected is ignored rather than trusted.
 * @internal
 * @module
 */

/** The NextMove `manifest.xml` (no namespace): receiver, sender and the main document. @category ASiC */
export interface NextMoveManifest {
  /** Receiver identifier as written, e.g. `0192:910075918`. */
  receiver: string | undefined;
  /** Sender identifier as written, e.g. `0192:910077473`. */
  sender: string | undefined;
  /** The `hoveddokument` element, when present. */
  mainDocument: { href: string; mimeType: string | undefined; title: string | undefined } | undefined;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references. @internal */
export function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref] ?? whole;
  });
}

/** Strips comments, processing instructions and CDATA markers so the regexes below see only elements. */
function clean(xml: string): string {
  return xml
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!DOCTYPE[\s\S]*?>/gi, '');
}

/** Attributes of one start tag, keyed by local name (namespace prefix dropped). */
function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([\w.-]+:)?([\w.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    const local = m[2] as string;
    if (!out.has(local)) out.set(local, decodeXml(m[4] ?? m[5] ?? ''));
  }
  return out;
}

/** Every start (or empty) tag with the given local name. */
function tags(xml: string, localName: string): Array<{ attrs: Map<string, string>; index: number; end: number }> {
  const re = new RegExp(`<(?:[\\w.-]+:)?${localName}(\\s[^>]*)?/?>`, 'g');
  return [...xml.matchAll(re)].map((m) => ({ attrs: attributes(m[1] ?? ''), index: m.index, end: m.index + m[0].length }));
}

/** Raw content of the first element with the given local name. */
function inner(xml: string, localName: string): string | undefined {
  const re = new RegExp(`<(?:[\\w.-]+:)?${localName}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w.-]+:)?${localName}\\s*>`);
  return re.exec(xml)?.[1];
}

/** Text of the first element with the given local name. */
function text(xml: string, localName: string): string | undefined {
  const raw = inner(xml, localName);
  if (raw === undefined) return undefined;
  // CDATA content is literal: entities are decoded only outside it.
  return raw
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeXml(part)))
    .join('')
    .trim();
}

/** A URI from a manifest as an entry name (they are normally plain names; percent-encoding is undone when valid). */
function uriToName(uri: string): string[] {
  const names = [uri];
  try {
    const decoded = decodeURIComponent(uri);
    if (decoded !== uri) names.push(decoded);
  } catch {
    // not percent-encoded
  }
  return names.map((n) => n.replace(/^\.\//, ''));
}

/**
 * Reads `META-INF/ASiCManifest.xml`: MIME type per data object, and the signature the manifest points to.
 * @internal
 */
export function parseAsicManifest(xml: string): { mimeTypes: Map<string, string>; signatures: string[] } {
  const doc = clean(xml);
  const mimeTypes = new Map<string, string>();
  for (const { attrs } of tags(doc, 'DataObjectReference')) {
    const uri = attrs.get('URI');
    const mime = attrs.get('MimeType');
    if (uri && mime) for (const name of uriToName(uri)) mimeTypes.set(name, mime);
  }
  const signatures: string[] = [];
  for (const { attrs } of tags(doc, 'SigReference')) {
    const uri = attrs.get('URI');
    if (uri) signatures.push(...uriToName(uri));
  }
  return { mimeTypes, signatures };
}

/**
 * Reads the OASIS OpenDocument `META-INF/manifest.xml`: MIME type per `file-entry`.
 * @internal
 */
export function parseOasisManifest(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const { attrs } of tags(clean(xml), 'file-entry')) {
    const path = attrs.get('full-path');
    const mime = attrs.get('media-type');
    if (path && mime && path !== '/') for (const name of uriToName(path)) out.set(name, mime);
  }
  return out;
}

/**
 * Reads the NextMove `manifest.xml` (`<manifest><mottaker>…<avsender>…<hoveddokument href mime>`).
 * @internal
 */
export function parseNextMoveManifest(xml: string): NextMoveManifest {
  const doc = clean(xml);
  const receiverBlock = inner(doc, 'mottaker');
  const senderBlock = inner(doc, 'avsender');
  const main = tags(doc, 'hoveddokument')[0];
  let mainDocument: NextMoveManifest['mainDocument'];
  const href = main?.attrs.get('href');
  if (main && href) {
    const rest = doc.slice(main.end);
    const close = rest.search(/<\/(?:[\w.-]+:)?hoveddokument\s*>/);
    const title = close >= 0 ? text(rest.slice(0, close), 'tittel') : undefined;
    mainDocument = { href: uriToName(href)[0] as string, mimeType: main.attrs.get('mime'), title };
  }
  return {
    receiver: receiverBlock === undefined ? undefined : (text(receiverBlock, 'organisasjon') ?? text(receiverBlock, 'person')),
    sender: senderBlock === undefined ? undefined : (text(senderBlock, 'organisasjon') ?? text(senderBlock, 'person')),
    mainDocument,
  };
}
