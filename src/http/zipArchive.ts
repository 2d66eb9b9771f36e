/**
 * A minimal zip writer (stored entries, no compression) for `/download`: the official clients unzip
 * the job-log folders they asked for. Logs are capped upstream of here, so the archive is built in
 * memory; names are relative paths with `/`.
 */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
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

export function zipArchive(entries: readonly ZipEntry[], at = new Date()): Buffer {
  const { time, day } = dosTime(at);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const facts = { time, day, crc: crc32(entry.data), size: entry.data.length, nameLength: name.length };
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
  return Buffer.concat([...locals, ...centrals, end]);
}
