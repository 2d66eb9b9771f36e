/**
 * `sky cost-report [-a|--all] [--days N] [--json]`, as upstream's: the clusters of the last N days
 * (30; `--days 0` sends no window, which the server takes as its default, as upstream's does), the
 * ones still alive first, the first 5 unless `--all`, and the total of the rows shown.
 */
import type { CostReportRecord } from '../../api/wireTypes';
import { colorStatus } from '../colors';
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { JSON_OPTION } from '../parameters';
import { parseNonNegativeInt } from '../parsers';
import { printData } from '../printData';
import { formatDuration, formatRelative } from '../relativeTime';
import { formatTable } from '../table';

export function formatCost(dollars: number | null | undefined): string {
  return typeof dollars === 'number' && Number.isFinite(dollars) ? `$ ${dollars.toFixed(2)}` : '-';
}

/** Rows shown without `--all` (upstream's NUM_COST_REPORT_LINES). */
export const COST_REPORT_LINES = 5;

export interface CostFormatOptions {
  now: Date;
  color: boolean;
  /** The window asked for; null: none (the title then says no days). */
  days: number | null;
  all: boolean;
}

/** Upstream's cost per hour: the estimate is hourly price x nodes x seconds up, so this is exact. */
function hourly(r: CostReportRecord): string {
  return r.duration > 0 && Number.isFinite(r.total_cost) ? formatCost((r.total_cost * 3600) / r.duration) : '-';
}

export function formatCostReport(records: readonly CostReportRecord[], options: CostFormatOptions): string[] {
  const title = options.days === null ? 'Clusters' : `Clusters (last ${options.days} days)`;
  // Alive (a status) before terminated; otherwise the server's order, as upstream's stable sort.
  const sorted = [...records].sort((a, b) => Number(a.status === null) - Number(b.status === null));
  const shown = options.all ? sorted : sorted.slice(0, COST_REPORT_LINES);
  const rows = shown.map((r) => [
    r.name,
    formatRelative(r.launched_at, options.now),
    formatDuration(r.duration),
    r.resources_str || '-',
    colorStatus(r.status ?? 'TERMINATED', options.color),
    hourly(r),
    r.total_cost ? formatCost(r.total_cost) : '-',
  ]);
  const total = shown.reduce((sum, r) => sum + (Number.isFinite(r.total_cost) ? r.total_cost : 0), 0);
  return [
    title,
    ...(records.length === 0
      ? ['No clusters.']
      : formatTable(['NAME', 'LAUNCHED', 'DURATION', 'RESOURCES', 'STATUS', 'COST/hr', 'COST (est.)'], rows)),
    '',
    `Total Cost: $${total.toFixed(2)}`,
  ];
}

export interface CostReportArgs {
  all?: boolean;
  days?: number;
  json?: boolean;
}

async function runCostReport(ctx: CliContext, args: CostReportArgs): Promise<number> {
  const client = await ctx.client();
  const days = (args.days ?? 30) === 0 ? null : (args.days ?? 30);
  const records = await ctx.spin('Computing costs', () => client.costReport(days === null ? {} : { days }));
  return printData(ctx, args.json, records, (rs) => formatCostReport(rs, { now: ctx.now, color: ctx.color, days, all: args.all === true }));
}

export const costReportCommand: CommandSpec<[CostReportArgs]> = {
  name: 'cost-report',
  description: 'Show the estimated cost of recent clusters.',
  options: [
    { flags: '-a, --all', description: 'show every cluster (default: the first 5)' },
    { flags: '--days <n>', description: 'clusters of the last N days (default 30; 0: no window)', parse: parseNonNegativeInt },
    JSON_OPTION,
  ],
  run: runCostReport,
};
