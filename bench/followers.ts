/**
 * Log followers for the soak: clients that keep `POST /logs {follow: true}` open on a running job,
 * as `sky logs -f` and the dashboards' log views do, and open a new one whenever the server ends a
 * follow (at its maximum length, or when the job finishes). Issue 17 asks that RSS stay flat over a
 * soak with followers connected: a follow that leaks its timer, its buffer or its slot shows here as
 * memory that climbs with every reconnect.
 */

export interface FollowerStats {
  /** Follows open right now. */
  open: number;
  /** Follows opened since the start (reconnects included). */
  opened: number;
  /** Log bytes received over all follows. */
  bytes: number;
  /** Follows the server refused or that failed (429 past the per-client cap, resets). */
  refused: number;
}

export interface Followers {
  stats: FollowerStats;
  stop(): Promise<void>;
}

export function startFollowers(url: string, count: number, clusterName: string): Followers {
  const stats: FollowerStats = { open: 0, opened: 0, bytes: 0, refused: 0 };
  const abort = new AbortController();
  let stopped = false;

  async function follow(): Promise<void> {
    while (!stopped) {
      try {
        const res = await fetch(`${url}/logs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ cluster_name: clusterName, follow: true, tail: 0 }),
          signal: abort.signal,
        });
        if (res.status !== 200 || !res.body) {
          stats.refused++;
          await res.body?.cancel();
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        stats.open++;
        stats.opened++;
        try {
          const reader = res.body.getReader();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            stats.bytes += value.byteLength;
          }
        } finally {
          stats.open--;
        }
      } catch {
        if (stopped) return;
        stats.refused++;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  const loops = Array.from({ length: count }, () => follow());
  return {
    stats,
    async stop() {
      stopped = true;
      abort.abort();
      await Promise.allSettled(loops);
    },
  };
}
