/** The pickle writer against python3's own unpickler: every value kind, every size boundary. */
import { type PickleValue, PyDict, PyFloat, PyGlobal, PyObject, PyTuple } from '../../src/pickle/pickleValue';
import { MAX_PICKLE_DEPTH, toBase64Pickle, writePickle } from '../../src/pickle/pickleWriter';
import { type Described, type Loaded, pyBigInt, pyDict, pyFloat, pyObject, pyTuple, unpickleAll } from '../helpers/unpickle';

interface Case {
  name: string;
  value: PickleValue;
  expected: Described;
  /** An opcode the encoding must use (checks the size class chosen, not just the value). */
  op?: string;
}

const nested = (depth: number): PickleValue => (depth === 0 ? 'leaf' : [nested(depth - 1)]);

const CASES: Case[] = [
  { name: 'None', value: null, expected: null, op: 'NONE' },
  { name: 'True', value: true, expected: true, op: 'NEWTRUE' },
  { name: 'False', value: false, expected: false, op: 'NEWFALSE' },
  { name: 'int 0', value: 0, expected: 0, op: 'BININT1' },
  { name: 'int 255', value: 255, expected: 255, op: 'BININT1' },
  { name: 'int 256', value: 256, expected: 256, op: 'BININT2' },
  { name: 'int 65535', value: 65535, expected: 65535, op: 'BININT2' },
  { name: 'int 65536', value: 65536, expected: 65536, op: 'BININT' },
  { name: 'int -1', value: -1, expected: -1, op: 'BININT' },
  { name: 'int 2**31-1', value: 2 ** 31 - 1, expected: 2 ** 31 - 1, op: 'BININT' },
  { name: 'int -2**31', value: -(2 ** 31), expected: -(2 ** 31), op: 'BININT' },
  { name: 'int 2**31 (sign byte)', value: 2 ** 31, expected: 2 ** 31, op: 'LONG1' },
  { name: 'int -2**31-1', value: -(2 ** 31) - 1, expected: -(2 ** 31) - 1, op: 'LONG1' },
  { name: 'int -2**40', value: -(2 ** 40), expected: -(2 ** 40), op: 'LONG1' },
  { name: 'int max safe', value: Number.MAX_SAFE_INTEGER, expected: Number.MAX_SAFE_INTEGER, op: 'LONG1' },
  { name: 'unsafe integral double is a float', value: 1e20, expected: pyFloat('1e+20'), op: 'BINFLOAT' },
  { name: 'bigint 2**64', value: 2n ** 64n, expected: pyBigInt('18446744073709551616'), op: 'LONG1' },
  { name: 'bigint -2**63', value: -(2n ** 63n), expected: pyBigInt('-9223372036854775808'), op: 'LONG1' },
  { name: 'bigint 2**2100', value: 2n ** 2100n, expected: pyBigInt((2n ** 2100n).toString()), op: 'LONG4' },
  { name: 'bigint -2**2100', value: -(2n ** 2100n), expected: pyBigInt((-(2n ** 2100n)).toString()), op: 'LONG4' },
  { name: 'small bigint', value: 7n, expected: 7, op: 'BININT1' },
  { name: 'float 1.5', value: 1.5, expected: pyFloat('1.5'), op: 'BINFLOAT' },
  { name: 'float -0.1', value: -0.1, expected: pyFloat('-0.1') },
  { name: 'float 1e300', value: 1e300, expected: pyFloat('1e+300') },
  { name: 'float denormal', value: 5e-324, expected: pyFloat('5e-324') },
  { name: 'PyFloat(2) stays float', value: new PyFloat(2), expected: pyFloat('2.0'), op: 'BINFLOAT' },
  { name: 'NaN', value: NaN, expected: pyFloat('nan') },
  { name: 'Infinity', value: Infinity, expected: pyFloat('inf') },
  { name: '-Infinity', value: -Infinity, expected: pyFloat('-inf') },
  { name: 'empty str', value: '', expected: '', op: 'SHORT_BINUNICODE' },
  { name: 'accented', value: 'héllo wörld', expected: 'héllo wörld' },
  { name: 'CJK', value: '日本語のクラスタ', expected: '日本語のクラスタ' },
  { name: 'emoji (surrogate pairs)', value: '🚀 launch 👩‍💻', expected: '🚀 launch 👩‍💻' },
  { name: '255 UTF-8 bytes', value: 'x'.repeat(255), expected: 'x'.repeat(255), op: 'SHORT_BINUNICODE' },
  // 128 two-byte characters: short in code units, 256 bytes in UTF-8.
  { name: '256 UTF-8 bytes', value: 'é'.repeat(128), expected: 'é'.repeat(128), op: 'BINUNICODE' },
  { name: 'long str', value: 'ab🚀'.repeat(20000), expected: 'ab🚀'.repeat(20000), op: 'BINUNICODE' },
  { name: 'empty list', value: [], expected: [], op: 'EMPTY_LIST' },
  { name: 'mixed list', value: [1, 'a', null, true, 2.5], expected: [1, 'a', null, true, pyFloat('2.5')], op: 'APPENDS' },
  { name: 'nested lists', value: [[1, [2, [3, []]]]], expected: [[1, [2, [3, []]]]] },
  { name: 'long list', value: Array.from({ length: 3000 }, (_, i) => i), expected: Array.from({ length: 3000 }, (_, i) => i) },
  { name: 'empty dict', value: {}, expected: {}, op: 'EMPTY_DICT' },
  {
    name: 'nested dict',
    value: { a: 1, b: { c: [true, { d: null }] }, ключ: 'значение' },
    expected: { a: 1, b: { c: [true, { d: null }] }, ключ: 'значение' },
    op: 'SETITEMS',
  },
  {
    name: 'dict with non-str keys',
    value: new PyDict([
      [null, 'all'],
      [1, 'one'],
      [new PyTuple(['a', 2]), [3]],
    ]),
    expected: pyDict([null, 'all'], [1, 'one'], [pyTuple('a', 2), [3]]),
  },
  { name: 'empty tuple', value: new PyTuple([]), expected: pyTuple(), op: 'EMPTY_TUPLE' },
  { name: '1-tuple', value: new PyTuple(['a']), expected: pyTuple('a'), op: 'TUPLE1' },
  { name: '2-tuple', value: new PyTuple(['10.0.0.1', '1.2.3.4']), expected: pyTuple('10.0.0.1', '1.2.3.4'), op: 'TUPLE2' },
  { name: '3-tuple', value: new PyTuple([1, 2, 3]), expected: pyTuple(1, 2, 3), op: 'TUPLE3' },
  { name: '5-tuple', value: new PyTuple([1, 2, 3, 4, [5]]), expected: pyTuple(1, 2, 3, 4, [5]), op: 'TUPLE' },
  {
    name: 'object without state',
    value: new PyObject(new PyGlobal('sky.clouds.aws', 'AWS')),
    expected: pyObject('sky.clouds.aws.AWS'),
    op: 'STACK_GLOBAL',
  },
  {
    name: 'object with state',
    value: new PyObject(new PyGlobal('sky.resources', 'AutostopConfig'), { enabled: false, idle_minutes: 5 }),
    expected: pyObject('sky.resources.AutostopConfig', { enabled: false, idle_minutes: 5 }),
    op: 'BUILD',
  },
  {
    name: `${MAX_PICKLE_DEPTH} levels deep`,
    value: nested(MAX_PICKLE_DEPTH),
    expected: JSON.parse(JSON.stringify(nested(MAX_PICKLE_DEPTH))) as Described,
  },
];

describe('writePickle, loaded by python3', () => {
  let loaded: Loaded[];

  beforeAll(() => {
    loaded = unpickleAll(CASES.map((c) => toBase64Pickle(c.value)));
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const result = loaded[i];
    if (result.error !== undefined) throw new Error(`python could not load it: ${result.error}`);
    expect(result.value).toEqual(CASES[i].expected);
    expect(result.protocol).toBe(4);
    expect(result.ops[0]).toBe('PROTO');
    expect(result.ops[result.ops.length - 1]).toBe('STOP');
    if (CASES[i].op) expect(result.ops).toContain(CASES[i].op);
  });

  it('writes None as the bytes Python writes at protocol 4', () => {
    expect(toBase64Pickle(null)).toBe('gAROLg==');
    expect(writePickle(null)).toEqual(Buffer.from([0x80, 0x04, 0x4e, 0x2e]));
  });
});

describe('writePickle rejects what it cannot encode', () => {
  class Custom {}
  const cycle: PickleValue[] = [];
  cycle.push(cycle);

  it.each([
    ['undefined', undefined, /cannot encode undefined at \$/],
    ['a function', () => 1, /cannot encode function/],
    ['a symbol', Symbol('s'), /cannot encode symbol/],
    ['a Date', new Date(0), /cannot encode Date/],
    ['a Map', new Map(), /cannot encode Map/],
    ['a class instance', new Custom(), /cannot encode Custom/],
    ['undefined inside a dict', { a: [1, { b: undefined }] }, /cannot encode undefined at \$\.a\[1\]\.b/],
  ])('%s: TypeError naming where', (_name, value, message) => {
    expect(() => writePickle(value as PickleValue)).toThrow(TypeError);
    expect(() => writePickle(value as PickleValue)).toThrow(message);
  });

  it('caps nesting depth, which also stops cycles', () => {
    expect(() => writePickle(nested(MAX_PICKLE_DEPTH + 1))).toThrow(RangeError);
    expect(() => writePickle(cycle)).toThrow(/nested deeper than 100/);
  });
});
