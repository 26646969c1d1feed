import yauzl from 'yauzl';
import { unsafeNameReason } from './entry-names.js';
import { AsicError } from './errors.js';
import { type AsicLimits, RATIO_FLOOR } from './limits.js';
import { checkCentralDirectory, checkNoOverlap, readEndRecord } from './zip-checks.js';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** One record of the central directory and its decoded name. @internal */
export interface RawEntry {
  name: string;
  raw: yauzl.Entry;
}

/**
 * Reads the central directory and checks every record against the hostile-container rules before any byte is
 * inflated: safe names (see {@link unsafeNameReason}) no deeper than `maxPathDepth`, no symbolic links, no
 * encryption, stored or deflated only, no two names that fold to the same file, sizes and ratios within the limits
 * (per entry and in total), an end record that describes this directory, no overlapping entries, the entry count with
 * the folders the names imply, and no name that is both a file and a folder.
 * @throws {@link AsicError} naming the rule and, where there is one, the entry.
 * @internal
 */
export async function scanDirectory(zip: yauzl.ZipFile, limits: Required<AsicLimits>): Promise<RawEntry[]> {
  if (zip.entryCount > limits.maxEntries) {
    throw new AsicError('TOO_MANY_ENTRIES', `the container has ${zip.entryCount} entries; the limit is ${limits.maxEntries}`);
  }
  const raws: RawEntry[] = [];
  const folded = new Set<string>();
  let declaredTotal = 0;
  let compressedTotal = 0;
  for await (const raw of readEntries(zip)) {
    const name = yauzl.getFileNameLowLevel(raw.generalPurposeBitFlag, raw.fileNameRaw, raw.extraFields, true);
    const reason = unsafeNameReason(name);
    if (reason) throw new AsicError('UNSAFE_ENTRY_NAME', `unsafe entry name: ${reason}`, { entry: name });
    if (name.replace(/\/$/, '').split('/').length > limits.maxPathDepth) {
      throw new AsicError('UNSAFE_ENTRY_NAME', `unsafe entry name: nested deeper than ${limits.maxPathDepth} levels`, { entry: name });
    }
    const mode = (raw.externalFileAttributes >>> 16) & S_IFMT;
    if (mode === S_IFLNK) throw new AsicError('SYMLINK_ENTRY', 'symbolic-link entries are not allowed', { entry: name });
    if (raw.isEncrypted()) throw new AsicError('ENCRYPTED', 'encrypted entries are not supported', { entry: name });
    if (raw.compressionMethod !== 0 && raw.compressionMethod !== 8) {
      throw new AsicError('UNSUPPORTED_COMPRESSION', `compression method ${raw.compressionMethod} is not supported`, { entry: name });
    }
    if (raw.compressionMethod === 0 && raw.compressedSize !== raw.uncompressedSize) {
      throw new AsicError('CORRUPT', 'a stored entry whose compressed and uncompressed sizes differ', { entry: name });
    }
    const key = name.normalize('NFC').toLowerCase().replace(/\/$/, '');
    if (folded.has(key)) throw new AsicError('DUPLICATE_ENTRY', 'two entries share this name', { entry: name });
    folded.add(key);
    if (raw.uncompressedSize > limits.maxEntryUncompressedBytes) {
      throw new AsicError('TOO_LARGE', `the entry is ${raw.uncompressedSize} bytes; the limit is ${limits.maxEntryUncompressedBytes}`, {
        entry: name,
      });
    }
    if (raw.uncompressedSize > RATIO_FLOOR && raw.uncompressedSize > Math.max(raw.compressedSize, 1) * limits.maxCompressionRatio) {
      throw new AsicError('COMPRESSION_RATIO', `the entry inflates more than ${limits.maxCompressionRatio} times`, { entry: name });
    }
    declaredTotal += raw.uncompressedSize;
    compressedTotal += raw.compressedSize;
    if (declaredTotal > limits.maxTotalUncompressedBytes) {
      throw new AsicError('TOO_LARGE', `the entries total more than ${limits.maxTotalUncompressedBytes} bytes uncompressed`);
    }
    raws.push({ name, raw });
    if (raws.length > limits.maxEntries) throw new AsicError('TOO_MANY_ENTRIES', `more than ${limits.maxEntries} entries`);
  }
  // The end record must describe this central directory, and no two entries may share bytes.
  const end = await readEndRecord(zip);
  checkCentralDirectory(
    end,
    raws.map((r) => r.raw),
  );
  await checkNoOverlap(
    zip,
    end,
    raws.map((r) => r.raw),
    raws.map((r) => r.name),
  );
  // Many small entries, each under the per-entry ratio floor, make a bomb together.
  if (declaredTotal > RATIO_FLOOR && declaredTotal > Math.max(compressedTotal, 1) * limits.maxCompressionRatio) {
    throw new AsicError('COMPRESSION_RATIO', `the container inflates more than ${limits.maxCompressionRatio} times`);
  }
  // Folders count as entries: each one the extraction creates costs the disk as much as a small file.
  const folders = new Set<string>();
  for (const { name } of raws) {
    const key = name.normalize('NFC').toLowerCase();
    for (let slash = key.indexOf('/'); slash >= 0; slash = key.indexOf('/', slash + 1)) folders.add(key.slice(0, slash));
  }
  const files = raws.filter(({ name }) => !name.endsWith('/')).length;
  if (files + folders.size > limits.maxEntries) {
    throw new AsicError(
      'TOO_MANY_ENTRIES',
      `the ${files} files and the ${folders.size} folders their names imply exceed ${limits.maxEntries} entries`,
    );
  }
  // A file whose name is also a folder prefix of another entry cannot be extracted faithfully.
  const fileKeys = new Map<string, string>();
  for (const { name } of raws) if (!name.endsWith('/')) fileKeys.set(name.normalize('NFC').toLowerCase(), name);
  for (const { name } of raws) {
    const parts = name.normalize('NFC').toLowerCase().replace(/\/$/, '').split('/');
    for (let i = 1; i < parts.length; i++) {
      const clash = fileKeys.get(parts.slice(0, i).join('/'));
      if (clash) throw new AsicError('DUPLICATE_ENTRY', `'${clash}' is both a file and a folder`, { entry: name });
    }
  }
  return raws;
}

async function* readEntries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  try {
    for await (const entry of zip.eachEntry()) yield entry;
  } catch (error) {
    if (error instanceof AsicError) throw error;
    throw new AsicError('CORRUPT', `the zip directory is corrupt: ${(error as Error).message}`, { cause: error });
  }
}
