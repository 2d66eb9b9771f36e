/**
 * The bounded memo behind the demo guard's verdicts: a key is computed once while it is remembered,
 * the memo never holds more than its bound (it starts over), and a key past the length bound is
 * computed every time and never remembered.
 */
import { boundedMemo } from '../../src/common/boundedMemo';

function counted(maxEntries: number, maxKeyLength: number) {
  const calls: string[] = [];
  const memo = boundedMemo(
    (key) => {
      calls.push(key);
      return { key };
    },
    maxEntries,
    maxKeyLength,
  );
  return { memo, calls };
}

describe('boundedMemo', () => {
  it('computes a key once and answers the same value after', () => {
    const { memo, calls } = counted(4, 16);
    const first = memo('GET /status');
    expect(memo('GET /status')).toBe(first);
    expect(memo('POST /status')).not.toBe(first);
    expect(calls).toEqual(['GET /status', 'POST /status']);
  });

  it('starts over past its bound: at most maxEntries keys are held', () => {
    const { memo, calls } = counted(3, 16);
    for (const key of ['a', 'b', 'c', 'd']) memo(key); // 'd' finds the memo full: it starts over with 'd'
    memo('d');
    memo('a');
    expect(calls).toEqual(['a', 'b', 'c', 'd', 'a']);
  });

  it('computes a key longer than maxKeyLength every time, without remembering it', () => {
    const { memo, calls } = counted(4, 8);
    const long = 'x'.repeat(9);
    memo(long);
    memo(long);
    memo('short');
    memo('short');
    expect(calls).toEqual([long, long, 'short']);
  });
});
