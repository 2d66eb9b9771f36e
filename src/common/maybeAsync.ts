/**
 * A value now, or a promise of it later. The hot round trip's functions (admission, who calls, the
 * request store's memory tier) answer at once when nothing has to wait, so the lean path
 * (src/http/fastPath.ts) pays no promise and no turn of the microtask queue for them; a caller that
 * awaits gets the same value either way.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return value instanceof Promise;
}

/** `next(value)`, at once when the value is there, else once it is. */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
