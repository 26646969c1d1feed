/**
 * Checks of the zip's own structure that yauzl does not make: the end-of-central-directory record must describe the
 * central directory exactly (a record that claims fewer entries hides the rest from us but not from other zip
 * readers), and no two entries may share bytes of the zip (the overlapping zip bomb: many directory records pointing
 * at one small local record, or one entry's data nested inside another's).
 * @internal
 * @module
 */

import type yauzl from 'yauzl';
import { AsicError } from './errors.js';

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_HEADER_SIZE = 46;

/** What the end record says about the central directory. @internal */
export interface EndRecord {
  /** Entries the record claims. */
  entryCount: number;
  /** Where the central directory starts and how long the record says it is. */
  centralDirectoryOffset: number;
  centralDirectorySize: number;
  /** Where the central directory must end: at the zip64 end record when there is one, else at the end record. */
  centralDirectoryEnd: number;
}

/** Reads `length` raw bytes of the zip at `start`. */
async function readRange(zip: yauzl.ZipFile, start: number, length: number): Promise<Buffer> {
  if (start < 0 || length < 0 || start + length > zip.fileSize) throw corrupt('a zip record points outside the file');
  // Not openReadStreamLowLevelPromise: in yauzl 3.4 it calls openReadStream with the low-level arguments.
  try {
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStreamLowLevel(start, length, 0, length, false, null, (error, out) => (error ? reject(error) : resolve(out))),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } catch (error) {
    throw new AsicError('CORRUPT', `cannot read the zip: ${(error as Error).message}`, { cause: error });
  }
}

function corrupt(message: string): AsicError {
  return new AsicError('CORRUPT', message);
}

function readUInt64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt('a zip64 field is too large');
  return Number(value);
}

/**
 * Finds and reads the end-of-central-directory record the way yauzl does (the last signature whose comment length
 * reaches the end of the file), following a zip64 locator.
 * @internal
 */
export async function readEndRecord(zip: yauzl.ZipFile): Promise<EndRecord> {
  const tailLength = Math.min(zip.fileSize, EOCD_SIZE + 0xffff);
  const tailStart = zip.fileSize - tailLength;
  const tail = await readRange(zip, tailStart, tailLength);
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIGNATURE || tail.readUInt16LE(i + 20) !== tail.length - i - EOCD_SIZE) continue;
    const onThisDisk = tail.readUInt16LE(i + 8);
    const total = tail.readUInt16LE(i + 10);
    const record: EndRecord = {
      entryCount: total,
      centralDirectorySize: tail.readUInt32LE(i + 12),
      centralDirectoryOffset: tail.readUInt32LE(i + 16),
      centralDirectoryEnd: tailStart + i,
    };
    if (onThisDisk !== total) throw corrupt(`the end record counts ${onThisDisk} entries on this disk but ${total} in all`);
    const locator = tailStart + i - ZIP64_LOCATOR_SIZE;
    if (locator >= 0) {
      const bytes = await readRange(zip, locator, ZIP64_LOCATOR_SIZE);
      if (bytes.readUInt32LE(0) === ZIP64_LOCATOR_SIGNATURE) {
        const at = readUInt64(bytes, 8);
        const zip64 = await readRange(zip, at, 56);
        if (zip64.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw corrupt('the zip64 end record is missing');
        if (readUInt64(zip64, 24) !== readUInt64(zip64, 32)) throw corrupt('the zip64 end record counts its entries twice, differently');
        record.entryCount = readUInt64(zip64, 32);
        record.centralDirectorySize = readUInt64(zip64, 40);
        record.centralDirectoryOffset = readUInt64(zip64, 48);
        record.centralDirectoryEnd = at;
      }
    }
    return record;
  }
  throw corrupt('the end-of-central-directory record was not found');
}

/**
 * Checks that the central directory the entries were read from is exactly the one the end record describes: it
 * starts at the recorded offset, its records add up to the recorded size, and it ends where the end record (or the
 * zip64 end record) begins. An end record that claims fewer entries than the directory holds fails here.
 * @internal
 */
export function checkCentralDirectory(end: EndRecord, entries: readonly yauzl.Entry[]): void {
  let size = 0;
  for (const e of entries) size += CENTRAL_HEADER_SIZE + e.fileNameLength + e.extraFieldLength + e.fileCommentLength;
  if (entries.length !== end.entryCount || size !== end.centralDirectorySize) {
    throw corrupt(
      `the end-of-central-directory record claims ${end.entryCount} entries in ${end.centralDirectorySize} bytes, but the central directory holds ${size} bytes for ${entries.length} entries`,
    );
  }
  if (end.centralDirectoryOffset + end.centralDirectorySize !== end.centralDirectoryEnd) {
    throw corrupt(
      `the central directory ends at ${end.centralDirectoryOffset + end.centralDirectorySize} but the end record is at ${end.centralDirectoryEnd}: the end record claims fewer entries than the central directory holds, or bytes were inserted`,
    );
  }
}

/**
 * Refuses entries whose local records (header, name, extra field and data) share bytes with each other or with the
 * central directory. Reads each local header to learn where its data really starts.
 * @param names - The entry names, in the same order, for the error.
 * @internal
 */
export async function checkNoOverlap(
  zip: yauzl.ZipFile,
  end: EndRecord,
  entries: readonly yauzl.Entry[],
  names: readonly string[],
): Promise<void> {
  const ranges: Array<{ start: number; end: number; index: number }> = [];
  for (const [index, raw] of entries.entries()) {
    let dataStart: number;
    try {
      ({ fileDataStart: dataStart } = await zip.readLocalFileHeaderPromise(raw, { minimal: true }));
    } catch (error) {
      throw new AsicError('CORRUPT', `cannot read the entry's local header: ${(error as Error).message}`, {
        entry: names[index],
        cause: error,
      });
    }
    ranges.push({ start: raw.relativeOffsetOfLocalHeader, end: dataStart + raw.compressedSize, index });
  }
  ranges.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i] as (typeof ranges)[number];
    const previous = ranges[i - 1];
    if (previous && range.start < previous.end) {
      throw new AsicError('OVERLAPPING_ENTRIES', `the entry's data overlaps the data of '${names[previous.index]}'`, {
        entry: names[range.index],
      });
    }
    if (range.end > end.centralDirectoryOffset) {
      throw new AsicError('OVERLAPPING_ENTRIES', "the entry's data runs into the central directory", { entry: names[range.index] });
    }
  }
}
