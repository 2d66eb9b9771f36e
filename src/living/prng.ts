/**
 * Seeded randomness without state: every draw is a hash of (seed, the keys naming what is drawn), so
 * the same question gets the same answer on every replica, at every `t`, in any order of asking.
 * (A sequential PRNG would make a draw depend on how many draws came before it.)
 */

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a's state after `text`, continuing from `h`. */
function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** A murmur3 finaliser for a good spread of nearby keys. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit FNV-1a over a string, then the finaliser. */
function hash32(text: string): number {
  return finish(fnv(FNV_OFFSET, text));
}

/** A number in [0, 1) fixed by the seed and the keys. */
export function draw(seed: number, ...keys: (string | number)[]): number {
  return hash32(`${seed}|${keys.join('|')}`) / 0x1_0000_0000;
}

/**
 * `draw(seed, ...keys, last)` for many `last`s: the keys are hashed once (FNV-1a runs left to right),
 * so a log's thousand loss values cost their own digits, not the run's key again each time.
 */
export function drawAfter(seed: number, ...keys: (string | number)[]): (last: string | number) => number {
  const prefix = fnv(FNV_OFFSET, `${seed}|${keys.length ? `${keys.join('|')}|` : ''}`);
  return (last) => finish(fnv(prefix, String(last))) / 0x1_0000_0000;
}

/** An integer in [min, max], both included. */
export function drawBetween(seed: number, range: readonly [number, number], ...keys: (string | number)[]): number {
  const [min, max] = range;
  return min + Math.floor(draw(seed, ...keys) * (max - min + 1));
}

/** One of the weighted choices: `{ SUCCEEDED: 0.8, FAILED: 0.2 }`. */
export function drawWeighted<K extends string>(seed: number, weights: Partial<Record<K, number>>, ...keys: (string | number)[]): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let at = draw(seed, ...keys) * total;
  for (const [key, weight] of entries) {
    at -= weight;
    if (at < 0) return key;
  }
  return entries[entries.length - 1][0];
}
