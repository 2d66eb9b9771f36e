/**
 * Managed-job operations: the queue (legacy list and paged v2), cancel, logs and pools (none in this
 * build). Rule kept here once: a user cancels only their own unfinished jobs unless `all_users`.
 */
import { roleOfViewer } from '../requests/requestRecord';
import { toManagedJobRecord } from '../api/wireRecords';
import type { ManagedJobRecord, ManagedJobsPage } from '../api/wireTypes';
import { SkyPilotError } from '../errors';
import { managedJobsState } from '../state/managedJobsState';
import { mapInSlices } from '../state/mapInSlices';
import type { ManagedJobPage } from '../state/records';
import { isTerminalManagedJob, type JobExitCode, managedJobExitCode, type ManagedJobStatus } from '../vocab/statuses';
import { tailLines } from '../common/tailLines';
import type { LogFollow } from './clusters';
import { controllerLog } from './jobEvents';
import { managedJobFolder } from './logFolders';
import type { OpContext } from './opContext';

export interface QueueInput {
  skip_finished?: boolean | null;
  all_users?: boolean | null;
  job_ids?: number[] | null;
  user_match?: string | null;
  workspace_match?: string | null;
  name_match?: string | null;
  page?: number | null;
  limit?: number | null;
  statuses?: ManagedJobStatus[] | null;
  fields?: string[] | null;
}

function queryJobs(input: QueueInput, userId: string): Promise<ManagedJobPage> {
  return managedJobsState.getJobs({
    userHashes: input.all_users === false ? [userId] : null,
    jobIds: input.job_ids ?? null,
    skipFinished: input.skip_finished === true,
    nameMatch: input.name_match,
    userMatch: input.user_match,
    workspaceMatch: input.workspace_match,
    statuses: input.statuses ?? null,
    page: input.page,
    limit: input.limit,
  });
}

function pick(record: ManagedJobRecord, fields: string[] | null | undefined): Partial<ManagedJobRecord> {
  if (!fields?.length) return record;
  // The dashboard always needs the identity and status of a row.
  const keep = new Set([...fields, 'job_id', '_job_id', 'job_name', 'status']);
  return Object.fromEntries(Object.entries(record).filter(([k]) => keep.has(k))) as Partial<ManagedJobRecord>;
}

export async function queue(input: QueueInput, ctx: OpContext): Promise<ManagedJobRecord[]> {
  return mapInSlices((await queryJobs(input, ctx.caller.identity.id)).jobs, toManagedJobRecord);
}

export async function queueV2(input: QueueInput, ctx: OpContext): Promise<ManagedJobsPage> {
  const page = await queryJobs(input, ctx.caller.identity.id);
  return {
    jobs: await mapInSlices(page.jobs, (j) => pick(toManagedJobRecord(j), input.fields)),
    total: page.total,
    total_no_filter: page.totalNoFilter,
    status_counts: page.statusCounts,
  };
}

export async function cancel(
  input: { name?: string | null; job_ids?: number[] | null; all?: boolean | null; all_users?: boolean | null },
  ctx: OpContext,
): Promise<number[]> {
  if (!input.job_ids?.length && !input.name && !input.all) {
    throw new SkyPilotError('NotSupportedError', 'Specify job_ids, name or all to cancel managed jobs.');
  }
  const { jobs } = await managedJobsState.getJobs({
    // Other users' jobs are an admin's to cancel (upstream's rule); anyone else's `all_users` is ignored.
    userHashes: input.all_users && roleOfViewer(ctx.caller.viewer) === 'admin' ? null : [ctx.caller.identity.id],
    skipFinished: true,
  });
  const targets = jobs.filter((j) => input.all || input.job_ids?.includes(j.jobId) || (input.name && j.name === input.name));
  const missing = (input.job_ids ?? []).filter((id) => !targets.some((j) => j.jobId === id));
  if (missing.length) {
    throw new SkyPilotError(
      'ManagedJobNotFoundError',
      `No cancellable managed job with id ${missing.join(', ')} (it may have finished or belong to another user).`,
    );
  }
  for (const job of targets) await managedJobsState.setJobStatus(job.jobId, 'CANCELLED');
  ctx.log(`Cancelled managed job(s): ${targets.map((j) => j.jobId).join(', ') || 'none'}\n`);
  return targets.map((j) => j.jobId);
}

/**
 * A managed job's log (its last `tail` lines), with the outcome once finished, and its exit code; with
 * `controller`, the jobs controller's log of it instead.
 */
export async function jobLog(input: {
  name?: string | null;
  job_id?: number | null;
  tail?: number | null;
  follow?: boolean | null;
  controller?: boolean | null;
}): Promise<{ text: string; result: JobExitCode; follow?: LogFollow }> {
  const { jobs } = await managedJobsState.getJobs(
    input.job_id != null ? { jobIds: [input.job_id] } : input.name ? { nameMatch: input.name } : { limit: 1 },
  );
  const job = input.name ? jobs.find((j) => j.name === input.name) : jobs[0];
  if (!job) {
    const which = input.job_id != null ? `id ${input.job_id}` : input.name ? `name '${input.name}'` : 'any id';
    throw new SkyPilotError('ManagedJobNotFoundError', `No managed job with ${which}.`);
  }
  if (input.controller) return { text: tailLines(controllerLog(job), input.tail ?? 0), result: managedJobExitCode(job.status) };
  const log = (await managedJobsState.getJobLog(job.jobId)) ?? '';
  const footer = (status: ManagedJobStatus) => (isTerminalManagedJob(status) ? `\nJob ${job.jobId} ${status}.\n` : '');
  const text = tailLines(log, input.tail ?? 0) + footer(job.status);
  if (!input.follow || isTerminalManagedJob(job.status)) return { text, result: managedJobExitCode(job.status) };
  // Read again on each tick until the job ends; the footer comes once, with its last lines.
  const poll = async () => {
    const now = (await managedJobsState.getJobs({ jobIds: [job.jobId] })).jobs[0];
    const status = now?.status ?? 'CANCELLED';
    const grown = ((await managedJobsState.getJobLog(job.jobId)) ?? '') + footer(status);
    return { text: grown, done: isTerminalManagedJob(status), result: managedJobExitCode(status) };
  };
  return { text, result: managedJobExitCode(job.status), follow: { sent: log.length, poll } };
}

/** Where a managed job's logs are on the server (`sky jobs logs -s`, the dashboard's download). */
export async function downloadLogs(input: { name?: string | null; job_id?: number | null }): Promise<Record<string, string>> {
  const { jobs } = await managedJobsState.getJobs(
    input.job_id != null ? { jobIds: [input.job_id] } : input.name ? { nameMatch: input.name } : { limit: 1 },
  );
  const job = input.name ? jobs.find((j) => j.name === input.name) : jobs[0];
  return job ? { [String(job.jobId)]: managedJobFolder(job.jobId) } : {};
}
