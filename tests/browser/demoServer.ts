/**
 * A demo server for browser tests: the read-only demo (fake world from src/demo/fixtures) with the
 * built dashboard from dist/dashboard, listening on 127.0.0.1 on a free port.
 *
 * `installDemo` runs before `createApp`, because the read-only guard is registered in `appExtensions`
 * and `createApp` reads that list when called. `close()` stops the server and restores the demo.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { createApp } from '../../src/app';
import type { DemoInstallation } from '../../src/demo/installDemo';
import { installSessionDemo, type SessionDemoOptions } from '../../src/sessions/installSessions';
import { RequestStore } from '../../src/requests/requestStore';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const BUILT_DASHBOARD_DIR = path.join(REPO_ROOT, 'dist', 'dashboard');

export interface DemoServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  demo: DemoInstallation;
  close(): Promise<void>;
}

export interface DemoServerOptions {
  /** Directory of the built dashboard; default <repo>/dist/dashboard. */
  builtDir?: string;
  /** Where demo log lines go; default: dropped (tests keep their output clean). */
  log?: (line: string) => void;
  /** The sandbox's settings (on when given); default: the read-only demo. */
  sandbox?: SessionDemoOptions['sessions'];
  /** The fixtures folder; default src/demo/fixtures. */
  fixturesDir?: string;
}

/** Throws a clear message when the dashboard has not been built. */
export function assertDashboardBuilt(builtDir: string = BUILT_DASHBOARD_DIR): void {
  const index = path.join(builtDir, 'index.html');
  if (!fs.existsSync(index)) {
    throw new Error(`The dashboard is not built (${index} does not exist): run npm run build first`);
  }
}

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const builtDir = options.builtDir ?? BUILT_DASHBOARD_DIR;
  assertDashboardBuilt(builtDir);

  const demo = installSessionDemo({
    log: options.log ?? (() => undefined),
    sessions: options.sandbox ?? false,
    fixturesDir: options.fixturesDir,
  });
  let store: RequestStore | null = null;
  let server: Server | null = null;
  try {
    store = await RequestStore.openSqlite(':memory:');
    const app = createApp({ requests: store, dashboard: { builtDir } });
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(0, '127.0.0.1');
      s.once('listening', () => resolve(s));
      s.once('error', reject);
    });
  } catch (error) {
    server?.close();
    await store?.close();
    demo.restore();
    throw error;
  }

  const { port } = server.address() as AddressInfo;
  const openServer = server;
  const openStore = store;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    demo,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        openServer.close(() => resolve());
        // Browsers keep idle keep-alive sockets open; do not wait for them.
        openServer.closeAllConnections();
      });
      await drain(openStore);
      await openStore.close();
      demo.restore();
    },
  };
}

/** Waits (briefly) until no scheduled request is still PENDING or RUNNING, so none outlives the store. */
async function drain(store: RequestStore, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (store.liveCount() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
