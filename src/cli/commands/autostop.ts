/** `sky autostop [-i MINUTES | --cancel] [--down] CLUSTER...` */
import { parseInteger, type RegisterCommand } from '../command';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { forEachCluster } from '../perCluster';

/** SkyPilot's default when neither `-i` nor `--cancel` is given. */
export const DEFAULT_IDLE_MINUTES = 5;

export interface AutostopArgs {
  idleMinutes?: number;
  cancel?: boolean;
  down?: boolean;
}

export async function runAutostop(ctx: CliContext, clusters: string[], args: AutostopArgs): Promise<number> {
  if (args.cancel && args.idleMinutes !== undefined) throw new UsageError('Use either -i/--idle-minutes or --cancel, not both.');
  const minutes = args.cancel ? -1 : (args.idleMinutes ?? DEFAULT_IDLE_MINUTES);
  const down = Boolean(args.down) && minutes >= 0;
  const client = await ctx.client();
  const progress =
    minutes < 0 ? (c: string) => `Cancelling autostop for cluster '${c}'` : (c: string) => `Scheduling autostop for cluster '${c}'`;
  return forEachCluster(ctx, clusters, progress, (c) => client.autostop(c, minutes, down));
}

export const registerAutostop: RegisterCommand = (parent, ctx, done) => {
  parent
    .command('autostop')
    .description('Stop (or tear down) clusters after they have been idle.')
    .argument('<clusters...>', 'cluster names')
    .option(
      '-i, --idle-minutes <minutes>',
      `idle minutes before autostop (default ${DEFAULT_IDLE_MINUTES}; negative cancels)`,
      parseInteger,
    )
    .option('--cancel', 'cancel autostop')
    .option('--down', 'tear down instead of stopping')
    .option('-y, --yes', 'do not ask for confirmation (accepted for compatibility)')
    .action(async (clusters: string[], opts: AutostopArgs) => {
      done(await runAutostop(ctx, clusters, opts));
    });
};
