/**
 * `sky status [-a|--all-users] [-m|--mine] [-r|--refresh] [--json] [CLUSTER...]`
 *
 * Lists every user's clusters by default, as the API's `/status` does (`all_users` defaults to true
 * there); `--mine` narrows to the caller's. `-a` adds the USER and WORKSPACE columns.
 */
import type { StatusRecord } from '../../api/wireTypes';
import { colorStatus } from '../colors';
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { JSON_OPTION } from '../parameters';
import { printData } from '../printData';
import { formatRelative } from '../relativeTime';
import { formatTable } from '../table';

export interface StatusFormatOptions {
  now: Date;
  color: boolean;
  allUsers?: boolean;
}

/** `Kubernetes (lambda-ctx)`, `AWS (us-east-1)`, or the cloud alone when there is no region. */
export function infraOf(record: Pick<StatusRecord, 'cloud' | 'region'>): string {
  const cloud = record.cloud || '-';
  return record.region ? `${cloud} (${record.region})` : cloud;
}

/** `-` when off (negative), `30m`, or `30m (down)` when autostop tears the cluster down. */
export function autostopOf(record: Pick<StatusRecord, 'autostop' | 'to_down'>): string {
  if (record.autostop === undefined || record.autostop === null || record.autostop < 0) return '-';
  return `${record.autostop}m${record.to_down ? ' (down)' : ''}`;
}

export function formatStatus(records: readonly StatusRecord[], options: StatusFormatOptions): string[] {
  const lines = ['Clusters'];
  if (records.length === 0) return [...lines, 'No existing clusters.'];
  const headers = options.allUsers
    ? ['NAME', 'USER', 'WORKSPACE', 'INFRA', 'RESOURCES', 'STATUS', 'AUTOSTOP', 'LAUNCHED']
    : ['NAME', 'INFRA', 'RESOURCES', 'STATUS', 'AUTOSTOP', 'LAUNCHED'];
  const rows = records.map((r) => {
    const common = [
      infraOf(r),
      r.resources_str || '-',
      colorStatus(r.status ?? '-', options.color),
      autostopOf(r),
      formatRelative(r.launched_at, options.now),
    ];
    return options.allUsers ? [r.name, r.user_name || '-', r.workspace || '-', ...common] : [r.name, ...common];
  });
  return [...lines, ...formatTable(headers, rows)];
}

/** The clusters asked for by name that do not exist: one line after the table. */
function notFound(asked: readonly string[], records: readonly StatusRecord[]): string[] {
  const missing = asked.filter((name) => !records.some((r) => r.name === name));
  return missing.length > 0 ? [`Cluster(s) not found: ${missing.join(', ')}.`] : [];
}

export interface StatusArgs {
  allUsers?: boolean;
  mine?: boolean;
  refresh?: boolean;
  json?: boolean;
}

async function runStatus(ctx: CliContext, clusters: string[], args: StatusArgs): Promise<number> {
  const client = await ctx.client();
  const records = await ctx.spin('Checking cluster status', () =>
    client.status({ clusterNames: clusters, allUsers: !args.mine, refresh: args.refresh }),
  );
  const options = { now: ctx.now, color: ctx.color, allUsers: args.allUsers };
  return printData(ctx, args.json, records, (rs) => [...formatStatus(rs, options), ...notFound(clusters, rs)]);
}

export const statusCommand: CommandSpec<[string[], StatusArgs]> = {
  name: 'status',
  description: 'Show clusters.',
  arguments: [{ name: '[clusters...]', description: 'cluster names (default: all)' }],
  options: [
    { flags: '-a, --all-users', description: "also show each cluster's user and workspace" },
    { flags: '-m, --mine', description: 'show only your own clusters' },
    { flags: '-r, --refresh', description: 'query the clouds for the latest status' },
    JSON_OPTION,
  ],
  run: runStatus,
};
