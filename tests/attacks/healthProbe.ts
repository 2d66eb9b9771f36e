/**
 * While an attack runs, another client keeps asking `/api/health`: the slowest answer it got is how
 * long the attack held the event loop (or the server) for everyone else.
 */
export { probeHealth } from '../../bench/healthProbe';

/**
 * The slowest health answer allowed while an attack runs. The stalls these tests guard against last
 * seconds (a backtracking pattern, a 5 s busy timeout, an unbounded query); this shared 2-core
 * machine, running the rest of the suite, sometimes adds a hundred milliseconds or more on its own.
 */
export const HEALTH_LIMIT_MS = 500;

/** Resolves with the result and the milliseconds it took. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}
