/**
 * A stream's runs: run `k` begins at `epoch + offset + k * every`. Times are absolute, so a run is
 * the same on every replica and its story does not depend on when anyone looked. Draws are keyed by
 * the run's place in the cycle (`k mod runsPerCycle`), so the schedule repeats every cycle, and since
 * runs that straddle the wrap are computed like any other, there is no cliff there.
 */
export interface Slot {
  /** The run's number since the epoch: ids and names come from it. */
  k: number;
  /** The run's place within the cycle: its draws come from it. */
  inCycle: number;
  at: number;
}

export interface SlotClock {
  epoch: number;
  cycle: number;
}

/** The runs begun by `t`, newest first, at most `count` of them (none before the epoch). */
export function slotsUpTo(clock: SlotClock, stream: { every: number; offset: number }, t: number, count: number): Slot[] {
  const origin = clock.epoch + stream.offset;
  if (t < origin) return [];
  const newest = Math.floor((t - origin) / stream.every);
  const perCycle = clock.cycle / stream.every;
  const slots: Slot[] = [];
  for (let k = newest; k >= 0 && slots.length < count; k--) {
    slots.push({ k, inCycle: k % perCycle, at: origin + k * stream.every });
  }
  return slots;
}

/** A status story: each step's status holds from its `at` until the next step's. */
export interface Step<S extends string> {
  status: S;
  at: number;
  reason: string;
}

/** The step in force at `t`, or null before the first. */
export function stepAt<S extends string>(steps: readonly Step<S>[], t: number): Step<S> | null {
  let current: Step<S> | null = null;
  for (const step of steps) {
    if (step.at > t) break;
    current = step;
  }
  return current;
}
