/** `sky start CLUSTER...` */
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { CLUSTERS_ARGUMENT, YES_ACCEPTED_OPTION } from '../parameters';
import { forEachCluster } from '../perCluster';

async function runStart(ctx: CliContext, clusters: string[]): Promise<number> {
  const client = await ctx.client();
  return forEachCluster(
    ctx,
    clusters,
    (c) => `Starting cluster '${c}'`,
    (c) => client.start(c),
  );
}

export const startCommand: CommandSpec<[string[]]> = {
  name: 'start',
  description: 'Restart stopped clusters.',
  arguments: [CLUSTERS_ARGUMENT],
  options: [YES_ACCEPTED_OPTION],
  run: runStart,
};
