import { createWriteStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { RequestValidationError } from '../errors.js';
import { mimeTypeOf } from '../uploads.js';
import { AsicError } from './errors.js';
import { type NextMoveManifest, parseAsicManifest, parseNextMoveManifest, parseOasisManifest } from './manifest.js';
import { checkCentralDirectory, checkNoOverlap, readEndRecord } from './zip-checks.js';

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

/** Sizes below this are not ratio-checked (a page of zeros compresses a thousandfold and is harmless). */
const RATIO_FLOOR = 1024 * 1024;

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

/** A file written by {@link AsicContainer.extractTo}. @category ASiC */
export interface ExtractedFile {
  readonly entry: AsicEntry;
  /** Absolute path of the written file. */
  readonly path: string;
}

/** Options for {@link AsicContainer.extractTo}. @category ASiC */
export interface ExtractOptions {
  /** Which entries to write; all files by default (documents, manifests and signatures). */
  filter?: (entry: AsicEntry) => boolean;
  /** Replace files that already exist (never through a symbolic link). @defaultValue false (an existing file is an error) */
  overwrite?: boolean;
  /** Cancels the extraction; files written so far are removed. */
  signal?: AbortSignal;
}

/** Options for {@link openAsic}. @category ASiC */
export interface OpenAsicOptions {
  /** Size and count limits. */
  limits?: AsicLimits;
  /** Folder for the temporary copy of a streamed container (the zip format needs random access). @defaultValue `os.tmpdir()` */
  tempDir?: string;
  /** Cancels spooling a streamed container. */
  signal?: AbortSignal;
}

/**
 * Where a container comes from: a file path, bytes in memory, or a stream (Node or web), which is first spooled to a
 * temporary file so it never sits in memory.
 * @category ASiC
 */
export type AsicSource = string | Uint8Array | Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Opens an ASiC-E container (the zip `pop` returns), checks every entry against hostile-container rules, and reads
 * its manifests. Close it when done (or use `await using`).
 *
 * @param source - A file path, bytes, or a stream.
 * @param options - Limits, a temp folder, a signal.
 * @returns The opened container.
 * @throws {@link AsicError} for a hostile, broken or oversized container.
 * @example
 * ```ts
 * await using asic = await openAsic('./asic.zip');
 * console.log(asic.mainDocument?.name, asic.entries.map((e) => `${e.name} ${e.mimeType} ${e.size}`));
 * await asic.extractTo('./inbox/123');
 * ```
 * @category ASiC
 */
export async function openAsic(source: AsicSource, options: OpenAsicOptions = {}): Promise<AsicContainer> {
  const limits = resolveLimits(options.limits);
  let tempDir: string | undefined;
  let zip: yauzl.ZipFile;
  try {
    if (typeof source === 'string') {
      zip = await openZip(() => yauzl.openPromise(source, ZIP_OPTIONS));
    } else if (source instanceof Uint8Array) {
      if (source.byteLength > limits.maxContainerBytes)
        throw new AsicError('TOO_LARGE', `the container exceeds ${limits.maxContainerBytes} bytes`);
      const buffer = Buffer.isBuffer(source) ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
      zip = await openZip(() => yauzl.fromBufferPromise(buffer, ZIP_OPTIONS));
    } else {
      tempDir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'eformidling-asic-'));
      const file = join(tempDir, 'asic.zip');
      await spool(source, file, limits.maxContainerBytes, options.signal);
      zip = await openZip(() => yauzl.openPromise(file, ZIP_OPTIONS));
    }
  } catch (error) {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
  const container = new AsicContainer(zip, limits, tempDir);
  try {
    await container.load();
  } catch (error) {
    await container.close();
    throw error;
  }
  return container;
}

const ZIP_OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  // Sizes are checked by our own guard (and the stored-size rule in load()), so an encrypted entry is reported as such.
  validateEntrySizes: false,
  strictFileNames: true,
};

async function openZip(open: () => Promise<yauzl.ZipFile>): Promise<yauzl.ZipFile> {
  try {
    return await open();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    throw new AsicError('CORRUPT', `not a readable zip: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes a stream to a file, failing once it passes `maxBytes`. @internal */
export async function spool(
  source: Exclude<AsicSource, string | Uint8Array>,
  file: string,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<number> {
  const input =
    source instanceof Readable
      ? source
      : typeof (source as ReadableStream).getReader === 'function'
        ? Readable.fromWeb(source as import('node:stream/web').ReadableStream<Uint8Array>)
        : Readable.from(source as AsyncIterable<Uint8Array>, { objectMode: false });
  let total = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      total += chunk.length;
      if (total > maxBytes) done(new AsicError('TOO_LARGE', `the container exceeds ${maxBytes} bytes`));
      else done(null, chunk);
    },
  });
  await pipeline(input, counter, createWriteStream(file, { flags: 'wx' }), signal ? { signal } : {});
  return total;
}

function resolveLimits(limits: AsicLimits = {}): Required<AsicLimits> {
  const out = { ...DEFAULT_ASIC_LIMITS, maxEntryUncompressedBytes: undefined as number | undefined, ...definedOnly(limits) };
  const total = out.maxTotalUncompressedBytes;
  const resolved = { ...out, maxEntryUncompressedBytes: Math.min(out.maxEntryUncompressedBytes ?? total, total) };
  for (const [key, value] of Object.entries(resolved)) {
    if (typeof value !== 'number' || !(value > 0)) throw new RequestValidationError(`limits.${key}`, 'must be a positive number');
  }
  return resolved;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters in entry names are what we reject
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Why an entry name is unsafe to use as a relative path, or `null` when it is fine. @internal */
export function unsafeNameReason(name: string): string | null {
  if (name.length === 0) return 'empty name';
  if (name.length > 4096) return 'name too long';
  if (CONTROL_CHARS.test(name)) return 'NUL or control character in name';
  if (name.includes('\uFFFD')) return 'name is not valid UTF-8';
  if (name.includes('\\')) return 'backslash in name';
  if (name.startsWith('/')) return 'absolute path';
  if (/^[a-zA-Z]:/.test(name)) return 'drive letter';
  const body = name.endsWith('/') ? name.slice(0, -1) : name;
  for (const segment of body.split('/')) {
    if (segment === '..') return 'parent-directory segment (zip slip)';
    if (segment === '' || segment === '.') return 'empty or "." path segment';
    if (Buffer.byteLength(segment) > 255) return 'path segment longer than 255 bytes';
  }
  return null;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

interface Slot {
  entry: AsicEntry;
  raw: yauzl.Entry;
}

/**
 * An opened ASiC-E container: its entries with MIME types, the main document, the signatures, and safe reading and
 * extraction. Created by {@link openAsic}.
 * @category ASiC
 */
export class AsicContainer {
  readonly #zip: yauzl.ZipFile;
  readonly #limits: Required<AsicLimits>;
  readonly #tempDir: string | undefined;
  readonly #slots = new Map<string, Slot>();
  #entries: AsicEntry[] = [];
  #manifest: NextMoveManifest | undefined;
  #closed = false;

  /** @internal */
  constructor(zip: yauzl.ZipFile, limits: Required<AsicLimits>, tempDir: string | undefined) {
    this.#zip = zip;
    this.#limits = limits;
    this.#tempDir = tempDir;
  }

  /** Every entry, in zip order. */
  get entries(): readonly AsicEntry[] {
    return this.#entries;
  }

  /** The documents the sender attached (main document first). */
  get documents(): readonly AsicEntry[] {
    const docs = this.#entries.filter((e) => e.kind === 'document');
    return [...docs.filter((e) => e.isMainDocument), ...docs.filter((e) => !e.isMainDocument)];
  }

  /**
   * The main document: `hoveddokument/@href` of `manifest.xml`; when that is missing, the first document in zip
   * order (the IP writes the main document first).
   */
  get mainDocument(): AsicEntry | undefined {
    return this.#entries.find((e) => e.isMainDocument);
  }

  /** The signature entries (`META-INF/signature-*.p7s`); not verified (the receiving IP already did). */
  get signatures(): readonly AsicEntry[] {
    return this.#entries.filter((e) => e.kind === 'signature');
  }

  /** The NextMove `manifest.xml` (sender, receiver, main document), when the container has one. */
  get manifest(): NextMoveManifest | undefined {
    return this.#manifest;
  }

  /** The entry with this name, or `undefined`. */
  entry(name: string): AsicEntry | undefined {
    return this.#slots.get(name)?.entry;
  }

  /**
   * Streams one entry's content, inflating with the size, ratio and CRC-32 checks applied.
   * @param name - The entry name (or the entry).
   * @throws {@link AsicError} `ENTRY_NOT_FOUND`; while reading: `TOO_LARGE`, `COMPRESSION_RATIO`, `CORRUPT`.
   */
  async openEntry(name: string | AsicEntry): Promise<Readable> {
    return this.#open(this.#slot(name), { used: 0 });
  }

  /**
   * Reads one entry into memory (for manifests and small documents).
   * @param maxBytes - Refuse entries larger than this. @defaultValue 16 MiB
   */
  async readEntry(name: string | AsicEntry, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    const slot = this.#slot(name);
    if (slot.entry.size > maxBytes) {
      throw new AsicError('TOO_LARGE', `the entry is ${slot.entry.size} bytes; readEntry() allows ${maxBytes}`, { entry: slot.entry.name });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await this.#open(slot, { used: 0 })) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /**
   * Extracts entries into a folder (created if needed), never outside it: names were checked on open, parent folders
   * are created one level at a time and must not be symbolic links, and files are created exclusively. Writes at
   * most `maxTotalUncompressedBytes`, counted as the bytes are inflated. On failure the files and folders this call
   * created are removed (the target folder itself stays).
   * @param dir - The target folder.
   * @returns The written files.
   * @throws {@link AsicError} for unsafe targets (`UNSAFE_ENTRY_NAME`, also for a path the file system refuses as too
   * long), size violations or corrupt data.
   */
  async extractTo(dir: string, options: ExtractOptions = {}): Promise<ExtractedFile[]> {
    this.#assertOpen();
    const root = resolve(dir);
    await mkdir(root, { recursive: true });
    const written: ExtractedFile[] = [];
    const madeDirs = new Set<string>([root]);
    const createdDirs: string[] = [];
    const budget = { used: 0 };
    let current: AsicEntry | undefined;
    try {
      for (const entry of this.#entries) {
        options.signal?.throwIfAborted();
        if (entry.kind === 'directory' || (options.filter && !options.filter(entry))) continue;
        current = entry;
        const target = await this.#target(root, entry.name, madeDirs, createdDirs);
        if (options.overwrite) {
          const existing = await lstat(target).catch(() => undefined);
          if (existing?.isDirectory())
            throw new AsicError('DUPLICATE_ENTRY', 'a folder exists where the entry goes', { entry: entry.name });
          if (existing) await rm(target, { force: true });
        }
        const source = await this.#open(this.#slot(entry), budget);
        const out = createWriteStream(target, { flags: 'wx' });
        const done = pipeline(source, out, options.signal ? { signal: options.signal } : {});
        written.push({ entry, path: target });
        await done.catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
            written.pop();
            throw new AsicError('DUPLICATE_ENTRY', `the file already exists in the target folder: ${target}`, {
              entry: entry.name,
              cause: error,
            });
          }
          throw error;
        });
      }
    } catch (error) {
      // A cleanup failure (e.g. the path that was too long to create) must not hide the error.
      await Promise.all(written.map((f) => rm(f.path, { force: true }).catch(() => undefined)));
      // Folders this call created go too (deepest first; one that holds anything else stays).
      for (const folder of createdDirs.reverse()) await rmdir(folder).catch(() => undefined);
      if (isPathTooLong(error)) {
        throw new AsicError('UNSAFE_ENTRY_NAME', 'the path in the target folder is too long for the file system', {
          entry: current?.name,
          cause: error,
        });
      }
      throw error;
    }
    return written;
  }

  /** Closes the zip and removes the temporary copy of a streamed container. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#zip.close();
    if (this.#tempDir) await rm(this.#tempDir, { recursive: true, force: true });
  }

  /** `await using asic = await openAsic(...)` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Reads the central directory and the manifests. @internal */
  async load(): Promise<void> {
    const zip = this.#zip;
    const limits = this.#limits;
    if (zip.entryCount > limits.maxEntries) {
      throw new AsicError('TOO_MANY_ENTRIES', `the container has ${zip.entryCount} entries; the limit is ${limits.maxEntries}`);
    }
    const raws: Array<{ name: string; raw: yauzl.Entry }> = [];
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
      for await (const chunk of await this.#open({ raw, entry: provisional(name, raw) }, { used: 0 })) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks)
        .toString('utf8')
        .replace(/^\uFEFF/, '');
    };
    const asicXml = await readText('META-INF/ASiCManifest.xml');
    const oasisXml = await readText('META-INF/manifest.xml');
    const nextMoveXml = await readText('manifest.xml');
    const asic = asicXml === undefined ? undefined : parseAsicManifest(asicXml, 'META-INF/ASiCManifest.xml');
    const oasis = oasisXml === undefined ? undefined : parseOasisManifest(oasisXml, 'META-INF/manifest.xml');
    this.#manifest = nextMoveXml === undefined ? undefined : parseNextMoveManifest(nextMoveXml, 'manifest.xml');
    const signatureNames = new Set(asic?.signatures ?? []);
    const mainHref = this.#manifest?.mainDocument?.href;
    const kinds = raws.map(({ name }) => kindOf(name, signatureNames));
    let mainIndex = mainHref === undefined ? -1 : raws.findIndex((r, i) => r.name === mainHref && kinds[i] === 'document');
    if (mainIndex < 0) mainIndex = kinds.indexOf('document');
    this.#entries = raws.map(({ name, raw }, i) => {
      const fromAsic = asic?.mimeTypes.get(name);
      const fromOasis = oasis?.get(name);
      const fromNextMove = i === mainIndex && mainHref === name ? this.#manifest?.mainDocument?.mimeType : undefined;
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
      this.#slots.set(name, { entry, raw });
      return entry;
    });
  }

  #assertOpen(): void {
    if (this.#closed) throw new AsicError('CLOSED', 'the container is closed');
  }

  #slot(name: string | AsicEntry): Slot {
    this.#assertOpen();
    const key = typeof name === 'string' ? name : name.name;
    const slot = this.#slots.get(key);
    if (!slot) throw new AsicError('ENTRY_NOT_FOUND', 'no such entry', { entry: key });
    return slot;
  }

  async #target(root: string, name: string, madeDirs: Set<string>, createdDirs: string[]): Promise<string> {
    const parts = name.split('/');
    let current = root;
    for (const part of parts.slice(0, -1)) {
      current = join(current, part);
      if (madeDirs.has(current)) continue;
      try {
        await mkdir(current);
        createdDirs.push(current);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const stat = await lstat(current);
        if (!stat.isDirectory() || stat.isSymbolicLink()) {
          throw new AsicError('UNSAFE_ENTRY_NAME', 'a parent folder in the target is not a plain folder', { entry: name });
        }
      }
      madeDirs.add(current);
    }
    const target = join(current, parts[parts.length - 1] as string);
    const rel = relative(root, target);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || resolve(root, rel) !== target) {
      throw new AsicError('UNSAFE_ENTRY_NAME', 'the entry resolves outside the target folder', { entry: name });
    }
    return target;
  }

  async #open(slot: Slot, budget: { used: number }): Promise<Readable> {
    this.#assertOpen();
    const { raw, entry } = slot;
    let source: Readable;
    try {
      source = await this.#zip.openReadStreamPromise(raw);
    } catch (error) {
      throw new AsicError('CORRUPT', `cannot read the entry: ${(error as Error).message}`, { entry: entry.name, cause: error });
    }
    const guard = new EntryGuard(entry.name, raw, this.#limits, budget);
    source.on('error', (error) => guard.destroy(mapReadError(error, entry.name)));
    guard.on('close', () => {
      if (!source.destroyed) source.destroy();
    });
    return source.pipe(guard);
  }
}

/** The file system refused a path as too long (a name, or the whole path). */
function isPathTooLong(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENAMETOOLONG';
}

function provisional(name: string, raw: yauzl.Entry): AsicEntry {
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

function kindOf(name: string, signatures: ReadonlySet<string>): AsicEntryKind {
  if (name.endsWith('/')) return 'directory';
  if (signatures.has(name) || /^META-INF\/[^/]*signature[^/]*\.(p7s|xml)$/i.test(name)) return 'signature';
  if (name.startsWith('META-INF/') || name === 'mimetype') return 'metadata';
  if (name === 'manifest.xml') return 'manifest';
  return 'document';
}

function mapReadError(error: Error, entry: string): AsicError {
  if (error instanceof AsicError) return error;
  return new AsicError('CORRUPT', `the entry data is corrupt: ${error.message}`, { entry, cause: error });
}

async function* readEntries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  try {
    for await (const entry of zip.eachEntry()) yield entry;
  } catch (error) {
    if (error instanceof AsicError) throw error;
    throw new AsicError('CORRUPT', `the zip directory is corrupt: ${(error as Error).message}`, { cause: error });
  }
}

/** Counts inflated bytes (per entry and per extraction) and checks the CRC-32, whatever the headers claim. */
class EntryGuard extends Transform {
  #count = 0;
  #crc = 0;
  readonly #name: string;
  readonly #raw: yauzl.Entry;
  readonly #limits: Required<AsicLimits>;
  readonly #budget: { used: number };

  constructor(name: string, raw: yauzl.Entry, limits: Required<AsicLimits>, budget: { used: number }) {
    super();
    this.#name = name;
    this.#raw = raw;
    this.#limits = limits;
    this.#budget = budget;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#count += chunk.length;
    this.#budget.used += chunk.length;
    const limits = this.#limits;
    if (this.#count > this.#raw.uncompressedSize) {
      done(new AsicError('CORRUPT', 'the entry inflates beyond the size in its header', { entry: this.#name }));
    } else if (this.#count > limits.maxEntryUncompressedBytes || this.#budget.used > limits.maxTotalUncompressedBytes) {
      done(new AsicError('TOO_LARGE', 'the size limit was reached while inflating', { entry: this.#name }));
    } else if (this.#count > RATIO_FLOOR && this.#count > Math.max(this.#raw.compressedSize, 1) * limits.maxCompressionRatio) {
      done(new AsicError('COMPRESSION_RATIO', `the entry inflates more than ${limits.maxCompressionRatio} times`, { entry: this.#name }));
    } else {
      this.#crc = crc32(chunk, this.#crc);
      done(null, chunk);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.#count !== this.#raw.uncompressedSize) {
      done(new AsicError('CORRUPT', 'the entry is shorter than its header says', { entry: this.#name }));
    } else if (this.#crc >>> 0 !== this.#raw.crc32 >>> 0) {
      done(new AsicError('CORRUPT', 'CRC-32 mismatch', { entry: this.#name }));
    } else {
      done();
    }
  }
}
