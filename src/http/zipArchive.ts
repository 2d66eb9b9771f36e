/**
 * A minimal zip writer (stored entries, no compression) for `/download`: the official clients unzip
 * the job-log folders they asked for. Logs are capped upstream of here, so the archive is built in
 * memory; names are relative paths with `/`. `zipParts` is the one the server uses: it checksums with
 * zlib's native CRC-32 where Node has it (else in 64 KiB slices), yields to other requests between
 * slices and entries, and hands back the pieces to write in order, never one concatenated copy, so a
 * 100-folder download holds the event loop for no more than a slice at a time.
 */
import zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

const SLICE_BYTES = 64 * 1024;
const nativeCrc32 = (zlib as { crc32?: (data: Buffer, value?: number) => number }).crc32;
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** CRC-32 of `data`, letting other requests run between slices. */
async function crc32Yielding(data: Buffer): Promise<number> {
  let crc = 0;
  for (let at = 0; at < data.length; at += SLICE_BYTES) {
    if (at) await yieldToOthers();
    const slice = data.subarray(at, at + SLICE_BYTES);
    crc = nativeCrc32 ? nativeCrc32(slice, crc) : crc32Continue(slice, crc);
  }
  return crc;
}

/** CRC-32 in JavaScript (Node without zlib.crc32), continued from a previous slice's value (0 to start). */
function crc32Continue(data: Buffer, previous: number): number {
  let c = (previous ^ 0xffffffff) >>> 0;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** DOS date and time of `date` (zip's own format). */
function dosTime(date: Date): { time: number; day: number } {
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    day: ((Math.max(date.getFullYear(), 1980) - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** A little-endian field of a zip record: its offset, its width in bytes and its value. */
type Field = readonly [at: number, bytes: 2 | 4, value: number];

/** A record of `size` bytes holding `fields`; the bytes no field names stay zero. */
function zipRecord(size: number, fields: readonly Field[]): Buffer {
  const record = Buffer.alloc(size);
  for (const [at, bytes, value] of fields) {
    if (bytes === 2) record.writeUInt16LE(value, at);
    else record.writeUInt32LE(value, at);
  }
  return record;
}

interface EntryFacts {
  time: number;
  day: number;
  crc: number;
  size: number;
  nameLength: number;
}

/**
 * What an entry's local header and its central-directory record both say, in the same order; the
 * central record puts "version made by" in front, so there they start at 6 instead of 4.
 */
function entryFields(at: number, e: EntryFacts): Field[] {
  return [
    [at, 2, 20], // version needed to extract
    [at + 2, 2, 0x0800], // names are UTF-8
    [at + 4, 2, 0], // stored
    [at + 6, 2, e.time],
    [at + 8, 2, e.day],
    [at + 10, 4, e.crc],
    [at + 14, 4, e.size], // compressed
    [at + 18, 4, e.size], // uncompressed
    [at + 22, 2, e.nameLength],
  ];
}

/** The archive as pieces to write in order (their lengths sum to its size), built without holding the loop. */
export async function zipParts(entries: readonly { name: string; data: Buffer | string }[], at = new Date()): Promise<Buffer[]> {
  const encoded: ZipEntry[] = [];
  const crcs: number[] = [];
  for (const entry of entries) {
    // Encoded one entry at a time, between yields: 100 logs at once would be one long tick.
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    encoded.push({ name: entry.name, data });
    crcs.push(await crc32Yielding(data));
    await yieldToOthers();
  }
  return assemble(encoded, crcs, at);
}

function assemble(entries: readonly ZipEntry[], crcs: readonly number[], at: Date): Buffer[] {
  const { time, day } = dosTime(at);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [i, entry] of entries.entries()) {
    const name = Buffer.from(entry.name, 'utf8');
    const facts = { time, day, crc: crcs[i], size: entry.data.length, nameLength: name.length };
    const local = zipRecord(30, [[0, 4, 0x04034b50], ...entryFields(4, facts)]);
    const central = zipRecord(46, [[0, 4, 0x02014b50], [4, 2, 20], ...entryFields(6, facts), [42, 4, offset]]);
    locals.push(local, name, entry.data);
    centrals.push(central, name);
    offset += local.length + name.length + entry.data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = zipRecord(22, [
    [0, 4, 0x06054b50],
    [8, 2, entries.length],
    [10, 2, entries.length],
    [12, 4, centralSize],
    [16, 4, offset],
  ]);
  return [...locals, ...centrals, end];
}
