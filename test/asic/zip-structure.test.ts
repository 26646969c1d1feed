import { isAsicError, openAsic } from 'eformidling';
import { describe, expect, it } from 'vitest';
import { rawZip } from './fixtures.js';
import { centralHeader, deflated, endRecord, localHeader, type Record, stored } from './hostile-zips.js';

/** Local records, central directory, optional bytes before the end records, and a zip64 end record when asked. */
function build(records: Record[], options: { zip64?: boolean; claimCount?: number; junk?: Buffer; offsets?: number[] } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [i, r] of records.entries()) {
    const local = Buffer.concat([localHeader(r), r.stored]);
    centrals.push(centralHeader(r, options.offsets?.[i] ?? offset));
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  const count = options.claimCount ?? records.length;
  const junk = options.junk ?? Buffer.alloc(0);
  if (!options.zip64) return Buffer.concat([...locals, central, junk, endRecord(count, central.length, offset)]);
  const zip64At = offset + central.length + junk.length;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(central.length), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(zip64At), 8);
  locator.writeUInt32LE(1, 16);
  const end = endRecord(0xffff, 0xffffffff, 0xffffffff);
  return Buffer.concat([...locals, central, junk, record, locator, end]);
}

const a = stored('a.txt', Buffer.from('alpha'));
const b = stored('b.txt', Buffer.from('beta'));

async function codeOf(zip: Buffer): Promise<string> {
  const error = await openAsic(zip).then(
    async (asic) => {
      await asic.close();
      return new Error('accepted');
    },
    (e: unknown) => e,
  );
  expect(isAsicError(error), String(error)).toBe(true);
  return (error as { code: string }).code;
}

describe('zip structure', () => {
  it('opens a zip64 container whose end records describe the central directory', async () => {
    await using asic = await openAsic(build([a, b], { zip64: true }));
    expect(asic.entries.map((e) => e.name)).toEqual(['a.txt', 'b.txt']);
    expect((await asic.readEntry('b.txt')).toString()).toBe('beta');
  });

  it('refuses a zip64 end record that claims fewer entries', async () => {
    expect(await codeOf(build([a, b], { zip64: true, claimCount: 1 }))).toBe('CORRUPT');
  });

  it('refuses bytes between the central directory and the end record', async () => {
    expect(await codeOf(build([a, b], { junk: Buffer.from('hidden bytes') }))).toBe('CORRUPT');
  });

  it('refuses an end record whose two entry counts differ', async () => {
    const zip = rawZip([{ name: 'a.txt', data: 'a' }]);
    zip.writeUInt16LE(2, zip.length - 22 + 8);
    expect(await codeOf(zip)).toBe('CORRUPT');
  });

  it('refuses an entry whose data runs into the central directory', async () => {
    const liar: Record = { ...deflated('c.bin', Buffer.from('gamma')), claimedCompressedSize: 40 };
    expect(await codeOf(build([liar]))).toBe('OVERLAPPING_ENTRIES');
  });

  it('refuses a central record that points at something other than a local header', async () => {
    expect(await codeOf(build([a, b], { offsets: [0, 3] }))).toBe('CORRUPT');
  });
});
