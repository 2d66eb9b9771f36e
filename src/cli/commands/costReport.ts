/** `sky cost-report [--days N] [--json]` */
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

export interface CostFormatOptions {
  now: Date;
  color: boolean;
  days?: number;
}

export function formatCostReport(records: readonly CostReportRecord[], options: CostFormatOptions): string[] {
  const title = `Clusters launched in the last ${options.days ?? 30} days`;
  if (records.length === 0) return [title, 'No clusters.'];
  const rows = records.map((r) => [
    r.name,
    formatRelative(r.launched_at, options.now),
    formatDuration(r.duration),
    r.resources_str || '-',
    colorStatus(r.status ?? 'TERMINATED', options.color),
    formatCost(r.total_cost),
  ]);
  const total = records.reduce((sum, r) => sum + (Number.isFinite(r.total_cost) ? r.total_cost : 0), 0);
  return [
    title,
    ...formatTable(['NAME', 'LAUNCHED', 'DURATION', 'RESOURCES', 'STATUS', 'COST'], rows),
    '',
    `Total spend: ${formatCost(total)}`,
  ];
}

export interface CostReportArgs {
  days?: number;
  json?: boolean;
}

async function runCostReport(ctx: CliContext, args: CostReportArgs): Promise<number> {
  const client = await ctx.client();
  const records = await ctx.spin('Computing costs', () => client.costReport({ days: args.days }));
  return printData(ctx, args.json, records, (rs) => formatCostReport(rs, { now: ctx.now, color: ctx.color, days: args.days }));
}

export const costReportCommand: CommandSpec<[CostReportArgs]> = {
  name: 'cost-report',
  description: 'Show the estimated cost of recent clusters.',
  options: [{ flags: '--days <n>', description: 'look-back window in days (default 30)', parse: parseNonNegativeInt }, JSON_OPTION],
  run: runCostReport,
};
