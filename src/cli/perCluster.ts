/** Runs one write per cluster; one success line or one error line each; exit 1 if any failed. */
import { ApiError } from '../client/apiError';
import type { CliContext } from './context';
import { debugDetails, errorLine } from './errors';

export async function forEachCluster(
  ctx: CliContext,
  clusters: readonly string[],
  progress: (cluster: string) => string,
  work: (cluster: string) => Promise<unknown>,
): Promise<number> {
  let failed = 0;
  for (const cluster of clusters) {
    const message = progress(cluster);
    try {
      await ctx.spin(message, () => work(cluster));
      ctx.out(`${message}...done.`);
    } catch (err) {
      // Only API errors are per-cluster; anything else (bugs, no server at all) aborts the run.
      if (!(err instanceof ApiError) || err.isNetworkError() || err.type === 'VersionMismatch') throw err;
      failed += 1;
      ctx.err(errorLine(err));
      if (ctx.debug) for (const line of debugDetails(err)) ctx.err(line);
    }
  }
  return failed > 0 ? 1 : 0;
}
