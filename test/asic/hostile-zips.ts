/**
 * Hand-built hostile zips for the corpus in hostile.test.ts: records are written byte by byte so that offsets, counts
 * and sizes can lie. Every builder returns a small buffer (kilobytes) that would inflate to far more.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { rawZip } from './fixtures.js';

export const MiB = 1024 * 1024;

export interface Record {
  name: string;
  /** The bytes as stored in the zip (already deflated for method 8). */
  stored: Buffer;
  method: number;
  crc: number;
  size: number;
  /** A compressed size to claim in the headers instead of the stored bytes' length. */
  claimedCompressedSize?: number;
}

/** A record for `data`, deflated. */
export function deflated(name: string, data: Buffer): Record {
  return { name, stored: deflateRawSync(data, { level: 9 }), method: 8, crc: crc32(data), size: data.length };
}

/** A record for `data`, stored. */
export function stored(name: string, data: Buffer): Record {
  return { name, stored: data, method: 0, crc: crc32(data), size: data.length };
}

export function localHeader(r: Record): Buffer {
  const name = Buffer.from(r.name);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0x0800, 6);
  h.writeUInt16LE(r.method, 8);
  h.writeUInt32LE(r.crc >>> 0, 14);
  h.writeUInt32LE(r.claimedCompressedSize ?? r.stored.length, 18);
  h.writeUInt32LE(r.size, 22);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name]);
}

export function centralHeader(r: Record, offset: number): Buffer {
  const name = Buffer.from(r.name);
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE((3 << 8) | 20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(0x0800, 8);
  h.writeUInt16LE(r.method, 10);
  h.writeUInt32LE(r.crc >>> 0, 16);
  h.writeUInt32LE(r.claimedCompressedSize ?? r.stored.length, 20);
  h.writeUInt32LE(r.size, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE((0o100644 << 16) >>> 0, 38);
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, name]);
}

export function endRecord(count: number, cdSize: number, cdOffset: number): Buffer {
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(count, 8);
  e.writeUInt16LE(count, 10);
  e.writeUInt32LE(cdSize, 12);
  e.writeUInt32LE(cdOffset, 16);
  return e;
}

/** Bytes that do not compress, from a seeded generator (deterministic). */
function noise(size: number, seed = 12): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** One deflated MiB of zeros: about a kilobyte in the zip. */
const zeros = (size = MiB) => Buffer.alloc(size);

/**
 * The overlapping bomb: one local record of `size` zeros, and `count` central-directory records, all pointing at it.
 * Every entry stays under the per-entry ratio floor; together they inflate to `count × size`.
 */
export function sharedLocalRecord(count: number, size = MiB, method: 'deflated' | 'stored' = 'deflated'): Buffer {
  const kernel = method === 'deflated' ? deflated('kernel.bin', zeros(size)) : stored('kernel.bin', noise(size));
  const local = Buffer.concat([localHeader(kernel), kernel.stored]);
  const central = Buffer.concat(Array.from({ length: count }, (_, i) => centralHeader({ ...kernel, name: `f${i}.bin` }, 0)));
  return Buffer.concat([local, central, endRecord(count, central.length, local.length)]);
}

/**
 * Overlap at different offsets: entry `outer.bin` is stored, and its data is the whole local record of `inner.bin`
 * (a deflated MiB of zeros), which has its own central record pointing inside the outer entry's data.
 */
export function nestedOverlap(): Buffer {
  const inner = deflated('inner.bin', zeros());
  const innerLocal = Buffer.concat([localHeader(inner), inner.stored]);
  const outer = stored('outer.bin', innerLocal);
  const outerLocalHeader = localHeader(outer);
  const local = Buffer.concat([outerLocalHeader, outer.stored]);
  const central = Buffer.concat([centralHeader(outer, 0), centralHeader(inner, outerLocalHeader.length)]);
  return Buffer.concat([local, central, endRecord(2, central.length, local.length)]);
}

/** `count` separate entries of one MiB of zeros each: none passes the per-entry floor, together a bomb. */
export function manySmallEntries(count: number): Buffer {
  const one = deflated('x', zeros());
  const records = Array.from({ length: count }, (_, i) => ({ ...one, name: `part-${i}.bin` }));
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const r of records) {
    const local = Buffer.concat([localHeader(r), r.stored]);
    centrals.push(centralHeader(r, offset));
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  return Buffer.concat([...locals, central, endRecord(count, central.length, offset)]);
}

/** Entries that each claim a small size and inflate to a MiB (a lying header, many times). */
export function lyingSizes(count: number): Buffer {
  const data = zeros();
  const compressed = deflateRawSync(data);
  return rawZip(Array.from({ length: count }, (_, i) => ({ name: `liar-${i}.bin`, data, compressed, method: 8, uncompressedSize: 1000 })));
}

/**
 * A zip whose end record claims only the first entry (and, with `shrinkSize`, a central directory of just that
 * record), hiding the rest: yauzl would list one entry, other tools all of them.
 */
export function lyingEndRecord(shrinkSize: boolean): Buffer {
  const zip = rawZip([
    { name: 'ok.txt', data: 'fine' },
    { name: '../evil.txt', data: 'pwned' },
    { name: 'more.txt', data: 'hidden' },
  ]);
  const end = zip.length - 22;
  const out = Buffer.from(zip);
  out.writeUInt16LE(1, end + 8);
  out.writeUInt16LE(1, end + 10);
  if (shrinkSize) out.writeUInt32LE(46 + 'ok.txt'.length, end + 12);
  return out;
}

/** Entries whose headers claim `size` bytes each (compressed to a believable 1/10), with a few real bytes behind. */
export function claimsOf(sizes: number[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [i, size] of sizes.entries()) {
    const r: Record = { ...deflated(`big-${i}.bin`, Buffer.from('x')), size, claimedCompressedSize: Math.ceil(size / 10) };
    const local = Buffer.concat([localHeader(r), r.stored]);
    centrals.push(centralHeader(r, offset));
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  return Buffer.concat([...locals, central, endRecord(sizes.length, central.length, offset)]);
}
