import type yauzl from 'yauzl';

/**
 * What an entry is, by its name and the manifests:
 * `document` (a file the sender attached), `manifest` (the NextMove `manifest.xml`), `signature`
 * (`META-INF/*.p7s` or a signature the ASiC manifest references), `metadata` (`mimetype`, other `META-INF/` files),
 * `directory`.
 * @category ASiC
 */
export type AsicEntryKind = 'document' | 'manifest' | 'signature' | 'metadata' | 'directory';

/** One entry of an ASiC-E container. @category ASiC */
export interface AsicEntry {
  /** The entry name (a relative path with `/`), e.g. `vedtak.pdf` or `META-INF/ASiCManifest.xml`. */
  readonly name: string;
  /** Uncompressed size from the zip header, in bytes (enforced while reading). */
  readonly size: number;
  /** Compressed size, in bytes. */
  readonly compressedSize: number;
  /**
   * MIME type from `META-INF/ASiCManifest.xml`, else `META-INF/manifest.xml`, else the NextMove manifest (main
   * document only), else guessed from the file extension.
   */
  readonly mimeType: string;
  /** Where {@link AsicEntry.mimeType} came from. */
  readonly mimeTypeSource: 'ASiCManifest' | 'manifest' | 'guessed';
  readonly kind: AsicEntryKind;
  /** True for the main document (`hoveddokument` in `manifest.xml`). */
  readonly isMainDocument: boolean;
  /** Modification time recorded in the zip. */
  readonly lastModified: Date;
}

/** An entry and its zip record. @internal */
export interface Slot {
  entry: AsicEntry;
  raw: yauzl.Entry;
}

/** The kind of an entry, by its name and the signatures the ASiC manifest names. @internal */
export function kindOf(name: string, signatures: ReadonlySet<string>): AsicEntryKind {
  if (name.endsWith('/')) return 'directory';
  if (signatures.has(name) || /^META-INF\/[^/]*signature[^/]*\.(p7s|xml)$/i.test(name)) return 'signature';
  if (name.startsWith('META-INF/') || name === 'mimetype') return 'metadata';
  if (name === 'manifest.xml') return 'manifest';
  return 'document';
}

/** A stand-in entry for reading a manifest before the entries are described. @internal */
export function provisional(name: string, raw: yauzl.Entry): AsicEntry {
  return {
    name,
    size: raw.uncompressedSize,
    compressedSize: raw.compressedSize,
    mimeType: 'application/xml',
    mimeTypeSource: 'guessed',
    kind: 'metadata',
    isMainDocument: false,
    lastModified: new Date(0),
  };
}
