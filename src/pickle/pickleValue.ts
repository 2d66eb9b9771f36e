/**
 * The values the pickle writer understands. Plain JS maps onto Python where the mapping is
 * unambiguous (null -> None, boolean -> bool, bigint or safe-integer number -> int, other number ->
 * float, string -> str, array -> list, plain object -> dict with str keys); the wrapper classes
 * cover what JS cannot say on its own: a tuple, a float that happens to be integral, a dict whose
 * keys are not strings, an instance of a Python class, and a call such as `DiskTier('low')`.
 */

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly PickleValue[]
  | PyTuple
  | PyFloat
  | PyDict
  | PyObject
  | PyReduce
  | PickleDict;

export interface PickleDict {
  readonly [key: string]: PickleValue;
}

/** A Python tuple; upstream checks tuple-ness of some fields (the handle's IP pairs). */
export class PyTuple {
  readonly items: readonly PickleValue[];

  constructor(items: readonly PickleValue[]) {
    this.items = items;
  }
}

/** Forces a float: `new PyFloat(2)` is `2.0`, where a bare `2` would be the int `2`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A dict with arbitrary keys, in order (upstream keys `_image_id` by region, and the region may be None). */
export class PyDict {
  readonly entries: readonly (readonly [PickleValue, PickleValue])[];

  constructor(entries: readonly (readonly [PickleValue, PickleValue])[]) {
    this.entries = entries;
  }
}

/** A reference to a class (or any global) by module and qualified name. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  toString(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * An instance made without calling `__init__` (what `object.__reduce_ex__` does for protocol 2+),
 * then given `state` through `__setstate__` or `__dict__`. `state` undefined writes no BUILD at all,
 * which is how Python pickles an instance whose `__dict__` is empty.
 */
export class PyObject {
  constructor(
    readonly cls: PyGlobal,
    readonly state?: PickleValue,
  ) {}
}

/** `cls(*args)` at load time; how Python pickles enum members (`DiskTier('low')`). */
export class PyReduce {
  readonly args: readonly PickleValue[];

  constructor(
    readonly callable: PyGlobal,
    args: readonly PickleValue[],
  ) {
    this.args = args;
  }
}
