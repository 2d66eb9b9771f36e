/** `sky cost-report [--days N] [--json]` */
import type { CostReportRecord } from '../../api/wireTypes';
import { colorStatus } from '../colors';
import { parseNonNegativeInt, printJson, type RegisterCommand } from '../command';
import type { CliContext } from '../context';
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

export async function runCostReport(ctx: CliContext, args: CostReportArgs): Promise<number> {
  const client = await ctx.client();
  const records = await ctx.spin('Computing costs', () => client.costReport({ days: args.days }));
  if (args.json) printJson(ctx, records);
  else for (const line of formatCostReport(records, { now: ctx.now, color: ctx.color, days: args.days })) ctx.out(line);
  return 0;
}

export const registerCostReport: RegisterCommand = (parent, ctx, done) => {
  parent
    .command('cost-report')
    .description('Show the estimated cost of recent clusters.')
    .option('--days <n>', 'look-back window in days (default 30)', parseNonNegativeInt)
    .option('--json', 'print JSON')
    .action(async (opts: CostReportArgs) => {
      done(await runCostReport(ctx, opts));
    });
};
