/** `sky jobs queue [-a] [-s] [--json] [--page N --limit N]`: managed jobs. */
import type { ManagedJobRecord, ManagedJobsPage } from '../../api/wireTypes';
import { colorStatus } from '../colors';
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { ALL_ALIAS_OPTION, ALL_USERS_JOBS_OPTION, JSON_OPTION } from '../parameters';
import { parseNonNegativeInt } from '../parsers';
import { printData } from '../printData';
import { formatDuration, formatRelative, secondsBetween } from '../relativeTime';
import { formatTable } from '../table';
import { isAmong, TERMINAL_MANAGED_JOB_STATUSES } from '../../vocab/statuses';

export interface JobsFormatOptions {
  now: Date;
  color: boolean;
  allUsers?: boolean;
  /** Upstream's `-v`: each job's workspace, infra and the reason it failed. */
  verbose?: boolean;
}

function inProgressSummary(page: ManagedJobsPage): string | undefined {
  const counts = Object.entries(page.status_counts ?? {}).filter(([status, n]) => n > 0 && !isAmong(TERMINAL_MANAGED_JOB_STATUSES, status));
  if (counts.length === 0) return undefined;
  return `In progress tasks: ${counts.map(([status, n]) => `${n} ${status}`).join(', ')}`;
}

export function formatJobsQueue(page: ManagedJobsPage, options: JobsFormatOptions): string[] {
  const lines = ['Managed jobs'];
  if (page.jobs.length === 0) return [...lines, 'No managed jobs.'];
  const summary = inProgressSummary(page);
  if (summary) lines.push(summary);
  const headers = [
    'ID',
    'NAME',
    ...(options.allUsers ? ['USER', 'WORKSPACE'] : []),
    'REQUESTED',
    'SUBMITTED',
    'TOT. DURATION',
    'JOB DURATION',
    '#RECOVERIES',
    'STATUS',
    ...(options.verbose ? ['INFRA', 'DETAILS'] : []),
  ];
  const rows = page.jobs.map((job: Partial<ManagedJobRecord>) => [
    String(job.job_id ?? '-'),
    job.job_name || job.task_name || '-',
    ...(options.allUsers ? [job.user_name || '-', job.workspace || '-'] : []),
    job.resources || '-',
    formatRelative(job.submitted_at, options.now),
    formatDuration(secondsBetween(job.submitted_at, job.end_at, options.now)),
    job.job_duration ? formatDuration(job.job_duration) : '-',
    String(job.recovery_count ?? 0),
    colorStatus(job.status ?? '-', options.color),
    ...(options.verbose ? [job.infra || '-', job.failure_reason || job.details || '-'] : []),
  ]);
  lines.push(...formatTable(headers, rows));
  if (page.total > page.jobs.length) lines.push(`Showing ${page.jobs.length} of ${page.total} jobs.`);
  return lines;
}

export interface JobsQueueArgs {
  allUsers?: boolean;
  all?: boolean;
  verbose?: boolean;
  skipFinished?: boolean;
  json?: boolean;
  page?: number;
  limit?: number;
}

async function runJobsQueue(ctx: CliContext, args: JobsQueueArgs): Promise<number> {
  const allUsers = (args.allUsers || args.all) === true;
  const client = await ctx.client();
  const page = await ctx.spin('Fetching managed job statuses', () =>
    client.jobsQueue({ allUsers, skipFinished: args.skipFinished, page: args.page, limit: args.limit }),
  );
  return printData(ctx, args.json, page, (p) => formatJobsQueue(p, { now: ctx.now, color: ctx.color, allUsers, verbose: args.verbose }));
}

export const jobsQueueCommand: CommandSpec<[JobsQueueArgs]> = {
  name: 'queue',
  description: 'Show managed jobs.',
  options: [
    ALL_USERS_JOBS_OPTION,
    ALL_ALIAS_OPTION,
    { flags: '-v, --verbose', description: "show each job's infra and failure details" },
    { flags: '-s, --skip-finished', description: 'show only jobs still in progress' },
    { flags: '--page <n>', description: 'page number (1-based)', parse: parseNonNegativeInt },
    { flags: '--limit <n>', description: 'jobs per page', parse: parseNonNegativeInt },
    JSON_OPTION,
  ],
  run: runJobsQueue,
};
