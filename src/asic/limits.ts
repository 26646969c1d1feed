import { positive } from '../internal/positive.js';

/**
 * Limits that keep a hostile container from exhausting disk, memory or time. Sizes are checked on the zip headers
 * when the container is opened and again on the bytes actually inflated, so a lying header does not help; entries
 * whose data overlap are refused, so no byte of the zip is inflated twice.
 * @category ASiC
 */
export interface AsicLimits {
  /** Most entries a container may have, counting the folders its entry names imply. @defaultValue 10 000 */
  maxEntries?: number;
  /** Largest container (the zip itself) accepted from a stream or buffer, in bytes. @defaultValue 4 GiB */
  maxContainerBytes?: number;
  /**
   * Largest sum of all entries' uncompressed sizes, in bytes: the most one {@link AsicContainer.extractTo} writes.
   * The default leaves room for the IP's largest default upload limit (1 GB of attachments for DPO and DPF,
   * `difi.move.dpo.upload-size-limit`) plus manifests and signature; raise it if your IPs allow larger messages.
   * @defaultValue 1.5 GiB
   */
  maxTotalUncompressedBytes?: number;
  /** Largest uncompressed size of one entry, in bytes. @defaultValue `maxTotalUncompressedBytes` */
  maxEntryUncompressedBytes?: number;
  /**
   * Largest ratio of uncompressed to compressed size, for an entry and for the whole container, once it inflates
   * beyond 1 MiB (deflate's own limit is about 1032; text and office files stay far below 100). @defaultValue 200
   */
  maxCompressionRatio?: number;
  /**
   * Largest manifest (`manifest.xml`, `META-INF/manifest.xml`, `META-INF/ASiCManifest.xml`) that is read, in bytes;
   * a larger one is refused (`TOO_LARGE`). @defaultValue 4 MiB
   */
  maxManifestBytes?: number;
  /** Most path segments (folders and the file) in an entry name. @defaultValue 32 */
  maxPathDepth?: number;
}

/** The limits used when none are given. @category ASiC */
export const DEFAULT_ASIC_LIMITS: Readonly<Required<AsicLimits>> = Object.freeze({
  maxEntries: 10_000,
  maxContainerBytes: 4 * 1024 ** 3,
  maxTotalUncompressedBytes: 1.5 * 1024 ** 3,
  maxEntryUncompressedBytes: 1.5 * 1024 ** 3,
  maxCompressionRatio: 200,
  maxManifestBytes: 4 * 1024 * 1024,
  maxPathDepth: 32,
});

/** Sizes below this are not ratio-checked (a page of zeros compresses a thousandfold and is harmless). @internal */
export const RATIO_FLOOR = 1024 * 1024;

/** The limits to apply: `limits` over the defaults, each a positive number. @internal */
export function resolveLimits(limits: AsicLimits = {}): Required<AsicLimits> {
  const out = { ...DEFAULT_ASIC_LIMITS, maxEntryUncompressedBytes: undefined as number | undefined, ...definedOnly(limits) };
  const total = out.maxTotalUncompressedBytes;
  const resolved = { ...out, maxEntryUncompressedBytes: Math.min(out.maxEntryUncompressedBytes ?? total, total) };
  for (const [key, value] of Object.entries(resolved)) {
    positive(value, `limits.${key}`);
  }
  return resolved;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
