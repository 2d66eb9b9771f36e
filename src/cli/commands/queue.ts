/** `sky queue CLUSTER [-a] [-s] [--json]`: the job queue of a cluster. */
import type { ClusterJobRecord } from '../../api/wireTypes';
import { colorStatus } from '../colors';
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { ALL_USERS_JOBS_OPTION, CLUSTER_ARGUMENT, JSON_OPTION } from '../parameters';
import { printData } from '../printData';
import { formatDuration, formatRelative, secondsBetween } from '../relativeTime';
import { formatTable } from '../table';

export interface QueueFormatOptions {
  now: Date;
  color: boolean;
  allUsers?: boolean;
}

export function formatQueue(cluster: string, jobs: readonly ClusterJobRecord[], options: QueueFormatOptions): string[] {
  const title = `Job queue of ${options.allUsers ? 'all users' : 'current user'} on cluster ${cluster}`;
  if (jobs.length === 0) return [title, 'No jobs.'];
  const rows = jobs.map((job) => [
    String(job.job_id),
    job.job_name || '-',
    job.username || '-',
    formatRelative(job.submitted_at, options.now),
    formatRelative(job.start_at, options.now),
    job.start_at ? formatDuration(secondsBetween(job.start_at, job.end_at, options.now)) : '-',
    job.resources || '-',
    colorStatus(job.status, options.color),
  ]);
  return [title, ...formatTable(['ID', 'NAME', 'USER', 'SUBMITTED', 'STARTED', 'DURATION', 'RESOURCES', 'STATUS'], rows)];
}

export interface QueueArgs {
  allUsers?: boolean;
  skipFinished?: boolean;
  json?: boolean;
}

async function runQueue(ctx: CliContext, cluster: string, args: QueueArgs): Promise<number> {
  const client = await ctx.client();
  const jobs = await ctx.spin(`Fetching the job queue of ${cluster}`, () =>
    client.queue(cluster, { allUsers: args.allUsers, skipFinished: args.skipFinished }),
  );
  return printData(ctx, args.json, jobs, (js) => formatQueue(cluster, js, { now: ctx.now, color: ctx.color, allUsers: args.allUsers }));
}

export const queueCommand: CommandSpec<[string, QueueArgs]> = {
  name: 'queue',
  description: 'Show the job queue of a cluster.',
  arguments: [CLUSTER_ARGUMENT],
  options: [ALL_USERS_JOBS_OPTION, { flags: '-s, --skip-finished', description: 'show only pending and running jobs' }, JSON_OPTION],
  run: runQueue,
};
