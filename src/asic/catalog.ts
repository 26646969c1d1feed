import type yauzl from 'yauzl';
import { mimeTypeOf } from '../uploads.js';
import type { RawEntry } from './directory.js';
import { type AsicEntry, type AsicEntryKind, kindOf, provisional, type Slot } from './entries.js';
import { openEntryStream } from './entry-stream.js';
import { AsicError } from './errors.js';
import type { AsicLimits } from './limits.js';
import { type NextMoveManifest, parseAsicManifest, parseNextMoveManifest, parseOasisManifest } from './manifest.js';

/** A container's entries, described. @internal */
export interface Catalog {
  /** Every entry, in zip order. */
  entries: AsicEntry[];
  /** Each entry with its zip record, by name. */
  slots: Map<string, Slot>;
  /** The NextMove `manifest.xml`, when there is one. */
  manifest: NextMoveManifest | undefined;
}

/**
 * Reads the manifests (`META-INF/ASiCManifest.xml`, `META-INF/manifest.xml`, the NextMove `manifest.xml`, each at
 * most `maxManifestBytes`) and describes every checked entry: its kind, its MIME type (ASiC manifest, else OASIS
 * manifest, else the NextMove manifest for the main document, else guessed from the name) and whether it is the main
 * document.
 * @internal
 */
export async function readCatalog(zip: yauzl.ZipFile, raws: readonly RawEntry[], limits: Required<AsicLimits>): Promise<Catalog> {
  const slots = new Map<string, Slot>();
  const byName = new Map(raws.map((r) => [r.name, r.raw]));
  const readText = async (name: string): Promise<string | undefined> => {
    const raw = byName.get(name);
    if (!raw) return undefined;
    if (raw.uncompressedSize > limits.maxManifestBytes) {
      throw new AsicError('TOO_LARGE', `the manifest is ${raw.uncompressedSize} bytes; the limit is ${limits.maxManifestBytes}`, {
        entry: name,
      });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await openEntryStream(zip, { raw, entry: provisional(name, raw) }, limits, { used: 0 }))
      chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
  };
  const asicXml = await readText('META-INF/ASiCManifest.xml');
  const oasisXml = await readText('META-INF/manifest.xml');
  const nextMoveXml = await readText('manifest.xml');
  const asic = asicXml === undefined ? undefined : parseAsicManifest(asicXml, 'META-INF/ASiCManifest.xml');
  const oasis = oasisXml === undefined ? undefined : parseOasisManifest(oasisXml, 'META-INF/manifest.xml');
  const manifest = nextMoveXml === undefined ? undefined : parseNextMoveManifest(nextMoveXml, 'manifest.xml');
  const signatureNames = new Set(asic?.signatures ?? []);
  const mainHref = manifest?.mainDocument?.href;
  const kinds = raws.map(({ name }) => kindOf(name, signatureNames));
  let mainIndex = mainHref === undefined ? -1 : raws.findIndex((r, i) => r.name === mainHref && kinds[i] === 'document');
  if (mainIndex < 0) mainIndex = kinds.indexOf('document');
  const entries = raws.map(({ name, raw }, i) => {
    const fromAsic = asic?.mimeTypes.get(name);
    const fromOasis = oasis?.get(name);
    const fromNextMove = i === mainIndex && mainHref === name ? manifest?.mainDocument?.mimeType : undefined;
    const entry: AsicEntry = Object.freeze({
      name,
      size: raw.uncompressedSize,
      compressedSize: raw.compressedSize,
      mimeType: fromAsic ?? fromOasis ?? fromNextMove ?? mimeTypeOf(name),
      mimeTypeSource: fromAsic ? 'ASiCManifest' : fromOasis || fromNextMove ? 'manifest' : 'guessed',
      kind: kinds[i] as AsicEntryKind,
      isMainDocument: i === mainIndex,
      lastModified: raw.getLastModDate(),
    });
    slots.set(name, { entry, raw });
    return entry;
  });
  return { entries, slots, manifest };
}
