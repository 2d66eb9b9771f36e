/**
 * Columns derived from a history row's usage intervals, kept beside them so the cost report filters
 * (`days`) and sorts (most recently launched first) in SQL, by index, instead of decoding every
 * history row in JavaScript: `launched_at` is the latest interval's start, `active_until` the latest
 * end, or `STILL_ACTIVE` while an interval is open (the cluster is up now): a number rather than null,
 * so `active_until >= cutoff` is one range of one index.
 */
import type { UsageInterval } from './records';

/** `active_until` of a cluster still in use: after any cutoff. */
const STILL_ACTIVE = 1e15;

export interface HistoryTimes {
  launched_at: number;
  active_until: number;
}

export function historyTimes(intervals: UsageInterval[]): HistoryTimes {
  let launched = 0;
  let until = 0;
  for (const [start, end] of intervals) {
    launched = Math.max(launched, start);
    until = Math.max(until, end ?? STILL_ACTIVE);
  }
  return { launched_at: launched, active_until: until };
}
