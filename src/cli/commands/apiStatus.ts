/** `sky api status [-a] [--json]`: requests on the API server (unfinished ones by default). */
import type { ApiRequestSummary } from '../../client/types';
import { colorStatus } from '../colors';
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { JSON_OPTION } from '../parameters';
import { printData } from '../printData';
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

async function runApiStatus(ctx: CliContext, opts: { all?: boolean; json?: boolean }): Promise<number> {
  const client = await ctx.client();
  const requests = await client.apiStatus({ allStatus: opts.all });
  return printData(ctx, opts.json, requests, (rs) => formatApiStatus(rs, ctx.now, ctx.color));
}

export const apiStatusCommand: CommandSpec<[{ all?: boolean; json?: boolean }]> = {
  name: 'status',
  description: 'Show the requests on the API server.',
  options: [{ flags: '-a, --all', description: 'include finished requests' }, JSON_OPTION],
  run: runApiStatus,
};
