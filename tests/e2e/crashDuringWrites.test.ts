/**
 * kill -9 in the middle of a stream of writes, then a restart: every write is reported as what it
 * did. A write reported FAILED and retryable really did not happen (its retry under a new id
 * succeeds, never "already exists"), and every SUCCEEDED one did. Some writes are caught between
 * their committed change and their recorded outcome on purpose (a test endpoint that waits after
 * writing): they must come back SUCCEEDED, not FAILED. A write made of two steps (`/down`: the
 * cluster, then its jobs; `/users/create`: the user, then its role) killed between them is reported
 * FAILED and retryable with nothing of it done, and its retry completes it. Runs on SQLite (state and
 * requests in two files) and on PostgreSQL (one database) when it is reachable (jest.config.js).
 */
import fs from 'node:fs';
import path from 'node:path';
import { userHashForName } from '../../src/state/currentUser';
import { globalUserState } from '../../src/state/globalUserState';
import { seedCluster } from '../helpers/fixtures';
import { type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { createTestDatabase, type TestDatabase, testBackend } from '../helpers/testBackend';
import { makeTempDir, removeDir } from '../helpers/tempState';

const WRITE_THEN_WAIT = './tests/helpers/writeThenWait.js';
const PAUSE_BETWEEN_STEPS = './tests/helpers/pauseBetweenSteps.js';
const SLOW_WRITES = 3;
const STREAM_WORKERS = 6;
/** Accepted stream writes before the kill (a bounded loop: it stops at the kill or at STREAM_MAX). */
const KILL_AFTER = 40;
const STREAM_MAX = 400;

let dir: string;
let database: TestDatabase;
let server: ServerProcess | null = null;

const args = () =>
  database.target.kind === 'sqlite'
    ? ['--port', '0', '--db-path', database.target.path, '--requests-db', path.join(dir, 'requests.db')]
    : ['--port', '0'];
const env = () => ({
  HOME: dir,
  SKYPILOT_REPLICA_ID: 'crashing',
  ...(database.target.kind === 'postgres' ? { SKYPILOT_DB_CONNECTION_URI: database.uri! } : {}),
});

beforeAll(async () => {
  dir = makeTempDir('skyts-crash-');
  database = await createTestDatabase(dir, 'state.db');
  // The test reads the state the server writes, from the same file or database.
  await globalUserState.init({ target: database.target });
});
afterAll(async () => {
  await server?.stop();
  await globalUserState.close();
  await database?.drop();
  removeDir(dir);
});

async function post(url: string, route: string, body: unknown, requestId: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-skypilot-request-id': requestId },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status === 200 && res.headers.get('x-skypilot-request-id') === requestId;
  } catch {
    return false; // the server was killed under it
  }
}

async function outcome(url: string, requestId: string) {
  const res = await fetch(`${url}/api/get?request_id=${requestId}`);
  type Payload = { status: string; should_retry: boolean; error: { type: string } | null };
  const body = (await res.json()) as Payload | { detail: Payload };
  return { http: res.status, ...('detail' in body ? body.detail : body) };
}

async function workspaces(): Promise<Set<string>> {
  return new Set(Object.keys(await globalUserState.getWorkspaces()));
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe(`kill -9 during writes (${testBackend()})`, () => {
  it('every FAILED-retryable write did not happen, every SUCCEEDED one did, and a retry is safe', async () => {
    server = await startServerProcess(args(), env(), { preload: [WRITE_THEN_WAIT] });
    const { url, child } = server;
    const accepted: { id: string; workspace: string; slow: boolean }[] = [];

    for (let i = 0; i < SLOW_WRITES; i++) {
      const id = `crash-slow-${String(i).padStart(4, '0')}`;
      const workspace = `crash-slow-${i}`;
      expect(await post(url, '/test/write_then_wait', { workspace_name: workspace, seconds: 60 }, id)).toBe(true);
      accepted.push({ id, workspace, slow: true });
    }
    // Their changes are committed, their requests still running: the window a crash must not hide.
    await until(async () => [...(await workspaces())].filter((w) => w.startsWith('crash-slow-')).length === SLOW_WRITES, 'the slow writes');

    let next = 0;
    let killed = false;
    const stream = async () => {
      while (!killed && next < STREAM_MAX) {
        const i = next++;
        const id = `crash-fast-${String(i).padStart(4, '0')}`;
        const workspace = `crash-fast-${i}`;
        if (await post(url, '/workspaces/create', { workspace_name: workspace, config: {} }, id)) {
          accepted.push({ id, workspace, slow: false });
          // Killed mid-stream: some writes done, some running, some queued.
          const someDone = async () => [...(await workspaces())].some((w) => w.startsWith('crash-fast-'));
          if (accepted.length >= SLOW_WRITES + KILL_AFTER && !killed && (await someDone()) && !killed) {
            killed = true;
            child.kill('SIGKILL');
          }
        }
      }
    };
    await Promise.all(Array.from({ length: STREAM_WORKERS }, stream));
    expect(killed).toBe(true);
    await server.exited;

    server = await startServerProcess(args(), env(), { preload: [WRITE_THEN_WAIT] });
    const present = await workspaces();
    const wrong: string[] = [];
    const retryable: typeof accepted = [];
    const counts: Record<string, number> = {};
    for (const write of accepted) {
      const got = await outcome(server.url, write.id);
      const key = `${got.status}${got.should_retry ? '/retryable' : ''}`;
      counts[key] = (counts[key] ?? 0) + 1;
      const happened = present.has(write.workspace);
      if (got.status === 'SUCCEEDED' && !happened) wrong.push(`${write.id}: SUCCEEDED but its workspace is missing`);
      if (got.status === 'FAILED' && got.should_retry && happened) wrong.push(`${write.id}: FAILED retryable but its workspace exists`);
      if (got.status === 'FAILED' && !got.should_retry) wrong.push(`${write.id}: FAILED, not retryable (${JSON.stringify(got.error)})`);
      if (got.status !== 'SUCCEEDED' && got.status !== 'FAILED') wrong.push(`${write.id}: ${got.status} after the restart`);
      if (write.slow && got.status !== 'SUCCEEDED') wrong.push(`${write.id}: committed before the kill, reported ${got.status}`);
      if (got.status === 'FAILED') retryable.push(write);
    }
    console.log(`kill -9 after ${accepted.length} accepted writes: ${JSON.stringify(counts)}`);
    expect(wrong).toEqual([]);
    expect(counts.SUCCEEDED).toBeGreaterThanOrEqual(SLOW_WRITES);

    // Retried under new ids (as a client does after ServerRestarted): each succeeds, none "already exists".
    for (const write of retryable) {
      const id = `${write.id}-retry`;
      expect(await post(server.url, '/workspaces/create', { workspace_name: write.workspace, config: {} }, id)).toBe(true);
      const got = await outcome(server.url, id);
      expect({ id, status: got.status }).toEqual({ id, status: 'SUCCEEDED' });
    }
  }, 90_000);

  describe('a two-step write killed between its steps', () => {
    const paused = (what: string) => async () => fs.existsSync(path.join(dir, `paused-${what}`));
    const restart = async () => {
      server?.child.kill('SIGKILL');
      await server?.exited;
      server = await startServerProcess(args(), env(), { preload: [PAUSE_BETWEEN_STEPS] });
    };

    it('/down: reported FAILED retryable with the cluster and its jobs still there; the retry removes both', async () => {
      const name = 'crash-pause-down';
      await seedCluster(name);
      for (const job of ['a', 'b'])
        await globalUserState.addClusterJob({ clusterName: name, jobName: job, userHash: 'u1', resources: '1x' });
      await server?.stop();
      server = await startServerProcess(args(), env(), { preload: [PAUSE_BETWEEN_STEPS] });
      expect(await post(server.url, '/down', { cluster_name: name }, 'crash-two-step-down')).toBe(true);
      await until(paused(name), '/down between its steps');
      await restart();

      const got = await outcome(server.url, 'crash-two-step-down');
      const error = typeof got.error === 'string' ? (JSON.parse(got.error) as { type: string }) : got.error;
      expect({ status: got.status, retry: got.should_retry, type: error?.type }).toEqual({
        status: 'FAILED',
        retry: true,
        type: 'ServerRestarted',
      });
      expect((await globalUserState.getClusters({ clusterNames: [name] })).length).toBe(1);
      expect((await globalUserState.getClusterJobs(name)).length).toBe(2);

      expect(await post(server.url, '/down', { cluster_name: name }, 'crash-two-step-down-retry')).toBe(true);
      await until(async () => (await outcome(server!.url, 'crash-two-step-down-retry')).status === 'SUCCEEDED', 'the retry');
      expect(await globalUserState.getClusters({ clusterNames: [name] })).toEqual([]);
      expect(await globalUserState.getClusterJobs(name)).toEqual([]);
    }, 60_000);

    it('/users/create: no user without a role is left behind, and the retry creates it', async () => {
      const id = userHashForName('crash-pause-user');
      const create = () =>
        fetch(`${server!.url}/users/create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'crash-pause-user', role: 'viewer' }),
        });
      const hanging = create().catch(() => null); // answered never: the server is killed under it
      await until(paused('crash-pause-user'), '/users/create between its steps');
      await restart();
      await hanging;

      expect([await globalUserState.getUser(id), await globalUserState.getUserRole(id)]).toEqual([null, null]);
      expect((await create()).status).toBe(200);
      expect(await globalUserState.getUser(id)).toMatchObject({ name: 'crash-pause-user' });
      expect(await globalUserState.getUserRole(id)).toBe('viewer');
    }, 60_000);
  });
});
