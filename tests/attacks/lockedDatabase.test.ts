/**
 * A write lock held by another process never blocks the event loop: writes wait in short async
 * retries and then fail fast with a typed 503 and Retry-After (directly, or as a FAILED request),
 * while reads and `/api/health` keep answering.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import { RequestStore } from '../../src/requests/requestStore';
import { fetchResult, schedule, useApiHarness } from '../helpers/api';
import { seedCluster } from '../helpers/fixtures';
import { makeTempDir, removeDir } from '../helpers/tempState';
import { HEALTH_LIMIT_MS, probeHealth, timed } from './healthProbe';

const h = useApiHarness();

/** Another process holding SQLite's write lock on `file` until killed. */
async function holdWriteLock(file: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `
    const db = new (require(${JSON.stringify(require.resolve('better-sqlite3'))}))(${JSON.stringify(file)});
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  `,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return child;
}

async function withServer<T>(app: ReturnType<typeof createApp>, fn: (port: number) => Promise<T>): Promise<T> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    return await fn((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

beforeAll(async () => {
  await seedCluster('locked-1');
});

describe('the state database locked by another process', () => {
  let holder: ChildProcess;
  beforeAll(async () => {
    holder = await holdWriteLock(h.state.dbPath);
  });
  afterAll(() => {
    holder.kill('SIGKILL');
  });

  it('a direct write answers 503 DatabaseBusy with Retry-After within a second; health stays fast', async () => {
    await withServer(h.app, async (port) => {
      const probe = probeHealth(port);
      const { value: res, ms } = await timed(() => request(h.app).post('/users/create').send({ username: 'blocked-user' }));
      const health = await probe.stop();
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body.error).toMatchObject({ type: 'DatabaseBusy', code: 'database_busy' });
      expect(res.body.detail).toMatch(/state database is locked by another process/);
      expect(ms).toBeLessThan(1500);
      expect(health.count).toBeGreaterThan(5);
      expect(health.maxMs).toBeLessThan(HEALTH_LIMIT_MS);
    });
  });

  it('reads of the same database are not held up by a write waiting for the lock', async () => {
    const write = request(h.app)
      .post('/users/create')
      .send({ username: 'waiting-user' })
      .then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { value: read, ms } = await timed(async () => fetchResult(h.app, await schedule(h.app, '/cost_report', { body: {} })));
    expect(read.payload.status).toBe('SUCCEEDED');
    // Held behind the write, the read would wait out its 1 s of retries (from 50 ms in):
    // 600 ms tells the two apart and leaves room for this shared machine under the full suite.
    expect(ms).toBeLessThan(600);
    expect((await write).status).toBe(503);
  });

  it('a scheduled write fails as a typed request, fast; reads keep working', async () => {
    const { value: result, ms } = await timed(async () =>
      fetchResult(h.app, await schedule(h.app, '/workspaces/create', { body: { workspace_name: 'blocked', config: {} } })),
    );
    expect(result.payload.status).toBe('FAILED');
    expect(result.error).toMatchObject({ type: 'DatabaseBusy' });
    expect(ms).toBeLessThan(1500);
    const status = await fetchResult(h.app, await schedule(h.app, '/status'));
    expect(status.payload.status).toBe('SUCCEEDED');
  });
});

describe('the requests database locked by another process', () => {
  it('a durable request is refused at the door with 503 and Retry-After; reads still run', async () => {
    const dir = makeTempDir('skyts-locked-requests-');
    const store = await RequestStore.openSqlite(path.join(dir, 'requests.db'));
    const app = createApp({ requests: store, dashboard: { builtDir: dir } });
    const holder = await holdWriteLock(path.join(dir, 'requests.db'));
    try {
      await withServer(app, async (port) => {
        const probe = probeHealth(port);
        const { value: res, ms } = await timed(() => request(app).post('/stop').send({ cluster_name: 'locked-1' }));
        const health = await probe.stop();
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('1');
        expect(res.body.error.type).toBe('DatabaseBusy');
        expect(ms).toBeLessThan(1500);
        expect(health.maxMs).toBeLessThan(HEALTH_LIMIT_MS);
        const read = await fetchResult(app, await schedule(app, '/status'));
        expect(read.payload.status).toBe('SUCCEEDED');
      });
    } finally {
      holder.kill('SIGKILL');
      await store.close();
      removeDir(dir);
    }
  });
});
