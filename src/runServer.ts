/**
 * Starting the server: options, state initialisation, the requests store, the app, and listening.
 * Options: `--host` (127.0.0.1), `--port` (46580), `--db-path` (else `SKYPILOT_STATE_DB`, else
 * `~/.sky/state.db`), `--requests-db` (else `SKYPILOT_REQUESTS_DB`, else
 * `~/.sky/api_server/requests.db`). `SKYPILOT_DASHBOARD_DIR` serves an official dashboard export.
 */
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from './app';
import { appExtensions } from './appExtensions';
import { RequestStore } from './requests/requestStore';
import { globalUserState } from './state/globalUserState';
import { managedJobsState } from './state/managedJobsState';

export const DEFAULT_PORT = 46580;
const RETENTION_SECONDS = 24 * 3600;

export interface ServerOptions {
  host: string;
  port: number;
  dbPath?: string;
  requestsDb: string;
}

export function parseServerArgs(argv: string[]): ServerOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: process.env.SKYPILOT_HOST ?? '127.0.0.1' },
      port: { type: 'string', default: process.env.SKYPILOT_PORT ?? String(DEFAULT_PORT) },
      'db-path': { type: 'string' },
      'requests-db': { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  }
  return {
    host: values.host!,
    port,
    dbPath: values['db-path'],
    requestsDb: values['requests-db'] ?? process.env.SKYPILOT_REQUESTS_DB
      ?? path.join(os.homedir(), '.sky', 'api_server', 'requests.db'),
  };
}

export async function startServer(options: ServerOptions): Promise<Server> {
  await globalUserState.init({ dbPath: options.dbPath });
  await managedJobsState.init({ dbPath: options.dbPath });
  const requests = new RequestStore(options.requestsDb);
  const interrupted = requests.failInterrupted();
  if (interrupted) console.log(`[skypilot-ts] marked ${interrupted} interrupted request(s) as FAILED`);
  requests.pruneFinished(RETENTION_SECONDS);
  setInterval(() => requests.pruneFinished(RETENTION_SECONDS), 3600_000).unref();

  const app = createApp({
    requests,
    authUserHeader: process.env.SKYPILOT_AUTH_USER_HEADER ?? null,
    dashboard: process.env.SKYPILOT_DASHBOARD_DIR
      ? { builtDir: '', officialDir: process.env.SKYPILOT_DASHBOARD_DIR } : undefined,
  });
  const server = app.listen(options.port, options.host);
  for (const hook of appExtensions.serverHooks) hook(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const shutdown = () => server.close(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return server;
}

export async function runServer(argv: string[]): Promise<void> {
  try {
    const options = parseServerArgs(argv);
    const server = await startServer(options);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    console.log(`[skypilot-ts] SkyPilot API server listening on http://${options.host}:${port}`);
  } catch (error) {
    console.error(`skypilot-ts: error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
