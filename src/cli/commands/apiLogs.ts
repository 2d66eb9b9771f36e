/**
 * `sky api logs REQUEST_ID [--tail N] [--follow/--no-follow]`, as upstream's: the request's log
 * (`GET /api/stream`), followed until it finishes by default; the id may be a prefix of one
 * request's id. A request that failed prints its log, then its error (exit 1). Upstream's
 * `--server-logs` and `--log-path` read the server machine's files, which this server does not
 * serve. Like `sky logs`, the log is written as it is (it is the request's own output).
 */
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { FOLLOW_OPTIONS, TAIL_OPTION } from '../parameters';

export interface ApiLogsArgs {
  follow?: boolean;
  tail?: number;
}

async function runApiLogs(ctx: CliContext, requestId: string | undefined, args: ApiLogsArgs): Promise<number> {
  if (!requestId) throw new UsageError('Please provide the request ID.');
  const client = await ctx.client();
  for await (const chunk of client.requestLog(requestId, { follow: args.follow ?? true, tail: args.tail })) {
    ctx.io.stdout.write(chunk);
  }
  return 0;
}

export const apiLogsCommand: CommandSpec<[string | undefined, ApiLogsArgs]> = {
  name: 'logs',
  description: 'Stream the log of a request on the API server.',
  arguments: [{ name: '[request_id]', description: 'request id, or a prefix of one' }],
  options: [...FOLLOW_OPTIONS, TAIL_OPTION],
  run: runApiLogs,
};
