/**
 * `sky status [-u|--all-users] [-v|--verbose] [-r|--refresh] [--ip] [--endpoints] [--json] [CLUSTER...]`,
 * as upstream's: the caller's own clusters by default; `-u` (or `-a`, this CLI's older spelling) shows
 * every user's, with USER and WORKSPACE columns; `-v` adds each cluster's head IP and hash; `--ip`
 * prints one cluster's head IP and `--endpoints` its exposed ports, alone. Named clusters are looked up
 * whoever owns them, as upstream does.
 */
import type { StatusRecord } from '../../api/wireTypes';
import { colorStatus } from '../colors';
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { ALL_ALIAS_OPTION, JSON_OPTION, YOUR_CLUSTERS_ARGUMENT } from '../parameters';
import { printData } from '../printData';
import { formatRelative } from '../relativeTime';
import { formatTable } from '../table';

export interface StatusFormatOptions {
  now: Date;
  color: boolean;
  allUsers?: boolean;
  verbose?: boolean;
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
  const headers = [
    'NAME',
    ...(options.allUsers ? ['USER', 'WORKSPACE'] : []),
    'INFRA',
    'RESOURCES',
    'STATUS',
    'AUTOSTOP',
    'LAUNCHED',
    ...(options.verbose ? ['HEAD_IP', 'HASH'] : []),
  ];
  const rows = records.map((r) => [
    r.name,
    ...(options.allUsers ? [r.user_name || '-', r.workspace || '-'] : []),
    infraOf(r),
    r.resources_str || '-',
    colorStatus(r.status ?? '-', options.color),
    autostopOf(r),
    formatRelative(r.launched_at, options.now),
    ...(options.verbose ? [r.head_ip || '-', r.cluster_hash || '-'] : []),
  ]);
  return [...lines, ...formatTable(headers, rows)];
}

/** The clusters asked for by name that do not exist: one line after the table. */
function notFound(asked: readonly string[], records: readonly StatusRecord[]): string[] {
  const missing = asked.filter((name) => !records.some((r) => r.name === name));
  return missing.length > 0 ? [`Cluster(s) not found: ${missing.join(', ')}.`] : [];
}

export interface StatusArgs {
  allUsers?: boolean;
  all?: boolean;
  mine?: boolean;
  verbose?: boolean;
  refresh?: boolean;
  ip?: boolean;
  endpoints?: boolean;
  json?: boolean;
}

/** `--ip` / `--endpoints`: one cluster, named (upstream's rule), whose one answer is printed alone. */
async function runSingle(ctx: CliContext, clusters: string[], args: StatusArgs): Promise<number> {
  const flag = args.ip ? '--ip' : '--endpoints';
  if (clusters.length !== 1) throw new UsageError(`${flag} needs exactly one cluster name.`);
  const client = await ctx.client();
  const [record] = await ctx.spin('Checking cluster status', () => client.status({ clusterNames: clusters, allUsers: true }));
  if (!record) {
    ctx.err(`Cluster '${clusters[0]}' not found.`);
    return 1;
  }
  if (record.status !== 'UP') {
    ctx.err(`Cluster '${record.name}' is not UP (status: ${record.status}).`);
    return 1;
  }
  if (args.ip) {
    if (!record.head_ip) {
      ctx.err(`Cluster '${record.name}' has no head IP.`);
      return 1;
    }
    return printData(ctx, args.json, { head_ip: record.head_ip }, (v) => [v.head_ip]);
  }
  const ports = await client.endpoints(record.name);
  return printData(ctx, args.json, ports, (p) =>
    Object.keys(p).length
      ? Object.entries(p).map(([port, url]) => `${port}: ${url}`)
      : [`No endpoints exposed for cluster ${record.name}.`],
  );
}

async function runStatus(ctx: CliContext, clusters: string[], args: StatusArgs): Promise<number> {
  if (args.ip || args.endpoints) return runSingle(ctx, clusters, args);
  const allUsers = (args.allUsers || args.all) === true;
  const client = await ctx.client();
  const records = await ctx.spin('Checking cluster status', () =>
    // Named clusters are found whoever owns them; otherwise only the caller's unless -u.
    client.status({ clusterNames: clusters, allUsers: allUsers || clusters.length > 0, refresh: args.refresh }),
  );
  const options = { now: ctx.now, color: ctx.color, allUsers, verbose: args.verbose };
  return printData(ctx, args.json, records, (rs) => [...formatStatus(rs, options), ...notFound(clusters, rs)]);
}

export const statusCommand: CommandSpec<[string[], StatusArgs]> = {
  name: 'status',
  description: 'Show clusters.',
  arguments: [YOUR_CLUSTERS_ARGUMENT],
  options: [
    { flags: '-u, --all-users', description: "show all users' clusters, with their user and workspace" },
    ALL_ALIAS_OPTION,
    { flags: '-m, --mine', description: 'show only your own clusters (the default)' },
    { flags: '-v, --verbose', description: "show all information in full (each cluster's head IP and hash)" },
    { flags: '-r, --refresh', description: 'query the clouds for the latest status' },
    { flags: '--ip', description: "print the head node's IP of one cluster" },
    { flags: '--endpoints', description: 'print the exposed endpoints of one cluster' },
    JSON_OPTION,
  ],
  run: runStatus,
};
