/**
 * Columns derived from a history row's usage intervals, kept beside them so the cost report filters
 * (`days`) and sorts (most recently launched first) in SQL, by index, instead of decoding every
 * history row in JavaScript: `launched_at` is the latest interval's start, `active_until` the latest
 * end, null while an interval is open (the cluster is up now).
 */
import type { UsageInterval } from './records';

export interface HistoryTimes {
  launched_at: number;
  active_until: number | null;
}

export function historyTimes(intervals: UsageInterval[]): HistoryTimes {
  let launched = 0;
  let until: number | null = 0;
  for (const [start, end] of intervals) {
    launched = Math.max(launched, start);
    until = end === null || until === null ? null : Math.max(until, end);
  }
  return { launched_at: launched, active_until: until };
}
