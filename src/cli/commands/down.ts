/** `sky down CLUSTER... [-y] [-p]`: asks for confirmation unless `-y`. */
import { createInterface } from 'node:readline/promises';
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { CLUSTERS_ARGUMENT, PURGE_OPTION } from '../parameters';
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

async function runDown(ctx: CliContext, clusters: string[], opts: { yes?: boolean; purge?: boolean }): Promise<number> {
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

export const downCommand: CommandSpec<[string[], { yes?: boolean; purge?: boolean }]> = {
  name: 'down',
  description: 'Tear down clusters (their disks are deleted).',
  arguments: [CLUSTERS_ARGUMENT],
  options: [{ flags: '-y, --yes', description: 'do not ask for confirmation' }, PURGE_OPTION],
  run: runDown,
};
