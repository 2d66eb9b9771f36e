/**
 * `sky logs CLUSTER [JOB_ID] [--no-follow] [--tail N]`: streams a job's log to stdout.
 *
 * Unlike every other output, the log is written raw, not sanitized: it is the job's own terminal
 * output (colours, `\r` progress bars), as `ssh` or `kubectl logs` would show it, and SkyPilot
 * streams it the same way.
 */
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { CLUSTER_ARGUMENT } from '../parameters';
import { parseNonNegativeInt } from '../parsers';

export interface LogsArgs {
  follow?: boolean;
  tail?: number;
}

async function runLogs(ctx: CliContext, cluster: string, jobId: number | undefined, args: LogsArgs): Promise<number> {
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
  options: [
    { flags: '--no-follow', description: 'print the log so far and exit' },
    { flags: '--tail <lines>', description: 'only the last N lines (0 = all)', parse: parseNonNegativeInt },
  ],
  run: runLogs,
};
