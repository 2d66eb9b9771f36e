/** `sky stop CLUSTER... [-y]` */
import type { RegisterCommand } from '../command';
import type { CliContext } from '../context';
import { forEachCluster } from '../perCluster';

export async function runStop(ctx: CliContext, clusters: string[], purge = false): Promise<number> {
  const client = await ctx.client();
  return forEachCluster(
    ctx,
    clusters,
    (c) => `Stopping cluster '${c}'`,
    (c) => client.stop(c, { purge }),
  );
}

export const registerStop: RegisterCommand = (parent, ctx, done) => {
  parent
    .command('stop')
    .description('Stop clusters (their disks are kept).')
    .argument('<clusters...>', 'cluster names')
    .option('-y, --yes', 'do not ask for confirmation (accepted for compatibility)')
    .option('-p, --purge', 'remove the cluster record even if the cloud call fails')
    .action(async (clusters: string[], opts: { purge?: boolean }) => {
      done(await runStop(ctx, clusters, opts.purge));
    });
};
