/**
 * While a call runs, another client keeps asking `/api/health`: the slowest answer it got is how long
 * the call held the event loop (or the server) for everyone else. Shared by the scale bench and the
 * stall tests.
 */
import http from 'node:http';

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
