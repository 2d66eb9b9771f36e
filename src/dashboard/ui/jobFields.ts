/** Derived display values of managed-job records. */
import type { ManagedJob } from './data';

export function jobDuration(j: ManagedJob): number | null {
  if (typeof j.job_duration === 'number' && j.job_duration > 0) return j.job_duration;
  if (!j.start_at) return null;
  return (j.end_at || Date.now() / 1000) - j.start_at;
}
