/**
 * Starting the server: configuration, the stores, the app, listening, and stopping cleanly.
 *
 * Order matters for replicas: the port is bound before this process claims anything in the shared
 * request store, so a second server that cannot bind exits without touching the first's requests;
 * only then does it fail its own leftovers from before a restart (see requestJanitor.ts).
 */
import type { Server } from 'node:http';
import { createApp } from './app';
import type { Metrics } from './observability/metrics';
import { RequestJanitor } from './requests/requestJanitor';
import {
  DEFAULT_DURABLE_RETENTION_SECONDS,
  DEFAULT_MAX_DB_BYTES,
  DEFAULT_READ_RETENTION_SECONDS,
  RequestStore,
} from './requests/requestStore';
import { ConfigError, parseServerConfig, type ServerConfig } from './serverConfig';
import { globalUserState } from './state/globalUserState';

export { DEFAULT_PORT } from './serverConfig';

/** After the drain, how long answers still being written (results of finished requests) may take. */
const ANSWERS_GRACE_MS = 2000;

export interface RunningServer {
  server: Server;
  config: ServerConfig;
  /** Stops accepting, lets live requests finish (up to `graceMs`), closes the stores. */
  stop(graceMs?: number): Promise<void>;
}

function listen(server: Server, config: ServerConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new ConfigError(
          error.code === 'EADDRINUSE'
            ? `port ${config.port} on ${config.host} is already in use`
            : `cannot listen on ${config.host}:${config.port} (${error.message})`,
        ),
      );
    };
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  // Both stores open at once: start-up is a cost every restart and every new replica pays.
  const [state, opened] = await Promise.allSettled([
    globalUserState.init({ target: config.state }),
    RequestStore.open({ target: config.requests, replicaId: config.replicaId }),
  ]);
  if (state.status === 'rejected' || opened.status === 'rejected') {
    if (opened.status === 'fulfilled') await opened.value.close();
    await globalUserState.close();
    throw state.status === 'rejected' ? state.reason : (opened as PromiseRejectedResult).reason;
  }
  const requests = opened.value;
  // Loaded only when asked for: prom-client and pino cost start-up time nobody else should pay.
  const metrics: Metrics | null = config.metrics
    ? new (await import('./observability/metrics')).Metrics({
        queues: () => app.context.executor.load(),
        liveRequests: () => requests.liveCount(),
        memoryTier: () => ({ entries: requests.memory.size, bytes: requests.memory.totalBytes }),
      })
    : null;
  const app = createApp({
    requests,
    metrics,
    accessLog: config.accessLog ? (await import('./observability/accessLog')).createAccessLog(true) : null,
    authUserHeader: config.authUserHeader,
    cors: config.cors,
    trustProxy: config.trustProxy,
    rateLimit: config.rateLimit,
    dashboard: config.dashboardDir ? { builtDir: '', officialDir: config.dashboardDir } : undefined,
  });
  const server = app.listen(config.port, config.host);
  try {
    await listen(server, config);
  } catch (error) {
    await requests.close();
    await globalUserState.close();
    throw error;
  }
  const metricsServer = config.metrics ? metrics!.serve(config.metrics.port, config.metrics.host) : null;
  const janitor = new RequestJanitor(requests, {
    durableRetentionSeconds: DEFAULT_DURABLE_RETENTION_SECONDS,
    readRetentionSeconds: DEFAULT_READ_RETENTION_SECONDS,
    maxDbBytes: DEFAULT_MAX_DB_BYTES,
    leaseSeconds: config.leaseSeconds,
    log: (line) => console.log(line),
  });
  const interrupted = await janitor.start();
  if (interrupted) console.log(`[skypilot-ts] marked ${interrupted} interrupted request(s) as FAILED`);

  let stopping: Promise<void> | null = null;
  const stop = (graceMs = 10_000) =>
    (stopping ??= (async () => {
      // No new connection; a new request on a kept-alive one is answered 503 (app.startDraining).
      app.startDraining();
      server.close();
      server.closeIdleConnections();
      await app.context.executor.drain(graceMs);
      // The requests are done; their waiting /api/get answers are being written: let them go out.
      await app.settled(ANSWERS_GRACE_MS);
      server.closeAllConnections();
      metricsServer?.close();
      await janitor.stop();
      await requests.close();
      await globalUserState.close();
    })());
  return { server, config, stop };
}

export async function runServer(argv: string[]): Promise<void> {
  let running: RunningServer;
  try {
    running = await startServer(parseServerConfig(argv));
  } catch (error) {
    console.error(`skypilot-ts: error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  const address = running.server.address();
  const port = typeof address === 'object' && address ? address.port : running.config.port;
  console.log(`[skypilot-ts] SkyPilot API server listening on http://${running.config.host}:${port}`);
  const shutdown = () => {
    void running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
