/** `sky api status [-a] [--json]`: requests on the API server (unfinished ones by default). */
import type { ApiRequestSummary } from '../../client/types';
import { colorStatus } from '../colors';
import { printJson, type RegisterCommand } from '../command';
import type { CliContext } from '../context';
import { formatRelative } from '../relativeTime';
import { formatTable } from '../table';

export function formatApiStatus(requests: readonly ApiRequestSummary[], now: Date, color: boolean): string[] {
  if (requests.length === 0) return ['No unfinished requests.'];
  const rows = requests.map((r) => [
    r.request_id,
    r.user_name || r.user_id || '-',
    r.name,
    formatRelative(r.created_at, now),
    colorStatus(r.status, color),
  ]);
  return formatTable(['ID', 'USER', 'NAME', 'CREATED', 'STATUS'], rows);
}

export async function runApiStatus(ctx: CliContext, args: { all?: boolean; json?: boolean }): Promise<number> {
  const client = await ctx.client();
  const requests = await client.apiStatus({ allStatus: args.all });
  if (args.json) printJson(ctx, requests);
  else for (const line of formatApiStatus(requests, ctx.now, ctx.color)) ctx.out(line);
  return 0;
}

export const registerApiStatus: RegisterCommand = (parent, ctx, done) => {
  parent
    .command('status')
    .description('Show the requests on the API server.')
    .option('-a, --all', 'include finished requests')
    .option('--json', 'print JSON')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      done(await runApiStatus(ctx, opts));
    });
};
