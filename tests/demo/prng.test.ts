/**
 * The living world's seeded draws: a draw is a pure function of (seed, keys), and the shortcut that
 * hashes a run's keys once for its thousand log lines gives the very same numbers, so a log's bytes
 * do not depend on which path made them.
 */
import fc from 'fast-check';
import { draw, drawAfter, drawBetween } from '../../src/living/prng';

const key = fc.oneof(fc.string(), fc.integer());

describe('seeded draws', () => {
  it('drawAfter(seed, ...keys)(last) is draw(seed, ...keys, last)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(key, { maxLength: 5 }), key, (seed, keys, last) => {
        expect(drawAfter(seed, ...keys)(last)).toBe(draw(seed, ...keys, last));
      }),
      { numRuns: 2000 },
    );
  });

  it('are in [0, 1), and drawBetween in its range, both ends reachable', () => {
    const seen = new Set<number>();
    fc.assert(
      fc.property(fc.integer(), fc.array(key, { maxLength: 3 }), (seed, keys) => {
        const x = draw(seed, ...keys);
        expect(x >= 0 && x < 1).toBe(true);
        const n = drawBetween(seed, [3, 5], ...keys);
        expect([3, 4, 5]).toContain(n);
        seen.add(n);
      }),
      { numRuns: 500 },
    );
    expect([...seen].sort()).toEqual([3, 4, 5]);
  });

  it('are the same numbers as ever (a change here would rewrite every demo world)', () => {
    expect([draw(7, 'cj', 3, 12), draw(0), drawBetween(42, [600, 1700], 'cj', 1, 2, 3)]).toEqual([
      0.4442186253145337, 0.15824616933241487, 1608,
    ]);
  });
});
