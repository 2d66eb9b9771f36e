/** Counts of database errors by store and kind, read by the metrics (a process-wide tally). */
const counts = new Map<string, number>();

export function countDbError(store: string, kind: 'busy' | 'error'): void {
  const key = `${store}\u0000${kind}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

export function dbErrorCounts(): { store: string; kind: string; count: number }[] {
  return [...counts].map(([key, count]) => {
    const [store, kind] = key.split('\u0000');
    return { store, kind, count };
  });
}
