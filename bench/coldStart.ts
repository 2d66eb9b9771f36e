/**
 * Cold start, spawn to the first 200 on `/api/health`, as the median of several fresh starts. One
 * start is too noisy to quote (seen here: 422 ms in one run, 2662 ms in the next, for the same
 * build): the first process after a build or a busy spell pays for the page cache. The nightly's and
 * the demo's starts are interleaved so noise hits both alike.
 */
import { percentile } from './roundTrip';
import { demoAvailable, startServer } from './variants';

export interface ColdStarts {
  label: string;
  ms: number[];
}

export async function measureColdStarts(tmp: string, starts = 5): Promise<ColdStarts[]> {
  const kinds = [{ label: 'nightly', demo: false }, ...(demoAvailable() ? [{ label: 'demo', demo: true }] : [])];
  const results = kinds.map((k) => ({ label: k.label, ms: [] as number[] }));
  for (let i = 0; i < starts; i++) {
    for (const [k, kind] of kinds.entries()) {
      const { child } = await startServer({ tmp, label: `cold-${kind.label}-${i}`, demo: kind.demo, seed: false });
      results[k].ms.push(child.coldStartMs);
      await child.stop();
    }
  }
  return results;
}

export function describeColdStarts(results: ColdStarts[]): string {
  return results.map((r) => `${r.label} median ${percentile(r.ms, 50).toFixed(0)} ms, max ${Math.max(...r.ms).toFixed(0)} ms`).join('; ');
}

export const medianMs = (r: ColdStarts | undefined): string => (r ? percentile(r.ms, 50).toFixed(0) : '-');
