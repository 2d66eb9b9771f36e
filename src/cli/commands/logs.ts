/**
 * `sky logs CLUSTER [JOB_ID] [--no-follow] [--tail N]`: streams a job's log to stdout.
 *
 * Unlike every other output, the log is written raw, not sanitized: it is the job's own terminal
 * output (colours, `\r` progress bars), as `ssh` or `kubectl logs` would show it, and SkyPilot
 * streams it the same way.
 */
import { parseNonNegativeInt, type RegisterCommand } from '../command';
import type { CliContext } from '../context';

export interface LogsArgs {
  follow?: boolean;
  tail?: number;
}

export async function runLogs(ctx: CliContext, cluster: string, jobId: number | undefined, args: LogsArgs): Promise<number> {
  const client = await ctx.client();
  for await (const chunk of client.logs(cluster, jobId ?? null, { follow: args.follow ?? true, tail: args.tail ?? 0 })) {
    ctx.io.stdout.write(chunk);
  }
  return 0;
}

export const registerLogs: RegisterCommand = (parent, ctx, done) => {
  parent
    .command('logs')
    .description("Stream a cluster job's log (the latest job by default).")
    .argument('<cluster>', 'cluster name')
    .argument('[job_id]', 'job id', parseNonNegativeInt)
    .option('--no-follow', 'print the log so far and exit')
    .option('--tail <lines>', 'only the last N lines (0 = all)', parseNonNegativeInt)
    .action(async (cluster: string, jobId: number | undefined, opts: LogsArgs) => {
      done(await runLogs(ctx, cluster, jobId, opts));
    });
};
