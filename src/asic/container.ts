import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type yauzl from 'yauzl';
import type { Catalog } from './catalog.js';
import type { AsicEntry, Slot } from './entries.js';
import { openEntryStream } from './entry-stream.js';
import { AsicError } from './errors.js';
import { type ExtractedFile, type ExtractOptions, extractEntries } from './extract.js';
import type { AsicLimits } from './limits.js';
import type { NextMoveManifest } from './manifest.js';

/**
 * An opened ASiC-E container: its entries with MIME types, the main document, the signatures, and safe reading and
 * extraction. Created by {@link openAsic}.
 * @category ASiC
 */
export class AsicContainer {
  readonly #zip: yauzl.ZipFile;
  readonly #limits: Required<AsicLimits>;
  readonly #tempDir: string | undefined;
  readonly #slots: ReadonlyMap<string, Slot>;
  readonly #entries: readonly AsicEntry[];
  readonly #manifest: NextMoveManifest | undefined;
  #closed = false;

  /** @internal Use {@link openAsic}. */
  constructor(zip: yauzl.ZipFile, limits: Required<AsicLimits>, tempDir: string | undefined, catalog: Catalog) {
    this.#zip = zip;
    this.#limits = limits;
    this.#tempDir = tempDir;
    this.#slots = catalog.slots;
    this.#entries = catalog.entries;
    this.#manifest = catalog.manifest;
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
    return extractEntries(this.#entries, (entry, budget) => this.#open(this.#slot(entry), budget), dir, options);
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

  async #open(slot: Slot, budget: { used: number }): Promise<Readable> {
    this.#assertOpen();
    return openEntryStream(this.#zip, slot, this.#limits, budget);
  }
}
