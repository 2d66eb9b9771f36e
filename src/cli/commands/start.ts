/** `sky start CLUSTER...` */
import type { RegisterCommand } from '../command';
import type { CliContext } from '../context';
import { forEachCluster } from '../perCluster';

export async function runStart(ctx: CliContext, clusters: string[]): Promise<number> {
  const client = await ctx.client();
  return forEachCluster(
    ctx,
    clusters,
    (c) => `Starting cluster '${c}'`,
    (c) => client.start(c),
  );
}

export const registerStart: RegisterCommand = (parent, ctx, done) => {
  parent
    .command('start')
    .description('Restart stopped clusters.')
    .argument('<clusters...>', 'cluster names')
    .option('-y, --yes', 'do not ask for confirmation (accepted for compatibility)')
    .action(async (clusters: string[]) => {
      done(await runStart(ctx, clusters));
    });
};
