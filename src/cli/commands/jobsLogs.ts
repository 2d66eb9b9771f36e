/**
 * `sky jobs logs [JOB_ID] [-f|--follow] [--no-follow] [--controller] [--tail N]`: a managed job's log
 * (the latest job's by default), or with `--controller` the jobs controller's log of it, as upstream.
 * Written raw, like `sky logs`: it is the job's own output.
 */
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { parseNonNegativeInt } from '../parsers';
import { FOLLOW_OPTIONS, TAIL_OPTION } from '../parameters';

export interface JobsLogsArgs {
  follow?: boolean;
  controller?: boolean;
  tail?: number;
}

async function runJobsLogs(ctx: CliContext, jobId: number | undefined, args: JobsLogsArgs): Promise<number> {
  const client = await ctx.client();
  const stream = client.jobsLogs(jobId ?? null, {
    follow: args.follow ?? true,
    controller: args.controller === true,
    tail: args.tail ?? 0,
  });
  for await (const chunk of stream) ctx.io.stdout.write(chunk);
  return 0;
}

export const jobsLogsCommand: CommandSpec<[number | undefined, JobsLogsArgs]> = {
  name: 'logs',
  description: "Stream a managed job's log (the latest job by default).",
  arguments: [{ name: '[job_id]', description: 'managed job id', parse: parseNonNegativeInt }],
  options: [
    ...FOLLOW_OPTIONS,
    { flags: '--controller', description: "the jobs controller's log of the job instead of the job's own" },
    TAIL_OPTION,
  ],
  run: runJobsLogs,
};
