/**
 * A memo of a pure function of a short text, bounded in entries and key length: past the bound it
 * starts over, and a longer key (a client's to choose) is computed every time. For verdicts asked
 * thousands of times a second about the same few inputs (the demo guard's paths).
 */
export function boundedMemo<T extends NonNullable<unknown>>(compute: (key: string) => T, maxEntries = 1024, maxKeyLength = 256) {
  const known = new Map<string, T>();
  return (key: string): T => {
    if (key.length > maxKeyLength) return compute(key);
    let value = known.get(key);
    if (value === undefined) {
      value = compute(key);
      if (known.size >= maxEntries) known.clear();
      known.set(key, value);
    }
    return value;
  };
}
