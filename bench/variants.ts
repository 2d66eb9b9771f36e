/**
 * The servers the bench compares, all started up front and measured in interleaved rounds:
 * - baseline: a bare Express 5 app answering the same bytes (bench/baseline.ts);
 * - nightly: the real server on SQLite, seeded with the demo's number of clusters;
 * - demo: the nightly with the demo preloaded (`-r dist/src/demo/demo.js`, what the one-line patch
 *   does), rate limit off, so the round trip itself is measured;
 * - demo+ratelimit: the demo with its per-client limiter on, budget above the bench's rate, to show
 *   what the limiter costs;
 * - demo+sandbox: the demo with sandbox sessions on, visitors without a session (the sandbox's door
 *   on every request, the shared world); demo+session: another such server, every round trip in one
 *   session that has changes (its context through the request, its world derived and served);
 * - replicas (when PostgreSQL is reachable): two nightly processes on one PostgreSQL database,
 *   every round trip crossing them (POST on one, `/api/get` on the other, alternating), beside one
 *   SQLite nightly.
 * The bench never imports src/demo: the nightly builds and benches without it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Child, ROOT, startChild } from './children';
import { seedState } from './seed';

export interface Variant {
  label: string;
  children: Child[];
  /** Extra files to report the size of (the requests database). */
  requestsDb?: string;
  /** Sent with every request of the round trip (a sandbox session's id). */
  headers?: Record<string, string>;
  /** Two replicas measured crossing: each POST on one, its `/api/get` on the other. */
  crossing?: boolean;
}

// The demo's entry as `npm start` picks it: with the visitor sessions' wing when it is built.
const DEMO_PRELOAD =
  ['dist/src/sessions/sessions.js', 'dist/src/demo/demo.js'].find((f) => fs.existsSync(path.join(ROOT, f))) ?? 'dist/src/demo/demo.js';

export function demoAvailable(): boolean {
  return fs.existsSync(path.join(ROOT, DEMO_PRELOAD));
}

export interface ServerOptions {
  tmp: string;
  label: string;
  demo?: boolean;
  env?: NodeJS.ProcessEnv;
  postgresUri?: string;
  replicaId?: string;
  seed?: boolean;
  /** Node options and preloads before the demo's and the server's (bench instrumentation). */
  nodeArgs?: string[];
}

export async function startServer(options: ServerOptions): Promise<{ child: Child; requestsDb: string }> {
  const dir = path.join(options.tmp, options.label);
  fs.mkdirSync(dir, { recursive: true });
  const stateDb = path.join(dir, 'state.db');
  const requestsDb = path.join(dir, 'requests.db');
  if (options.seed !== false && !options.demo) {
    await seedState(
      options.postgresUri ? { kind: 'postgres', uri: options.postgresUri } : { kind: 'sqlite', path: stateDb, createDir: false },
    );
  }
  const args = [
    ...(options.nodeArgs ?? []),
    ...(options.demo ? ['-r', `./${DEMO_PRELOAD}`] : []),
    'dist/src/server.js',
    '--port',
    '0',
    ...(options.postgresUri ? [] : ['--db-path', stateDb, '--requests-db', requestsDb]),
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    ...options.env,
    ...(options.postgresUri ? { SKYPILOT_DB_CONNECTION_URI: options.postgresUri } : {}),
    ...(options.replicaId ? { SKYPILOT_REPLICA_ID: options.replicaId } : {}),
  };
  delete env.SKYPILOT_DB_CONNECTION_URI;
  if (options.postgresUri) env.SKYPILOT_DB_CONNECTION_URI = options.postgresUri;
  const child = await startChild(options.label, args, env);
  return { child, requestsDb };
}

export function makeTmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'skyts-bench-'));
}
