/**
 * `POST /jobs/events` (the newer dashboard's job timeline): a managed job's status changes, newest
 * first, as upstream's `get_job_events` rows. This build keeps no event table for managed jobs; the
 * changes it can state for certain are the ones the job's record dates: submitted (PENDING), started
 * (STARTING then RUNNING), recovered (RECOVERING, then RUNNING again), and its end in its final
 * status with the failure reason. Nothing is invented between them.
 */
import { SkyPilotError } from '../errors';
import { managedJobsState } from '../state/managedJobsState';
import type { ManagedJob } from '../state/records';
import { isTerminalManagedJob, type ManagedJobStatus } from '../vocab/statuses';

export interface JobEventRecord {
  spot_job_id: number;
  task_id: number | null;
  new_status: ManagedJobStatus;
  code: string | null;
  reason: string | null;
  /** ISO-8601, as upstream's timestamp column is serialized. */
  timestamp: string;
}

const MAX_EVENTS = 100;

export function eventsOf(job: ManagedJob): JobEventRecord[] {
  const at = (seconds: number) => new Date(seconds * 1000).toISOString();
  const event = (status: ManagedJobStatus, seconds: number, reason: string | null = null): JobEventRecord => ({
    spot_job_id: job.jobId,
    task_id: job.taskId,
    new_status: status,
    code: null,
    reason,
    timestamp: at(seconds),
  });
  const events = [event('PENDING', job.submittedAt, 'Job submitted.')];
  if (job.startAt !== null) {
    events.push(event('STARTING', job.startAt, 'Launching the job cluster.'));
    if (job.status !== 'STARTING') events.push(event('RUNNING', job.startAt, 'Job started.'));
  }
  if (job.recoveryCount > 0 && job.lastRecoveredAt > (job.startAt ?? 0)) {
    events.push(event('RECOVERING', job.lastRecoveredAt, `Recovery ${job.recoveryCount}.`));
    if (job.status !== 'RECOVERING') events.push(event('RUNNING', job.lastRecoveredAt, 'Job recovered.'));
  }
  if (isTerminalManagedJob(job.status) && job.endAt !== null) events.push(event(job.status, job.endAt, job.failureReason));
  return events;
}

export async function jobEvents(input: { job_id: number; task_id?: number | null; limit?: number | null }): Promise<JobEventRecord[]> {
  const { jobs } = await managedJobsState.getJobs({ jobIds: [input.job_id] });
  if (!jobs.length) throw new SkyPilotError('ManagedJobNotFoundError', `No managed job with id ${input.job_id}.`);
  const tasks = input.task_id == null ? jobs : jobs.filter((j) => j.taskId === input.task_id);
  const limit = Math.min(input.limit ?? 10, MAX_EVENTS);
  // Newest first; events of one instant in the reverse of the order they happened.
  return tasks
    .flatMap(eventsOf)
    .map((event, order) => ({ event, order }))
    .sort((a, b) => b.event.timestamp.localeCompare(a.event.timestamp) || b.order - a.order)
    .slice(0, limit)
    .map(({ event }) => event);
}

/**
 * The jobs controller's log of one job (`sky jobs logs --controller`): what the controller did, from
 * the same dated changes, oldest first. The job's own output is in its log, not here.
 */
export function controllerLog(job: ManagedJob): string {
  const line = (e: JobEventRecord) => `${e.timestamp.replace('T', ' ').slice(0, 19)} | ${e.new_status.padEnd(10)} | ${e.reason ?? ''}\n`;
  const header = `Jobs controller log for managed job ${job.jobId} (${job.name}), resources ${job.resources}.\n`;
  const tail = isTerminalManagedJob(job.status) ? '' : `Job is ${job.status}; the controller is monitoring it.\n`;
  return header + eventsOf(job).map(line).join('') + tail;
}
