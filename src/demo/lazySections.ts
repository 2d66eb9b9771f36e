/**
 * Worlds are built section by section on first read: a call that reads the users does not build the
 * clusters, and a `/status` never builds the managed jobs. What is built is kept for the world's life.
 */

/** A value computed on first read. */
export function lazy<T>(compute: () => T): () => T {
  let value: { v: T } | null = null;
  return () => {
    value ??= { v: compute() };
    return value.v;
  };
}

/** An object with one property per builder, each built on its first read and kept. */
export function lazySections<T extends object>(builders: { [K in keyof T]: () => T[K] }): T {
  const sections = {} as T;
  for (const key of Object.keys(builders) as (keyof T)[]) {
    Object.defineProperty(sections, key, { get: lazy(builders[key]), enumerable: true, configurable: true });
  }
  return sections;
}
