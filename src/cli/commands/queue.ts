/**
 * `sky queue [CLUSTER...] [-u|--all-users] [-s] [--json]`, as upstream's: the job queue of each named
 * cluster, or of each of the caller's clusters when none is named (every user's with `-u`; `-a` is this
 * CLI's older spelling). A cluster whose queue cannot be read (stopped, gone) gets upstream's message
 * on one line and the others are still shown; the exit code is 1 if any failed.
 */
import type { ClusterJobRecord } from '../../api/wireTypes';
import { colorStatus } from '../colors';
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { ApiError } from '../../client/apiError';
import { errorLine } from '../errors';
import { ALL_ALIAS_OPTION, JSON_OPTION, YOUR_CLUSTERS_ARGUMENT } from '../parameters';
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
  all?: boolean;
  skipFinished?: boolean;
  json?: boolean;
}

async function runQueue(ctx: CliContext, named: string[], args: QueueArgs): Promise<number> {
  const allUsers = (args.allUsers || args.all) === true;
  const client = await ctx.client();
  const clusters = named.length ? named : (await ctx.spin('Checking cluster status', () => client.status({ allUsers }))).map((r) => r.name);
  const queues: Record<string, ClusterJobRecord[]> = {};
  const lines: string[] = [];
  let failed = 0;
  for (const cluster of clusters) {
    try {
      const jobs = await ctx.spin(`Fetching the job queue of ${cluster}`, () =>
        client.queue(cluster, { allUsers, skipFinished: args.skipFinished }),
      );
      queues[cluster] = jobs;
      if (lines.length) lines.push('');
      lines.push(...formatQueue(cluster, jobs, { now: ctx.now, color: ctx.color, allUsers }));
    } catch (err) {
      if (!(err instanceof ApiError) || err.isNetworkError() || err.type === 'VersionMismatch') throw err;
      failed += 1;
      // Upstream's words, on one line.
      ctx.err(errorLine(`Failed to get the job queue for cluster '${cluster}'. ${err.type}: ${err.message}`));
    }
  }
  if (!clusters.length) lines.push('No existing clusters.');
  const code = printData(ctx, args.json, named.length === 1 ? (queues[named[0]] ?? []) : queues, () => lines);
  return failed ? 1 : code;
}

export const queueCommand: CommandSpec<[string[], QueueArgs]> = {
  name: 'queue',
  description: 'Show the job queue of clusters (default: all of yours).',
  arguments: [YOUR_CLUSTERS_ARGUMENT],
  options: [
    { flags: '-u, --all-users', description: "show all users' jobs (and, with no cluster named, all users' clusters)" },
    ALL_ALIAS_OPTION,
    { flags: '-s, --skip-finished', description: 'show only pending and running jobs' },
    JSON_OPTION,
  ],
  run: runQueue,
};
