/** `sky queue CLUSTER [-a] [-s] [--json]`: the job queue of a cluster. */
import type { ClusterJobRecord } from '../../api/wireTypes';
import { colorStatus } from '../colors';
import { printJson, type RegisterCommand } from '../command';
import type { CliContext } from '../context';
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

export async function runQueue(ctx: CliContext, cluster: string, args: QueueArgs): Promise<number> {
  const client = await ctx.client();
  const jobs = await ctx.spin(`Fetching the job queue of ${cluster}`, () =>
    client.queue(cluster, { allUsers: args.allUsers, skipFinished: args.skipFinished }),
  );
  if (args.json) printJson(ctx, jobs);
  else for (const line of formatQueue(cluster, jobs, { now: ctx.now, color: ctx.color, allUsers: args.allUsers })) ctx.out(line);
  return 0;
}

export const registerQueue: RegisterCommand = (parent, ctx, done) => {
  parent
    .command('queue')
    .description('Show the job queue of a cluster.')
    .argument('<cluster>', 'cluster name')
    .option('-a, --all-users', "show all users' jobs")
    .option('-s, --skip-finished', 'show only pending and running jobs')
    .option('--json', 'print JSON')
    .action(async (cluster: string, opts: QueueArgs) => {
      done(await runQueue(ctx, cluster, opts));
    });
};
