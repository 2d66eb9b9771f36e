/** `sky stop CLUSTER... [-y]` */
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { CLUSTERS_ARGUMENT, PURGE_OPTION, YES_ACCEPTED_OPTION } from '../parameters';
import { forEachCluster } from '../perCluster';

async function runStop(ctx: CliContext, clusters: string[], { purge = false }: { purge?: boolean }): Promise<number> {
  const client = await ctx.client();
  return forEachCluster(
    ctx,
    clusters,
    (c) => `Stopping cluster '${c}'`,
    (c) => client.stop(c, { purge }),
  );
}

export const stopCommand: CommandSpec<[string[], { purge?: boolean }]> = {
  name: 'stop',
  description: 'Stop clusters (their disks are kept).',
  arguments: [CLUSTERS_ARGUMENT],
  options: [YES_ACCEPTED_OPTION, PURGE_OPTION],
  run: runStop,
};
