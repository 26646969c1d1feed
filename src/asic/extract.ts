import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rm, rmdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AsicEntry } from './entries.js';
import { AsicError } from './errors.js';

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

/**
 * Writes entries into a folder (see {@link AsicContainer.extractTo}); `open` streams one entry, counting its inflated
 * bytes in `budget`.
 * @internal
 */
export async function extractEntries(
  entries: readonly AsicEntry[],
  open: (entry: AsicEntry, budget: { used: number }) => Promise<Readable>,
  dir: string,
  options: ExtractOptions,
): Promise<ExtractedFile[]> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const written: ExtractedFile[] = [];
  const madeDirs = new Set<string>([root]);
  const createdDirs: string[] = [];
  const budget = { used: 0 };
  let current: AsicEntry | undefined;
  try {
    for (const entry of entries) {
      options.signal?.throwIfAborted();
      if (entry.kind === 'directory' || (options.filter && !options.filter(entry))) continue;
      current = entry;
      const target = await targetPath(root, entry.name, madeDirs, createdDirs);
      if (options.overwrite) {
        const existing = await lstat(target).catch(() => undefined);
        if (existing?.isDirectory()) throw new AsicError('DUPLICATE_ENTRY', 'a folder exists where the entry goes', { entry: entry.name });
        if (existing) await rm(target, { force: true });
      }
      const source = await open(entry, budget);
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

/**
 * The path of an entry in the target folder, creating its parent folders one level at a time (recorded in
 * `createdDirs` for the cleanup); a parent that exists must be a plain folder, not a symbolic link.
 */
async function targetPath(root: string, name: string, madeDirs: Set<string>, createdDirs: string[]): Promise<string> {
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

/** The file system refused a path as too long (a name, or the whole path). */
function isPathTooLong(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENAMETOOLONG';
}
