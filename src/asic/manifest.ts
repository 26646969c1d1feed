/**
 * Small, dependency-free readers for the three manifests of an eFormidling ASiC-E (as the IP's `AsicHandlerImpl` and
 * `ManifestFactory` write them). They run on the linear scanner of `xml.ts`, so time grows linearly with the manifest; a manifest that is not
 * well-formed XML is an {@link AsicError} `INVALID_MANIFEST`. Within a well-formed manifest they look only at the
 * elements and attributes they need; anything unexpected is ignored rather than trusted.
 * @internal
 * @module
 */

import { scanXml } from './xml.js';

/** The NextMove `manifest.xml` (no namespace): receiver, sender and the main document. @category ASiC */
export interface NextMoveManifest {
  /** Receiver identifier as written, e.g. `0192:910075918`. */
  receiver: string | undefined;
  /** Sender identifier as written, e.g. `0192:910077473`. */
  sender: string | undefined;
  /** The `hoveddokument` element, when present. */
  mainDocument: { href: string; mimeType: string | undefined; title: string | undefined } | undefined;
}

export { decodeXml } from './xml.js';

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
 * @param source - The entry name, for errors.
 * @throws {@link AsicError} `INVALID_MANIFEST` when it is not well-formed XML.
 * @internal
 */
export function parseAsicManifest(xml: string, source?: string): { mimeTypes: Map<string, string>; signatures: string[] } {
  const mimeTypes = new Map<string, string>();
  const signatures: string[] = [];
  scanXml(
    xml,
    {
      start(name, attrs) {
        const uri = attrs.get('URI');
        if (!uri) return;
        if (name === 'DataObjectReference') {
          const mime = attrs.get('MimeType');
          if (mime) for (const entry of uriToName(uri)) mimeTypes.set(entry, mime);
        } else if (name === 'SigReference') {
          signatures.push(...uriToName(uri));
        }
      },
    },
    source,
  );
  return { mimeTypes, signatures };
}

/**
 * Reads the OASIS OpenDocument `META-INF/manifest.xml`: MIME type per `file-entry`.
 * @param source - The entry name, for errors.
 * @throws {@link AsicError} `INVALID_MANIFEST` when it is not well-formed XML.
 * @internal
 */
export function parseOasisManifest(xml: string, source?: string): Map<string, string> {
  const out = new Map<string, string>();
  scanXml(
    xml,
    {
      start(name, attrs) {
        if (name !== 'file-entry') return;
        const path = attrs.get('full-path');
        const mime = attrs.get('media-type');
        if (path && mime && path !== '/') for (const entry of uriToName(path)) out.set(entry, mime);
      },
    },
    source,
  );
  return out;
}

/** Collects the text of one element (and its descendants) while it is open. */
interface Capture {
  depth: number;
  text: string;
}

/**
 * Reads the NextMove `manifest.xml` (`<manifest><mottaker>…<avsender>…<hoveddokument href mime>`): the first
 * `organisasjon` (else `person`) of the first `mottaker` and `avsender`, and the first `hoveddokument` with its first
 * `tittel`.
 * @param source - The entry name, for errors.
 * @throws {@link AsicError} `INVALID_MANIFEST` when it is not well-formed XML.
 * @internal
 */
export function parseNextMoveManifest(xml: string, source?: string): NextMoveManifest {
  type Party = { organisasjon?: string; person?: string };
  const parties: Record<'mottaker' | 'avsender', Party | undefined> = { mottaker: undefined, avsender: undefined };
  /** The party element being read, and its depth. */
  let party: { party: Party; depth: number } | undefined;
  let main: { href: string; mimeType: string | undefined; depth: number; closed: boolean; title?: string } | undefined;
  let capture: (Capture & { done: (text: string) => void }) | undefined;

  scanXml(
    xml,
    {
      start(name, attrs, depth) {
        if (capture) return;
        if ((name === 'mottaker' || name === 'avsender') && parties[name] === undefined && !party) {
          const found: Party = {};
          parties[name] = found;
          party = { party: found, depth };
        } else if ((name === 'organisasjon' || name === 'person') && party && party.party[name] === undefined) {
          const target = party.party;
          capture = { depth, text: '', done: (text) => (target[name] = text) };
        } else if (name === 'hoveddokument' && main === undefined) {
          const href = attrs.get('href');
          main = { href: href ?? '', mimeType: attrs.get('mime'), depth, closed: false };
        } else if (name === 'tittel' && main && !main.closed && main.title === undefined) {
          const target = main;
          capture = { depth, text: '', done: (text) => (target.title = text) };
        }
      },
      text(text) {
        if (capture) capture.text += text;
      },
      end(name, depth) {
        if (capture && depth === capture.depth) {
          capture.done(capture.text.trim());
          capture = undefined;
        } else if (party && depth === party.depth) {
          party = undefined;
        } else if (main && name === 'hoveddokument' && depth === main.depth) {
          main.closed = true;
        }
      },
    },
    source,
  );
  const who = (p: Party | undefined) => (p === undefined ? undefined : (p.organisasjon ?? p.person));
  return {
    receiver: who(parties.mottaker),
    sender: who(parties.avsender),
    mainDocument: main?.href ? { href: uriToName(main.href)[0] as string, mimeType: main.mimeType, title: main.title } : undefined,
  };
}
