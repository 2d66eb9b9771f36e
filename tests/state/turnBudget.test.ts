/**
 * Sliced computations share one budget per turn of the event loop (src/state/turnBudget.ts): sixteen
 * running at once do about as much work per turn as one, each keeping only its minimum batch, so the
 * loop comes back to every other connection within a slice, not sixteen.
 */
import { mapInSlices } from '../../src/state/mapInSlices';

/** A row that costs `ms` of wall time, however loaded the machine is. */
function costly(ms: number) {
  return (n: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
    return n;
  };
}

it('sixteen concurrent sliced maps share a turn: at most one slice plus their minimum batches per turn', async () => {
  let rows = 0;
  const perTurn: number[] = [];
  let running = true;
  let last = 0;
  const marker = () => {
    perTurn.push(rows - last);
    last = rows;
    if (running) setImmediate(marker);
  };
  setImmediate(marker);
  const row = costly(0.2);
  const counted = (n: number) => {
    rows += 1;
    return row(n);
  };
  const items = Array.from({ length: 200 }, (_, i) => i);
  const results = await Promise.all(Array.from({ length: 16 }, () => mapInSlices(items, counted)));
  running = false;
  expect(results.every((r) => r.length === 200 && r[199] === 199)).toBe(true);
  // One 8 ms slice is 40 rows of 0.2 ms, each of the sixteen's minimum batch 8: 168 at most. Timed
  // each on its own, every map ran its own 8 ms: 16 x 40 = 640 rows in one turn.
  expect(Math.max(...perTurn)).toBeLessThanOrEqual(40 + 16 * 8 + 8);
});
