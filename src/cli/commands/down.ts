/** `sky down CLUSTER... [-y] [-p]`: asks for confirmation unless `-y`. */
import { createInterface } from 'node:readline/promises';
import type { RegisterCommand } from '../command';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { forEachCluster } from '../perCluster';

async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  if (ctx.io.confirm) return ctx.io.confirm(question);
  if (!process.stdin.isTTY || ctx.io.stdout !== process.stdout) {
    throw new UsageError('Refusing to terminate without confirmation: pass -y to skip the prompt.');
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = (await rl.question(`${question} [Y/n]: `)).trim().toLowerCase();
    return answer === '' || answer === 'y' || answer === 'yes';
  } finally {
    rl.close();
  }
}

export async function runDown(ctx: CliContext, clusters: string[], opts: { yes?: boolean; purge?: boolean }): Promise<number> {
  if (!opts.yes) {
    const plural = clusters.length === 1 ? 'cluster' : 'clusters';
    if (!(await confirm(ctx, `Terminating ${plural}: ${clusters.join(', ')}. Proceed?`))) {
      ctx.err('sky: Aborted.');
      return 1;
    }
  }
  const client = await ctx.client();
  return forEachCluster(
    ctx,
    clusters,
    (c) => `Terminating cluster '${c}'`,
    (c) => client.down(c, { purge: opts.purge }),
  );
}

export const registerDown: RegisterCommand = (parent, ctx, done) => {
  parent
    .command('down')
    .description('Tear down clusters (their disks are deleted).')
    .argument('<clusters...>', 'cluster names')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('-p, --purge', 'remove the cluster record even if the cloud call fails')
    .action(async (clusters: string[], opts: { yes?: boolean; purge?: boolean }) => {
      done(await runDown(ctx, clusters, opts));
    });
};
