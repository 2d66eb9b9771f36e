/**
 * `sky logs CLUSTER [JOB_ID] [-f|--follow] [--no-follow] [--tail N] [--status]`: streams a job's log to
 * stdout (following it, as upstream, unless `--no-follow`). `--status` prints `Job N: STATUS` instead
 * and exits with upstream's job exit code (0 succeeded, 100 failed, 101 not finished, ...).
 *
 * Unlike every other output, the log is written raw, not sanitized: it is the job's own terminal
 * output (colours, `\r` progress bars), as `ssh` or `kubectl logs` would show it, and SkyPilot
 * streams it the same way.
 */
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { CLUSTER_ARGUMENT, FOLLOW_OPTIONS, TAIL_OPTION } from '../parameters';
import { parseNonNegativeInt } from '../parsers';
import { CLUSTER_JOB_STATUSES, clusterJobExitCode, isAmong, JOB_EXIT_CODES } from '../../vocab/statuses';

export interface LogsArgs {
  follow?: boolean;
  tail?: number;
  status?: boolean;
}

/** Upstream's `JobExitCode.from_job_status`. */
function exitCodeOf(status: string | null): number {
  if (status === null) return JOB_EXIT_CODES.NOT_FOUND;
  return isAmong(CLUSTER_JOB_STATUSES, status) ? clusterJobExitCode(status) : JOB_EXIT_CODES.FAILED;
}

async function runStatus(ctx: CliContext, cluster: string, jobId: number | undefined): Promise<number> {
  const client = await ctx.client();
  const statuses = await ctx.spin(`Checking the job status on ${cluster}`, () =>
    client.jobStatus(cluster, jobId === undefined ? null : [jobId]),
  );
  const [entry] = Object.entries(statuses);
  if (!entry) {
    ctx.err(`No job found on cluster '${cluster}'.`);
    return JOB_EXIT_CODES.NOT_FOUND;
  }
  const [id, status] = entry;
  ctx.out(`Job ${id}: ${status ?? 'None'}`);
  if (status === null) ctx.err(`Job ${id} not found`);
  return exitCodeOf(status);
}

async function runLogs(ctx: CliContext, cluster: string, jobId: number | undefined, args: LogsArgs): Promise<number> {
  if (args.status) return runStatus(ctx, cluster, jobId);
  const client = await ctx.client();
  for await (const chunk of client.logs(cluster, jobId ?? null, { follow: args.follow ?? true, tail: args.tail ?? 0 })) {
    ctx.io.stdout.write(chunk);
  }
  return 0;
}

export const logsCommand: CommandSpec<[string, number | undefined, LogsArgs]> = {
  name: 'logs',
  description: "Stream a cluster job's log (the latest job by default).",
  arguments: [CLUSTER_ARGUMENT, { name: '[job_id]', description: 'job id', parse: parseNonNegativeInt }],
  options: [...FOLLOW_OPTIONS, { flags: '--status', description: "print the job's status and exit with its exit code" }, TAIL_OPTION],
  run: runLogs,
};
