/**
 * Starting the server from its checked configuration: the stores, the app, listening, and stopping
 * cleanly. Loaded by runServer.ts only once the configuration has parsed: this file's imports are
 * the whole app, which a start refused for a bad setting should not pay for.
 *
 * Order matters for replicas: the port is bound before this process claims anything in the shared
 * request store, so a second server that cannot bind exits without touching the first's requests;
 * only then does it fail its own leftovers from before a restart (see requestJanitor.ts).
 */
import type { Server } from 'node:http';
import net from 'node:net';
import { createApp } from './app';
import type { Metrics } from './observability/metrics';
import { RequestJanitor } from './requests/requestJanitor';
import { REQUESTS_OWNERSHIP } from './requests/requestsMigrations';
import {
  DEFAULT_DURABLE_RETENTION_SECONDS,
  DEFAULT_MAX_DB_BYTES,
  DEFAULT_READ_RETENTION_SECONDS,
  RequestStore,
} from './requests/requestStore';
import { ConfigError, type ServerConfig } from './serverConfig';
import { globalUserState } from './state/globalUserState';
import { requestEffects } from './state/requestEffects';
import { stateStore } from './state/stateStore';

/** After the drain, how long answers still being written (results of finished requests) may take. */
const ANSWERS_GRACE_MS = 2000;
/** How long idle kept-alive connections are left open in a drain, for a request racing the signal. */
const IDLE_GRACE_MS = 1000;

/** Resolves once `server` has no open connection, or after `timeoutMs`. */
async function connectionsClosed(server: Server, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<number>((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
    if (!open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface RunningServer {
  server: Server;
  /** Prometheus metrics on their own port (`SKYPILOT_METRICS_PORT`), when asked for. */
  metricsServer: Server | null;
  config: ServerConfig;
  /** Stops accepting, lets live requests finish (up to `graceMs`), closes the stores. */
  stop(graceMs?: number): Promise<void>;
}

/** `what`: which listener, in the message ("" for the API itself, "SKYPILOT_METRICS_PORT: "). */
function listen(server: Server, host: string, port: number, what = ''): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new ConfigError(
          error.code === 'EADDRINUSE'
            ? `${what}port ${port} on ${host} is already in use`
            : `${what}cannot listen on ${host}:${port} (${error.message})`,
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
    globalUserState.init({ target: config.state, sharesWith: [REQUESTS_OWNERSHIP] }),
    RequestStore.open({ target: config.requests, replicaId: config.replicaId }),
  ]);
  if (state.status === 'rejected' || opened.status === 'rejected') {
    if (opened.status === 'fulfilled') await opened.value.close();
    await globalUserState.close();
    throw state.status === 'rejected' ? state.reason : (opened as PromiseRejectedResult).reason;
  }
  const requests = opened.value;
  // What a request interrupted by a crash did is read from the state, where it was recorded with the
  // change; a state that opened no store (the demo's fake world) records nothing, and is not asked.
  if (stateStore.openedTarget() !== null) requests.effects = requestEffects;
  // Loaded only when asked for: prom-client and pino cost start-up time nobody else should pay.
  const metrics: Metrics | null = config.metrics
    ? new (await import('./observability/metrics')).Metrics({
        queues: () => app.context.executor.load(),
        liveRequests: () => requests.liveCount(),
        memoryTier: () => ({ entries: requests.memory.size, bytes: requests.memory.totalBytes }),
        waitsWokenBy: () => requests.waitsWokenBy,
      })
    : null;
  const app = createApp({
    requests,
    metrics,
    accessLog: config.accessLog ? (await import('./observability/accessLog')).createAccessLog(true) : null,
    authUserHeader: config.authUserHeader,
    serviceAccounts: config.serviceAccounts,
    cors: config.cors,
    trustProxy: config.trustProxy,
    rateLimit: config.rateLimit,
    dashboard: config.dashboardDir ? { builtDir: '', officialDir: config.dashboardDir } : undefined,
  });
  const server = app.listen(config.port, config.host);
  let metricsServer: Server | null = null;
  try {
    await listen(server, config.host, config.port);
    // Before this replica claims anything in the shared store, like the API port.
    if (config.metrics) {
      metricsServer = metrics!.serve(config.metrics.port, config.metrics.host);
      await listen(metricsServer, config.metrics.host, config.metrics.port, 'SKYPILOT_METRICS_PORT: ');
    }
  } catch (error) {
    server.close();
    metricsServer?.close();
    await requests.close();
    await globalUserState.close();
    throw error;
  }
  const janitor = new RequestJanitor(requests, {
    durableRetentionSeconds: DEFAULT_DURABLE_RETENTION_SECONDS,
    readRetentionSeconds: DEFAULT_READ_RETENTION_SECONDS,
    maxDbBytes: DEFAULT_MAX_DB_BYTES,
    leaseSeconds: config.leaseSeconds,
    log: (line) => console.log(line),
  });
  const interrupted = await janitor.start();
  if (interrupted)
    console.log(`[skypilot-ts] marked ${interrupted} interrupted request(s) as FAILED, or SUCCEEDED where their change had committed`);

  let stopping: Promise<void> | null = null;
  const stop = (graceMs = 10_000) =>
    (stopping ??= (async () => {
      // No new connection; a new request on a kept-alive one is answered 503 (app.startDraining).
      app.startDraining();
      // Stops listening without closing idle kept-alive connections (http.Server.close would): a
      // client or balancer about to reuse one gets the typed 503 to retry elsewhere, not a reset.
      net.Server.prototype.close.call(server);
      await app.context.executor.drain(graceMs);
      // The requests are done; their waiting /api/get answers are being written: let them go out.
      await app.settled(ANSWERS_GRACE_MS);
      await connectionsClosed(server, IDLE_GRACE_MS);
      server.closeAllConnections();
      metricsServer?.close();
      await janitor.stop();
      await requests.close();
      await globalUserState.close();
    })());
  return { server, metricsServer, config, stop };
}
