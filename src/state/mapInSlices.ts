/**
 * Decoding many rows (a year of cluster history, 50,000 managed jobs) in slices that give the event
 * loop back every few milliseconds: the rows of one big answer never stall everyone else's requests.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { turnDeadline } from './turnBudget';

export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> {
  const out: R[] = new Array(items.length);
  // The turn's budget is shared with every other sliced computation (turnBudget.ts).
  let deadline = turnDeadline();
  for (let i = 0; i < items.length; i++) {
    out[i] = fn(items[i]);
    // Checking the clock costs far less than decoding a row (a pickled one can take 0.1 ms).
    if ((i & 7) === 7 && performance.now() >= deadline) {
      await yieldToLoop();
      deadline = turnDeadline();
    }
  }
  return out;
}
