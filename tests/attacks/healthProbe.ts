/**
 * While an attack runs, another client keeps asking `/api/health`: the slowest answer it got is how
 * long the attack held the event loop (or the server) for everyone else.
 */
import http from 'node:http';

/**
 * The slowest health answer allowed while an attack runs. The stalls these tests guard against last
 * seconds (a backtracking pattern, a 5 s busy timeout, an unbounded query); this shared 2-core
 * machine, running the rest of the suite, sometimes adds a hundred milliseconds or more on its own.
 */
export const HEALTH_LIMIT_MS = 500;

export interface HealthProbe {
  stop(): Promise<{ maxMs: number; count: number }>;
}

export function probeHealth(port: number, intervalMs = 10): HealthProbe {
  let running = true;
  let maxMs = 0;
  let count = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      http
        .get({ host: '127.0.0.1', port, path: '/api/health', agent }, (res) => {
          res.resume();
          res.on('end', () => {
            maxMs = Math.max(maxMs, performance.now() - started);
            count++;
            resolve();
          });
        })
        .on('error', () => resolve());
    });
  const loop = (async () => {
    while (running) {
      await once();
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return { maxMs, count };
    },
  };
}

/** Resolves with the result and the milliseconds it took. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}
