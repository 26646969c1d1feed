/**
 * A minimal reading of `arkivmelding.xml`: what the IP takes from it (`NextMoveMessageService.addFile`, `NextMoveValidator`).
 * @internal
 * @module
 */

/** What the IP reads from an arkivmelding. */
export interface ArkivmeldingFacts {
  /** `journalpost.offentligTittel` → conversation `messageTitle`. */
  offentligTittel: string | undefined;
  /** `saksmappe.systemID`. */
  saksmappeSystemId: string | undefined;
  /** `journalpost.journalpostnummer`. */
  journalpostnummer: string | undefined;
  /** Every `dokumentobjekt/referanseDokumentfil`. */
  referencedFiles: string[];
}

/** Thrown for XML the IP's JAXB reader would reject (→ 500 on upload). */
export class ArkivmeldingParseError extends Error {
  /** True when the XML is not an arkivmelding document at all (JAXB could not unmarshal it). */
  readonly unmarshal: boolean;
  constructor(message: string, unmarshal = false) {
    super(message);
    this.unmarshal = unmarshal;
  }
}

const decode = (s: string) =>
  s
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    // Character references, as JAXB (the IP's ArkivmeldingUtil) reads them; one beyond Unicode stays as written.
    .replace(/&#(x[0-9a-f]+|\d+);/gi, (ref, code: string) => {
      const point = code[0] === 'x' || code[0] === 'X' ? Number.parseInt(code.slice(1), 16) : Number.parseInt(code, 10);
      return point <= 0x10ffff ? String.fromCodePoint(point) : ref;
    })
    .replace(/&amp;/g, '&')
    .trim();

function firstText(xml: string, element: string, from = 0): string | undefined {
  const re = new RegExp(`<(?:[\\w.-]+:)?${element}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w.-]+:)?${element}>`, 'g');
  re.lastIndex = from;
  const m = re.exec(xml);
  return m ? decode(m[1] as string) : undefined;
}

/** Parses the parts of an arkivmelding the IP uses; throws {@link ArkivmeldingParseError} when it cannot. */
export function parseArkivmelding(content: Buffer): ArkivmeldingFacts {
  const xml = content.toString('utf8').replace(/<!--[\s\S]*?-->/g, '');
  if (!/<(?:[\w.-]+:)?arkivmelding[\s>]/.test(xml) || !/<\/(?:[\w.-]+:)?arkivmelding>\s*$/.test(xml)) {
    throw new ArkivmeldingParseError('not an arkivmelding document', true);
  }
  const mappe = /<(?:[\w.-]+:)?mappe\b[^>]*type="(?:[\w.-]+:)?saksmappe"[^>]*>|<(?:[\w.-]+:)?saksmappe[\s>]/.exec(xml);
  const journalpost = /<(?:[\w.-]+:)?basisregistrering\b[^>]*type="(?:[\w.-]+:)?journalpost"[^>]*>|<(?:[\w.-]+:)?journalpost[\s>]/.exec(
    xml,
  );
  if (!mappe) throw new ArkivmeldingParseError('arkivmelding without saksmappe');
  if (!journalpost) throw new ArkivmeldingParseError('arkivmelding without journalpost');
  const referencedFiles: string[] = [];
  for (const m of xml.matchAll(/<(?:[\w.-]+:)?referanseDokumentfil(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?referanseDokumentfil>/g)) {
    referencedFiles.push(decode(m[1] as string));
  }
  return {
    offentligTittel: firstText(xml, 'offentligTittel', journalpost.index),
    saksmappeSystemId: firstText(xml, 'systemID', mappe.index),
    journalpostnummer: firstText(xml, 'journalpostnummer', journalpost.index),
    referencedFiles,
  };
}
