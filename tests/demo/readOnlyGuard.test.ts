/**
 * The read-only guard against the known bypasses: a method x path x headers table asserting the status
 * code and that no state write ran (every write fake uncalled, the database never opened).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { stateStore } from '../../src/state/stateStore';
import { type DemoApp, calledWrites, startDemoApp } from './demoApp';

let demo: DemoApp;
beforeAll(async () => {
  demo = await startDemoApp();
});
afterAll(async () => demo.close());
afterEach(() => {
  expect(calledWrites(demo.demo)).toEqual([]);
  expect(stateStore.openedTarget()).toBeNull();
});

/**
 * `FAILED`: accepted (200 and a request id) as a request that already failed with the read-only
 * message, what SkyPilot's clients show for a refused scheduled call; 403: the typed refusal.
 */
type Expected = number | 'FAILED';
type Case = [method: string, path: string, headers: Record<string, string>, expected: Expected];

/**
 * Writes on scheduled endpoints: ours, and upstream's that this build lacks (src/routes/
 * unsupportedRoutes.ts), which the official CLI schedules too and would print as a traceback if they
 * answered 403. The rest are direct endpoints, or have none anywhere.
 */
const SCHEDULED_WRITES = [
  '/stop',
  '/start',
  '/down',
  '/autostop',
  '/cancel',
  '/workspaces/create',
  '/workspaces/update',
  '/workspaces/delete',
  '/workspaces/config',
  '/jobs/cancel',
  '/volumes/delete',
  '/api/cancel',
  '/launch',
  '/exec',
  '/optimize',
  '/jobs/launch',
  '/volumes/apply',
  '/local_up',
  '/serve/up',
  '/serve/update',
  '/serve/down',
  '/storage/delete',
  '/recipes/create',
  '/recipes/pin',
];
const OTHER_WRITES = ['/users/create', '/users/update', '/users/delete', '/users/import', '/ssh_node_pools', '/upload'];

const refused: Case[] = [
  ...SCHEDULED_WRITES.map((p): Case => ['POST', p, {}, 'FAILED']),
  ...SCHEDULED_WRITES.map((p): Case => ['POST', `/internal/dashboard${p}`, {}, 'FAILED']),
  ...OTHER_WRITES.map((p): Case => ['POST', p, {}, 403]),
  ...OTHER_WRITES.map((p): Case => ['POST', `/internal/dashboard${p}`, {}, 403]),
  ['POST', '/DOWN', {}, 'FAILED'],
  ['POST', '/Stop/', {}, 'FAILED'],
  ['POST', '/down/', {}, 'FAILED'],
  ['POST', '/INTERNAL/DASHBOARD/DOWN/', {}, 'FAILED'],
  ['POST', '/%64own', {}, 403],
  ['POST', '/st%61tus', {}, 403],
  ['POST', '//down', {}, 403],
  ['POST', '/status/../down', {}, 403],
  ['POST', '/down;x=1', {}, 403],
  ['GET', '/down', {}, 403],
  ['HEAD', '/down', {}, 403],
  ['PUT', '/status', {}, 403],
  ['PATCH', '/status', {}, 403],
  ['DELETE', '/status', {}, 403],
  ['DELETE', '/ssh_node_pools/pool-1', {}, 403],
  ['GET', '/status', { 'X-HTTP-Method-Override': 'POST' }, 403],
  ['POST', '/status', { 'X-HTTP-Method-Override': 'DELETE' }, 403],
  ['POST', '/status', { 'X-HTTP-Method': 'PUT' }, 403],
  ['POST', '/status', { 'X-Method-Override': 'PUT' }, 403],
  ['POST', '/status?_method=DELETE', {}, 403],
  ['POST', '/status', { 'X-Original-URL': '/down' }, 200],
  ['GET', '/users/export', {}, 403],
  ['POST', '/users/service-account-tokens', {}, 403],
  ['POST', '/users/service-account-tokens/delete', {}, 403],
  ['POST', '/users/service-account-tokens/rotate', {}, 403],
  ['POST', '/users/service-account-tokens/update-role', {}, 403],
  ['POST', '/users/service-account-tokens/get-role', {}, 403],
  ['POST', '/status', { Upgrade: 'websocket', Connection: 'Upgrade' }, 403],
];

const allowed: Case[] = [
  ['POST', '/status', {}, 200],
  ['POST', '/STATUS/', {}, 200],
  ['POST', '/internal/dashboard/status', {}, 200],
  ['GET', '/api/health', {}, 200],
  ['HEAD', '/api/health', {}, 200],
  ['GET', '/internal/dashboard/api/health', {}, 200],
  ['GET', '/users', {}, 200],
  ['GET', '/users/role', {}, 200],
  // Upstream's viewer list has it: the fixture's accounts, metadata only.
  ['GET', '/users/service-account-tokens', {}, 200],
  ['GET', '/workspaces', {}, 200],
  ['GET', '/enabled_clouds', {}, 200],
  ['GET', '/volumes', {}, 200],
  ['GET', '/api/plugins', {}, 200],
  ['GET', '/dashboard_config', {}, 200],
  ['GET', '/workspaces/config', {}, 200],
  ['POST', '/check', {}, 200],
  ['GET', '/storage/ls', {}, 200],
  ['POST', '/recipes/list', {}, 200],
  ['GET', '/grafana/api/health', {}, 204],
  ['GET', '/dashboard/', {}, 200],
  ['GET', '/dashboard/clusters/lambda-k8s', {}, 200],
  ['OPTIONS', '/down', { Origin: 'http://example.test', 'Access-Control-Request-Method': 'POST' }, 204],
];

describe('read-only guard', () => {
  it.each([...refused, ...allowed])('%s %s %j -> %d', async (method, path, headers, expected) => {
    let req = request(demo.app)[method.toLowerCase() as 'get'](path).set(headers);
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      req = req.send(path.includes('status') ? {} : { cluster_name: 'lambda-k8s', username: 'eve' });
    }
    const res = await req;
    if (expected === 'FAILED') {
      expect(res.status).toBe(200);
      const id = res.headers['x-skypilot-request-id'];
      const result = await request(demo.app).get(`/api/get?request_id=${id}`);
      expect(result.status).toBe(500);
      expect(result.body.detail.status).toBe('FAILED');
      expect(JSON.parse(result.body.detail.error)).toMatchObject({
        type: 'PermissionDeniedError',
        message: expect.stringMatching(/read-only demo/),
      });
      return;
    }
    expect(res.status).toBe(expected);
    if (expected === 403 && method !== 'HEAD') {
      // a HEAD answer has no body
      expect(res.body.error).toMatchObject({ type: 'DemoModeError', code: 'demo_read_only' });
      expect(res.body.detail).toMatch(/read-only demo/);
    }
  });

  it.each([
    ['/launch', 'sky.launch'],
    ['/exec', 'sky.exec'],
    ['/jobs/launch', 'sky.jobs.launch'],
    ['/serve/up', 'sky.serve.up'],
    ['/storage/delete', 'sky.storage_delete'],
  ])('upstream write %s this build lacks: a failed request named %s, in memory only', async (path, name) => {
    const res = await request(demo.app).post(path).send({ task: 'run: echo hi', cluster_name: 'c' });
    expect([res.status, res.body]).toEqual([200, null]);
    const id = res.headers['x-skypilot-request-id'];
    expect((await request(demo.app).get(`/api/get?request_id=${id}`)).body.detail).toMatchObject({ name, status: 'FAILED' });
    expect(await demo.store.get(id)).toMatchObject({ durable: false, body: '{}' });
  });

  it('refuses /validate as the official client reads it: 400 with a serialized PermissionDeniedError', async () => {
    const res = await request(demo.app).post('/validate').send({ dag: 'run: echo hi' });
    expect(res.status).toBe(400);
    expect(res.body.detail).toEqual({
      type: 'PermissionDeniedError',
      message: expect.stringMatching(/read-only demo/),
      args: [expect.stringMatching(/read-only demo/)],
      attributes: {},
      stacktrace: null,
    });
    expect(res.body.error).toMatchObject({ type: 'DemoModeError', code: 'demo_read_only' });
  });

  it('answers an upstream read it lacks (sky serve logs) as the nightly does: an empty stream whose request failed', async () => {
    const res = await request(demo.app).post('/serve/logs').send({ service_name: 'svc', target: 'controller' });
    expect([res.status, res.text, res.headers['content-type']]).toEqual([200, '', 'text/plain; charset=utf-8']);
    const result = await request(demo.app).get(`/api/get?request_id=${res.headers['x-skypilot-request-id']}`);
    expect(JSON.parse(result.body.detail.error)).toMatchObject({
      type: 'NotSupportedError',
      message: expect.stringMatching(/not supported/),
    });
  });

  it('a refused scheduled write is a failed request of its own name, kept in memory only, with no body', async () => {
    const res = await request(demo.app).post('/down').send({ cluster_name: 'lambda-k8s' });
    const id = res.headers['x-skypilot-request-id'];
    expect((await request(demo.app).get(`/api/get?request_id=${id}`)).body.detail).toMatchObject({ name: 'sky.down', status: 'FAILED' });
    const record = await demo.store.get(id);
    expect(record).toMatchObject({ durable: false, status: 'FAILED', body: '{}' });
  });

  it.each(['PURGE', 'QUERY', 'PROPFIND', 'LOCK'])('refuses the unknown method %s', async (method) => {
    const res = await rawRequest(method, '/status');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.type).toBe('DemoModeError');
  });

  it('refuses WebSocket upgrades on the HTTP server', async () => {
    const server = demo.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({
          port,
          host: '127.0.0.1',
          path: '/kubernetes-pod-ssh-proxy',
          headers: {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
          },
        });
        req.on('response', (res) => resolve(res.statusCode ?? 0));
        req.on('upgrade', () => reject(new Error('the upgrade was accepted')));
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(403);
    } finally {
      server.close();
    }
  });

  it('ignores a status refresh and never returns credentials', async () => {
    const first = await request(demo.app).post('/status').send({ refresh: 'FORCE', include_credentials: true, cluster_names: null });
    const id = first.headers['x-skypilot-request-id'];
    const result = await request(demo.app).get(`/api/get?request_id=${id}`);
    expect(result.status).toBe(200);
    const rows = JSON.parse(result.body.return_value) as { name: string; credentials?: unknown }[];
    expect(rows.length).toBeGreaterThanOrEqual(5); // the five of clusters.yaml, and any launched by activity.yaml
    for (const row of rows) expect(row.credentials ?? null).toBeNull();
  });
});

function rawRequest(method: string, path: string): Promise<{ status: number; body: string }> {
  const server = demo.app.listen(0, '127.0.0.1');
  return new Promise((resolve, reject) => {
    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      const req = http.request({ port, host: '127.0.0.1', method, path, headers: { 'Content-Type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => {
          server.close();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', (error) => {
        server.close();
        reject(error);
      });
      req.end('{}');
    });
  });
}
