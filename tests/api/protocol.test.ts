/** The asynchronous request protocol: schedule, /api/get, /api/status, /api/cancel, /api/stream. */
import path from 'node:path';
import request from 'supertest';
import sinon from 'sinon';
import { createApp } from '../../src/app';
import { RequestStore } from '../../src/requests/requestStore';
import { stateQueries } from '../../src/state/stateQueries';
import { globalUserState } from '../../src/state/globalUserState';
import {
  ADMIN,
  REQUEST_ID_HEADER,
  call,
  closeApiHarness,
  drainRequests,
  fetchResult,
  openApiHarness,
  roundTrip,
  schedule,
  type ApiHarness,
} from '../helpers/api';
import { seedCluster } from '../helpers/fixtures';
import { makeTempDir, removeDir } from '../helpers/tempState';

let h: ApiHarness;
let storeDir: string;

beforeAll(async () => {
  storeDir = makeTempDir('skyts-requests-');
  h = await openApiHarness(path.join(storeDir, 'requests.db'));
  await seedCluster('proto-up');
  await seedCluster('proto-idem');
});
afterAll(async () => {
  await closeApiHarness(h);
  removeDir(storeDir);
});

describe('scheduled requests and /api/get', () => {
  it('a scheduled endpoint answers 200, body null, with the id header', async () => {
    const res = await request(h.app).post('/status').send({});
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
    expect(res.text).toBe('null');
    expect(res.headers[REQUEST_ID_HEADER]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('SUCCEEDED -> 200 with the payload; return_value is a JSON string', async () => {
    const id = await schedule(h.app, '/status');
    const res = await request(h.app).get('/api/get').query({ request_id: id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ request_id: id, name: 'sky.status', status: 'SUCCEEDED', error: 'null', schedule_type: 'short' });
    expect(typeof res.body.return_value).toBe('string');
    const value = JSON.parse(res.body.return_value);
    expect(Array.isArray(value)).toBe(true);
    expect(value.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['proto-up']));
    expect(typeof res.body.created_at).toBe('number');
    expect(typeof res.body.finished_at).toBe('number');
  });

  it('FAILED -> 500 {detail: payload} with error a JSON string naming ClusterDoesNotExist', async () => {
    const id = await schedule(h.app, '/stop', { body: { cluster_name: 'nope' } });
    const res = await request(h.app).get('/api/get').query({ request_id: id });
    expect(res.status).toBe(500);
    expect(res.body.detail).toMatchObject({
      request_id: id,
      name: 'sky.stop',
      status: 'FAILED',
      return_value: 'null',
      cluster_name: 'nope',
    });
    expect(typeof res.body.detail.error).toBe('string');
    const error = JSON.parse(res.body.detail.error);
    expect(error.type).toBe('ClusterDoesNotExist');
    expect(error.message).toMatch(/nope/);
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('an unknown id -> 404; a unique prefix finds the request', async () => {
    const missing = await request(h.app).get('/api/get').query({ request_id: '00000000-0000-4000-8000-000000000000' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ type: 'NotFoundError', code: 'request_not_found' });
    const id = await schedule(h.app, '/status', { headers: { 'X-Skypilot-Request-ID': 'prefixtest-0001' } });
    const found = await fetchResult(h.app, 'prefixtest-');
    expect(found.payload.request_id).toBe(id);
  });

  it('an ambiguous prefix -> 400', async () => {
    await schedule(h.app, '/status', { headers: { 'X-Skypilot-Request-ID': 'ambiguous-0001' } });
    await schedule(h.app, '/status', { headers: { 'X-Skypilot-Request-ID': 'ambiguous-0002' } });
    const res = await request(h.app).get('/api/get').query({ request_id: 'ambiguous-' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ambiguous_request_id');
  });

  it('a request still running when the wait runs out -> 504 (clients retry)', async () => {
    const store = await RequestStore.openSqlite(':memory:');
    const app = createApp({ requests: store, getTimeoutMs: 50, dashboard: { builtDir: storeDir } });
    const sandbox = sinon.createSandbox();
    let release: () => void = () => undefined;
    sandbox.replace(
      globalUserState,
      'getClusters',
      () =>
        new Promise((resolve) => {
          release = () => resolve([]);
        }),
    );
    try {
      const id = await schedule(app, '/status');
      const res = await request(app).get('/api/get').query({ request_id: id });
      expect(res.status).toBe(504);
      expect(res.body.error.code).toBe('request_not_finished');
      release();
      expect((await fetchResult(app, id)).payload.status).toBe('SUCCEEDED');
    } finally {
      sandbox.restore();
      await drainRequests(store);
      store.close();
    }
  });
});

describe('/api/status, /api/cancel, /api/stream', () => {
  it('/api/status lists requests; all_status includes finished ones', async () => {
    const id = await schedule(h.app, '/status');
    await fetchResult(h.app, id);
    const unfinished = await request(h.app).get('/api/status');
    expect(unfinished.status).toBe(200);
    expect(unfinished.body.map((r: { request_id: string }) => r.request_id)).not.toContain(id);
    const all = await request(h.app).get('/api/status').query({ all_status: 'true', request_ids: id });
    expect(all.body).toHaveLength(1);
    expect(all.body[0]).toMatchObject({ request_id: id, status: 'SUCCEEDED', name: 'sky.status' });
    const limited = await request(h.app).get('/api/status').query({ all_status: 'true', limit: 2 });
    expect(limited.body).toHaveLength(2);
  });

  it('/api/cancel cancels a pending request; its /api/get answers 200 CANCELLED with error "null"', async () => {
    const sandbox = sinon.createSandbox();
    let release: () => void = () => undefined;
    sandbox.replace(
      globalUserState,
      'getClusters',
      () =>
        new Promise((resolve) => {
          release = () => resolve([]);
        }),
    );
    try {
      const slow = await schedule(h.app, '/status');
      const cancelled = await call<string[]>(h.app, '/api/cancel', { body: { request_ids: [slow] } });
      expect(cancelled).toEqual([slow]);
      const result = await fetchResult(h.app, slow);
      expect(result.status).toBe(200);
      expect(result.payload.status).toBe('CANCELLED');
      expect(result.payload.error).toBe('null');
      release();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await fetchResult(h.app, slow)).payload.status).toBe('CANCELLED'); // the outcome sticks
      // Cancelling a finished request cancels nothing.
      expect(await call(h.app, '/api/cancel', { body: { request_ids: [slow] } })).toEqual([]);
    } finally {
      sandbox.restore();
    }
  });

  it("/api/stream streams a finished request's log", async () => {
    const id = await schedule(h.app, '/start', { body: { cluster_name: 'proto-up' } });
    await fetchResult(h.app, id);
    const res = await request(h.app).get('/api/stream').query({ request_id: id, follow: 'false' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.headers['x-skypilot-stream-request-id']).toBe(id);
    expect(res.headers['cache-control']).toBe('no-cache, no-transform');
    expect(res.text).toBe('Cluster proto-up is already up.\n');
    // follow defaults to true but ends because the request is finished
    const followed = await request(h.app).get('/api/stream').query({ request_id: id });
    expect(followed.text).toBe('Cluster proto-up is already up.\n');
  });

  it('/api/stream with an unknown id -> 404 JSON', async () => {
    const res = await request(h.app).get('/api/stream').query({ request_id: 'ffffffff-ffff-4fff-bfff-ffffffffffff' });
    expect(res.status).toBe(404);
    expect(res.body.error.type).toBe('NotFoundError');
  });
});

describe('persistence and retries', () => {
  it('writes survive a restart; reads, kept in memory only, do not', async () => {
    const dir = makeTempDir('skyts-restart-');
    const file = path.join(dir, 'requests.db');
    try {
      const first = await RequestStore.openSqlite(file);
      const app1 = createApp({ requests: first, dashboard: { builtDir: dir } });
      const write = await roundTrip(app1, '/workspaces/create', { body: { workspace_name: 'restart-ws', config: {} } });
      expect(write.payload.status).toBe('SUCCEEDED');
      const read = await roundTrip(app1, '/status');
      expect(read.payload.status).toBe('SUCCEEDED');
      await first.close();

      const second = await RequestStore.openSqlite(file);
      try {
        const app2 = createApp({ requests: second, dashboard: { builtDir: dir } });
        const again = await fetchResult(app2, write.requestId);
        expect(again.status).toBe(200);
        expect(again.payload).toEqual(write.payload);
        expect(again.value).toEqual(write.value);
        const gone = await request(app2).get('/api/get').query({ request_id: read.requestId });
        expect(gone.status).toBe(404);
      } finally {
        await second.close();
      }
    } finally {
      removeDir(dir);
    }
  });

  it('a client-supplied request id that is already stored is not run twice', async () => {
    const sandbox = sinon.createSandbox();
    const spy = sandbox.spy(globalUserState, 'removeCluster');
    try {
      const headers = { 'X-Skypilot-Request-ID': 'client-stop-0001' };
      const id1 = await schedule(h.app, '/stop', { body: { cluster_name: 'proto-idem' }, headers });
      expect(id1).toBe('client-stop-0001');
      const first = await fetchResult(h.app, id1);
      expect(first.payload.status).toBe('SUCCEEDED');

      // Start it again so that a second run would have something to stop.
      await call(h.app, '/start', { body: { cluster_name: 'proto-idem' } });
      const id2 = await schedule(h.app, '/stop', { body: { cluster_name: 'proto-idem' }, headers });
      expect(id2).toBe(id1);
      await drainRequests(h.store);
      const second = await fetchResult(h.app, id2);
      expect(second.payload).toEqual(first.payload);

      expect(spy.callCount).toBe(1);
      expect((await stateQueries.getClusterFromName('proto-idem'))!.status).toBe('UP');
      const stops = (await globalUserState.getClusterEvents('proto-idem')).filter((e) => e.reason === 'Cluster stopped.');
      expect(stops).toHaveLength(1);
      const rows = (await h.store.list({ viewer: ADMIN, allStatus: true, limit: 1000 })).filter((r) => r.requestId === id1);
      expect(rows).toHaveLength(1);
    } finally {
      sandbox.restore();
    }
  });

  it('an invalid client request id is replaced by a fresh one', async () => {
    const id = await schedule(h.app, '/status', { headers: { 'X-Skypilot-Request-ID': 'bad id!' } });
    expect(id).not.toBe('bad id!');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
