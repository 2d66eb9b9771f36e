/**
 * `sky status [-a|--all-users] [-m|--mine] [-r|--refresh] [--json] [CLUSTER...]`
 *
 * Lists every user's clusters by default, as the API's `/status` does (`all_users` defaults to true
 * there); `--mine` narrows to the caller's. `-a` adds the USER and WORKSPACE columns.
 */
import type { StatusRecord } from '../../api/wireTypes';
import { colorStatus } from '../colors';
import { printJson, type RegisterCommand } from '../command';
import type { CliContext } from '../context';
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

export interface StatusArgs {
  clusters: string[];
  allUsers?: boolean;
  mine?: boolean;
  refresh?: boolean;
  json?: boolean;
}

export async function runStatus(ctx: CliContext, args: StatusArgs): Promise<number> {
  const client = await ctx.client();
  const records = await ctx.spin('Checking cluster status', () =>
    client.status({ clusterNames: args.clusters, allUsers: !args.mine, refresh: args.refresh }),
  );
  if (args.json) {
    printJson(ctx, records);
    return 0;
  }
  for (const line of formatStatus(records, { now: ctx.now, color: ctx.color, allUsers: args.allUsers })) ctx.out(line);
  const missing = args.clusters.filter((name) => !records.some((r) => r.name === name));
  if (missing.length > 0) ctx.out(`Cluster(s) not found: ${missing.join(', ')}.`);
  return 0;
}

export const registerStatus: RegisterCommand = (parent, ctx, done) => {
  parent
    .command('status')
    .description('Show clusters.')
    .argument('[clusters...]', 'cluster names (default: all)')
    .option('-a, --all-users', "also show each cluster's user and workspace")
    .option('-m, --mine', 'show only your own clusters')
    .option('-r, --refresh', 'query the clouds for the latest status')
    .option('--json', 'print JSON')
    .action(async (clusters: string[], opts: { allUsers?: boolean; mine?: boolean; refresh?: boolean; json?: boolean }) => {
      done(await runStatus(ctx, { clusters, ...opts }));
    });
};
