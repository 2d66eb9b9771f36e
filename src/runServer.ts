/**
 * The server's run: the configuration first, then the server, then serving until a signal.
 *
 * The configuration is checked before the rest of the server is loaded: this file imports only
 * serverConfig.ts (whose parsers stay free of express, kysely and the drivers), and startServer.ts,
 * which imports the whole app, is required only once the settings are good. A start refused for a
 * bad setting then costs a few hundredths of a second, not the app's load (tests/e2e/configFailsFast.test.ts).
 */
import type { Server } from 'node:http';
import { parseServerConfig, type ServerConfig } from './serverConfig';
import type { RunningServer } from './startServer';

function urlOf(server: Server, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Why the server cannot start, from a bad setting to a database of another program: one line and exit 2. */
function fail(error: unknown): never {
  console.error(`skypilot-ts: error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}

export async function runServer(argv: string[]): Promise<void> {
  let config: ServerConfig;
  try {
    config = parseServerConfig(argv);
  } catch (error) {
    fail(error);
  }
  // Outside the catch, as when it was a static import: a module that cannot load is a broken
  // install, reported with its stack, not a bad setting.
  const { startServer } = await import('./startServer');
  let running: RunningServer;
  try {
    // Errors found while starting (a port in use, a database of another program) are one line too.
    running = await startServer(config);
  } catch (error) {
    fail(error);
  }
  // Ready for a stop before saying it listens: a supervisor may signal on that line.
  const shutdown = () => {
    void running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  const address = running.server.address();
  const port = typeof address === 'object' && address ? address.port : running.config.port;
  console.log(`[skypilot-ts] SkyPilot API server listening on http://${running.config.host}:${port}`);
  // The real port, as for the API: SKYPILOT_METRICS_PORT=0 picks one, which a scraper must learn.
  if (running.metricsServer && running.config.metrics) {
    console.log(`[skypilot-ts] Prometheus metrics at ${urlOf(running.metricsServer, running.config.metrics.host)}/metrics`);
  }
}
