/**
 * A small protocol-4 pickle writer for the value model in ./pickleValue. It writes what old SkyPilot
 * clients unpickle from `/api/get` and nothing more: no memo (our values are trees, never shared or
 * cyclic), no framing (optional for readers), no bytes or sets. Inputs come from our own state, so
 * nesting is capped rather than made iterative: a deeper value (or a cycle) is a bug worth a throw.
 */
import { type PickleDict, type PickleValue, PyDict, PyFloat, type PyGlobal, PyObject, PyReduce, PyTuple } from './pickleValue';

export const PICKLE_PROTOCOL = 4;
export const MAX_PICKLE_DEPTH = 100;

const OP = {
  PROTO: 0x80,
  STOP: 0x2e,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BININT1: 0x4b,
  BININT2: 0x4d,
  BININT: 0x4a,
  LONG1: 0x8a,
  LONG4: 0x8b,
  BINFLOAT: 0x47,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE: 0x58,
  MARK: 0x28,
  EMPTY_LIST: 0x5d,
  APPENDS: 0x65,
  EMPTY_DICT: 0x7d,
  SETITEMS: 0x75,
  EMPTY_TUPLE: 0x29,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  TUPLE: 0x74,
  STACK_GLOBAL: 0x93,
  NEWOBJ: 0x81,
  BUILD: 0x62,
  REDUCE: 0x52,
} as const;

const SHORT_TUPLE_OPS = [OP.EMPTY_TUPLE, OP.TUPLE1, OP.TUPLE2, OP.TUPLE3] as const;

function isPlainObject(value: object): value is PickleDict {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Little-endian two's complement in the fewest bytes, as LONG1/LONG4 want (zero is no bytes). */
function longBytes(n: bigint): Buffer {
  const bytes: number[] = [];
  let rest = n;
  while (rest !== 0n && rest !== -1n) {
    bytes.push(Number(rest & 0xffn));
    rest >>= 8n;
  }
  const top = bytes.length ? bytes[bytes.length - 1] : 0;
  // A sign bit that disagrees with the sign needs one more byte to carry it.
  if (n > 0n && top & 0x80) bytes.push(0x00);
  if (n < 0n && (bytes.length === 0 || !(top & 0x80))) bytes.push(0xff);
  return Buffer.from(bytes);
}

class Encoder {
  private readonly chunks: Buffer[] = [];
  private readonly path: string[] = ['$'];

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }

  op(...codes: number[]): void {
    this.chunks.push(Buffer.from(codes));
  }

  value(v: PickleValue | undefined, depth: number): void {
    if (depth > MAX_PICKLE_DEPTH) {
      throw new RangeError(`pickle: ${this.where()} is nested deeper than ${MAX_PICKLE_DEPTH} levels (a cycle?)`);
    }
    if (v === null) return this.op(OP.NONE);
    switch (typeof v) {
      case 'boolean':
        return this.op(v ? OP.NEWTRUE : OP.NEWFALSE);
      case 'bigint':
        return this.int(v);
      // Beyond 2**53 a number is no longer an exact integer; ask for a bigint to mean one.
      case 'number':
        return Number.isSafeInteger(v) ? this.int(BigInt(v)) : this.float(v);
      case 'string':
        return this.str(v);
      case 'object':
        return this.compound(v, depth);
      default:
        throw new TypeError(`pickle: cannot encode ${typeof v} at ${this.where()}`);
    }
  }

  private compound(v: object, depth: number): void {
    if (Array.isArray(v)) return this.list(v as readonly PickleValue[], depth);
    if (v instanceof PyTuple) return this.tuple(v.items, depth);
    if (v instanceof PyFloat) return this.float(v.value);
    if (v instanceof PyDict) return this.dict(v.entries, depth);
    if (v instanceof PyObject) return this.object(v, depth);
    if (v instanceof PyReduce) return this.reduce(v, depth);
    if (isPlainObject(v)) return this.dict(Object.entries(v), depth);
    throw new TypeError(`pickle: cannot encode ${v.constructor?.name ?? 'object'} at ${this.where()}`);
  }

  private int(n: bigint): void {
    if (n >= 0n && n <= 0xffn) return this.op(OP.BININT1, Number(n));
    if (n >= 0n && n <= 0xffffn) return this.op(OP.BININT2, Number(n & 0xffn), Number(n >> 8n));
    if (n >= -0x80000000n && n <= 0x7fffffffn) {
      const b = Buffer.alloc(5);
      b[0] = OP.BININT;
      b.writeInt32LE(Number(n), 1);
      return void this.chunks.push(b);
    }
    const bytes = longBytes(n);
    if (bytes.length < 256) this.op(OP.LONG1, bytes.length);
    else this.withUint32(OP.LONG4, bytes.length);
    this.chunks.push(bytes);
  }

  private float(x: number): void {
    const b = Buffer.alloc(9);
    b[0] = OP.BINFLOAT;
    b.writeDoubleBE(x, 1);
    this.chunks.push(b);
  }

  /** Lengths are of the UTF-8 bytes, not JS code units. Lone surrogates become U+FFFD here. */
  private str(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    if (bytes.length < 256) this.op(OP.SHORT_BINUNICODE, bytes.length);
    else this.withUint32(OP.BINUNICODE, bytes.length);
    this.chunks.push(bytes);
  }

  private withUint32(code: number, n: number): void {
    const b = Buffer.alloc(5);
    b[0] = code;
    b.writeUInt32LE(n, 1);
    this.chunks.push(b);
  }

  private list(items: readonly PickleValue[], depth: number): void {
    this.op(OP.EMPTY_LIST);
    if (!items.length) return;
    this.op(OP.MARK);
    this.items(items, depth);
    this.op(OP.APPENDS);
  }

  private tuple(items: readonly PickleValue[], depth: number): void {
    if (items.length < SHORT_TUPLE_OPS.length) {
      this.items(items, depth);
      return this.op(SHORT_TUPLE_OPS[items.length]);
    }
    this.op(OP.MARK);
    this.items(items, depth);
    this.op(OP.TUPLE);
  }

  private items(items: readonly PickleValue[], depth: number): void {
    for (const [i, item] of items.entries()) this.nested(`[${i}]`, item, depth);
  }

  private dict(entries: readonly (readonly [PickleValue, PickleValue])[], depth: number): void {
    this.op(OP.EMPTY_DICT);
    if (!entries.length) return;
    this.op(OP.MARK);
    for (const [key, item] of entries) {
      const label = typeof key === 'string' ? `.${key}` : '{key}';
      this.nested(label, key, depth);
      this.nested(label, item, depth);
    }
    this.op(OP.SETITEMS);
  }

  private global(g: PyGlobal): void {
    this.str(g.module);
    this.str(g.name);
    this.op(OP.STACK_GLOBAL);
  }

  /** `cls.__new__(cls)` then BUILD: what Python writes for a plain instance at protocol 2+. */
  private object(o: PyObject, depth: number): void {
    this.global(o.cls);
    this.op(OP.EMPTY_TUPLE, OP.NEWOBJ);
    if (o.state === undefined) return;
    this.nested(`<${o.cls}>`, o.state, depth);
    this.op(OP.BUILD);
  }

  private reduce(r: PyReduce, depth: number): void {
    this.global(r.callable);
    this.nested(`<${r.callable}()>`, new PyTuple(r.args), depth);
    this.op(OP.REDUCE);
  }

  private nested(segment: string, v: PickleValue, depth: number): void {
    this.path.push(segment);
    this.value(v, depth + 1);
    this.path.pop();
  }

  private where(): string {
    return this.path.join('');
  }
}

/** Pickles `value` at protocol 4; throws TypeError for undefined, functions, symbols, class instances. */
export function writePickle(value: PickleValue): Buffer {
  const encoder = new Encoder();
  encoder.op(OP.PROTO, PICKLE_PROTOCOL);
  encoder.value(value, 0);
  encoder.op(OP.STOP);
  return encoder.finish();
}

export function toBase64Pickle(value: PickleValue): string {
  return writePickle(value).toString('base64');
}
