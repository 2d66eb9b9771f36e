/**
 * Managed-job operations: the queue (legacy list and paged v2), cancel, logs and pools (none in this
 * build). Rule kept here once: a user cancels only their own unfinished jobs unless `all_users`.
 */
import { roleOfViewer } from '../requests/requestRecord';
import { toManagedJobRecord } from '../api/wireRecords';
import type { ManagedJobRecord, ManagedJobsPage } from '../api/wireTypes';
import { SkyPilotError } from '../errors';
import { managedJobsState } from '../state/managedJobsState';
import { currentTask } from '../state/managedJobStatus';
import { mapInSlices } from '../state/mapInSlices';
import type { ManagedJob, ManagedJobPage } from '../state/records';
import { isTerminalManagedJob, type JobExitCode, managedJobExitCode, type ManagedJobStatus } from '../vocab/statuses';
import { tailLines } from '../common/tailLines';
import type { LogFollow } from './clusters';
import { controllerLog } from './jobEvents';
import { managedJobFolder } from './logFolders';
import type { OpContext } from './opContext';
import type { Caller } from '../http/caller';
import { outsideScope, workspaceScopeOf } from '../http/workspaceScope';
import { inScope } from '../state/workspaceAccess';

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

async function queryJobs(input: QueueInput, caller: Caller): Promise<ManagedJobPage> {
  return managedJobsState.getJobs({
    userHashes: input.all_users === false ? [caller.identity.id] : null,
    // Private workspaces the caller is not in are left out, from the counts too (http/workspaceScope.ts).
    workspaces: await workspaceScopeOf(caller),
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
  return mapInSlices((await queryJobs(input, ctx.caller)).jobs, toManagedJobRecord);
}

export async function queueV2(input: QueueInput, ctx: OpContext): Promise<ManagedJobsPage> {
  const page = await queryJobs(input, ctx.caller);
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
  const workspaces = await workspaceScopeOf(ctx.caller);
  const { jobs } = await managedJobsState.getJobs({
    // Other users' jobs are an admin's to cancel (upstream's rule); anyone else's `all_users` is ignored.
    userHashes: input.all_users && roleOfViewer(ctx.caller.viewer) === 'admin' ? null : [ctx.caller.identity.id],
    skipFinished: true,
    workspaces,
  });
  if (workspaces !== null && input.job_ids?.length) {
    // A job named by id in a private workspace the caller is not in: refused, as a cluster there is.
    const named = (await managedJobsState.getJobs({ jobIds: input.job_ids })).jobs;
    const hidden = named.find((j) => !inScope(workspaces, j.workspace));
    if (hidden) throw outsideScope(`Managed job ${hidden.jobId}`, hidden.workspace, ctx.caller);
  }
  // One record per task: a job is cancelled once, all its unfinished tasks with it.
  const targets = [
    ...new Map(
      jobs.filter((j) => input.all || input.job_ids?.includes(j.jobId) || (input.name && j.name === input.name)).map((j) => [j.jobId, j]),
    ).values(),
  ];
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
 * The job asked for by id, exact name, or else the newest, as its current task (its status is the
 * job's). The newest and a name are looked for among the jobs the caller may see; a job named by id
 * in a private workspace the caller is not in is refused.
 */
async function findJob(input: { name?: string | null; job_id?: number | null }, caller: Caller): Promise<ManagedJob | undefined> {
  const workspaces = await workspaceScopeOf(caller);
  const { jobs } = await managedJobsState.getJobs(
    input.job_id != null ? { jobIds: [input.job_id] } : input.name ? { nameMatch: input.name, workspaces } : { limit: 1, workspaces },
  );
  const first = input.name ? jobs.find((j) => j.name === input.name) : jobs[0];
  if (first && !inScope(workspaces, first.workspace)) throw outsideScope(`Managed job ${first.jobId}`, first.workspace, caller);
  return first && currentTask(jobs.filter((j) => j.jobId === first.jobId));
}

/**
 * A managed job's log (its last `tail` lines), with the outcome once finished, and its exit code; with
 * `controller`, the jobs controller's log of it instead.
 */
export async function jobLog(
  input: {
    name?: string | null;
    job_id?: number | null;
    tail?: number | null;
    follow?: boolean | null;
    controller?: boolean | null;
  },
  caller: Caller,
): Promise<{ text: string; result: JobExitCode; follow?: LogFollow }> {
  const job = await findJob(input, caller);
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
    const now = currentTask((await managedJobsState.getJobs({ jobIds: [job.jobId] })).jobs);
    const status = now?.status ?? 'CANCELLED';
    const grown = ((await managedJobsState.getJobLog(job.jobId)) ?? '') + footer(status);
    return { text: grown, done: isTerminalManagedJob(status), result: managedJobExitCode(status) };
  };
  return { text, result: managedJobExitCode(job.status), follow: { sent: log.length, poll } };
}

/** Where a managed job's logs are on the server (`sky jobs logs -s`, the dashboard's download). */
export async function downloadLogs(
  input: { name?: string | null; job_id?: number | null },
  ctx: OpContext,
): Promise<Record<string, string>> {
  const job = await findJob(input, ctx.caller);
  return job ? { [String(job.jobId)]: managedJobFolder(job.jobId) } : {};
}
