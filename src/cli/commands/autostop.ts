/** `sky autostop [-i MINUTES | --cancel] [--down] CLUSTER...` */
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { CLUSTERS_ARGUMENT, YES_ACCEPTED_OPTION } from '../parameters';
import { parseInteger } from '../parsers';
import { forEachCluster } from '../perCluster';

/** SkyPilot's default when neither `-i` nor `--cancel` is given. */
export const DEFAULT_IDLE_MINUTES = 5;

export interface AutostopArgs {
  idleMinutes?: number;
  cancel?: boolean;
  down?: boolean;
}

async function runAutostop(ctx: CliContext, clusters: string[], args: AutostopArgs): Promise<number> {
  if (args.cancel && args.idleMinutes !== undefined) throw new UsageError('Use either -i/--idle-minutes or --cancel, not both.');
  const minutes = args.cancel ? -1 : (args.idleMinutes ?? DEFAULT_IDLE_MINUTES);
  const down = Boolean(args.down) && minutes >= 0;
  const client = await ctx.client();
  const progress =
    minutes < 0 ? (c: string) => `Cancelling autostop for cluster '${c}'` : (c: string) => `Scheduling autostop for cluster '${c}'`;
  return forEachCluster(ctx, clusters, progress, (c) => client.autostop(c, minutes, down));
}

export const autostopCommand: CommandSpec<[string[], AutostopArgs]> = {
  name: 'autostop',
  description: 'Stop (or tear down) clusters after they have been idle.',
  arguments: [CLUSTERS_ARGUMENT],
  options: [
    {
      flags: '-i, --idle-minutes <minutes>',
      description: `idle minutes before autostop (default ${DEFAULT_IDLE_MINUTES}; negative cancels)`,
      parse: parseInteger,
    },
    { flags: '--cancel', description: 'cancel autostop' },
    { flags: '--down', description: 'tear down instead of stopping' },
    YES_ACCEPTED_OPTION,
  ],
  run: runAutostop,
};
