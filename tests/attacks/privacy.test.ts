/**
 * Visitors are isolated: a caller sees only its own requests (`/api/status`, `/api/get`, prefixes,
 * `/api/stream`, `/api/cancel`) unless it is an admin, and in the demo nobody is. A client-chosen
 * request id is scoped to its caller and endpoint: reusing someone else's id gets a fresh request.
 */
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import request from 'supertest';
import { createApp, type SkyApp } from '../../src/app';
import { installDemo, type DemoInstallation } from '../../src/demo/installDemo';
import { parseTrustedProxies } from '../../src/http/clientAddress';
import { RequestStore } from '../../src/requests/requestStore';
import { globalUserState } from '../../src/state/globalUserState';
import { userHashForName } from '../../src/state/currentUser';
import { REQUEST_ID_HEADER, useApiHarness } from '../helpers/api';
import { makeTempDir, removeDir } from '../helpers/tempState';

const A = { 'X-Forwarded-For': '203.0.113.10' };
const B = { 'X-Forwarded-For': '198.51.100.77' };

async function scheduleAs(app: SkyApp, who: Record<string, string>, path: string, body: object = {}, id?: string) {
  const res = await request(app)
    .post(path)
    .set(who)
    .set(id ? { [REQUEST_ID_HEADER]: id } : {})
    .send(body);
  expect(res.status).toBe(200);
  return res.headers[REQUEST_ID_HEADER] as string;
}

describe('in the demo, visitors told apart by address', () => {
  let demo: DemoInstallation;
  let store: RequestStore;
  let app: SkyApp;
  let dir: string;

  beforeAll(async () => {
    demo = installDemo({ reloadMs: 0, log: () => {} });
    store = await RequestStore.openSqlite(':memory:');
    dir = makeTempDir('skyts-privacy-');
    app = createApp({ requests: store, dashboard: { builtDir: dir }, trustProxy: parseTrustedProxies('loopback'), rateLimit: null });
  });
  afterAll(async () => {
    demo.restore();
    await store.close();
    removeDir(dir);
  });

  it("B cannot fetch, find by prefix, list, stream or cancel A's request", async () => {
    const id = await scheduleAs(app, A, '/status');
    expect((await request(app).get('/api/get').set(A).query({ request_id: id })).status).toBe(200);

    const got = await request(app).get('/api/get').set(B).query({ request_id: id });
    expect(got.status).toBe(404);
    expect(got.body.error.code).toBe('request_not_found');
    expect(
      (
        await request(app)
          .get('/api/get')
          .set(B)
          .query({ request_id: id.slice(0, 8) })
      ).status,
    ).toBe(404);
    const listed = await request(app).get('/api/status').set(B).query({ all_status: 'true' });
    expect(listed.body.map((r: { request_id: string }) => r.request_id)).not.toContain(id);
    expect((await request(app).get('/api/stream').set(B).query({ request_id: id })).status).toBe(404);

    const mine = await request(app).get('/api/status').set(A).query({ all_status: 'true' });
    expect(mine.body.map((r: { request_id: string }) => r.request_id)).toContain(id);
    for (const r of mine.body) expect(r.request_body).not.toMatch(/cluster/);
  });

  it("a reused client-chosen id gives B a fresh request, never A's result", async () => {
    const chosen = 'shared-request-0001';
    const a = await scheduleAs(app, A, '/status', {}, chosen);
    expect(a).toBe(chosen);
    const b = await scheduleAs(app, B, '/cost_report', {}, chosen);
    expect(b).not.toBe(chosen);
    const bResult = await request(app).get('/api/get').set(B).query({ request_id: b });
    expect(bResult.body.name).toBe('sky.cost_report');
    expect((await request(app).get('/api/get').set(B).query({ request_id: chosen })).status).toBe(404);
    const aResult = await request(app).get('/api/get').set(A).query({ request_id: chosen });
    expect(aResult.body.name).toBe('sky.status');
  });

  it('the same caller reusing its id for another endpoint also gets a fresh one; a retry gets the same', async () => {
    const chosen = 'own-request-0002';
    expect(await scheduleAs(app, A, '/status', {}, chosen)).toBe(chosen);
    expect(await scheduleAs(app, A, '/status', {}, chosen)).toBe(chosen);
    expect(await scheduleAs(app, A, '/cost_report', {}, chosen)).not.toBe(chosen);
  });

  it("tells the server's pid to a caller on this machine only, never to a proxied visitor", async () => {
    const health = async (headers: Record<string, string> = {}) =>
      (await request(app).get('/api/health').set(headers)).body as { pid?: number };
    // `sky api stop` on this machine: a loopback peer, no proxy in between.
    expect((await health()).pid).toBe(process.pid);
    // nginx on the same host is a loopback peer too, but says whom it forwards (a trusted proxy here).
    expect(await health(A)).not.toHaveProperty('pid');
    expect(await health({ Forwarded: 'for=203.0.113.10' })).not.toHaveProperty('pid');
    expect(await health({ 'X-Real-IP': '203.0.113.10' })).not.toHaveProperty('pid');
  });

  it('does not tell the pid to a caller from another address, even with no proxy header', async () => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!external) {
      console.log('privacy.test.ts: no non-loopback IPv4 address on this machine; the remote-caller pid case is skipped');
      return;
    }
    const server = app.listen(0, '0.0.0.0');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const remote = (await (await fetch(`http://${external}:${port}/api/health`)).json()) as { pid?: number; status: string };
      expect(remote.status).toBe('healthy');
      expect(remote).not.toHaveProperty('pid');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('X-Forwarded-For is ignored unless the peer is a trusted proxy', async () => {
    const untrusted = createApp({ requests: store, dashboard: { builtDir: dir }, rateLimit: null });
    const id = await scheduleAs(untrusted, A, '/status');
    // Same TCP peer (loopback), different claimed address: the claim changes nothing.
    expect((await request(untrusted).get('/api/get').set(B).query({ request_id: id })).status).toBe(200);
  });
});

describe('on the nightly with a trusted auth header', () => {
  const h = useApiHarness();
  let app: SkyApp;
  const carol = { 'X-Auth-User': 'carol@example.com' };
  const dave = { 'X-Auth-User': 'dave@example.com' };
  const admin = { 'X-Auth-User': 'root@example.com' };

  beforeAll(async () => {
    app = createApp({ requests: h.store, dashboard: { builtDir: h.dashboardDir }, authUserHeader: 'X-Auth-User' });
    await globalUserState.addOrUpdateUser({ id: userHashForName('carol@example.com'), name: 'carol@example.com' });
    await globalUserState.setUserRole(userHashForName('carol@example.com'), 'user');
    await globalUserState.setUserRole(userHashForName('dave@example.com'), 'user');
    await globalUserState.setUserRole(userHashForName('root@example.com'), 'admin');
  });

  it('users see their own requests only; an admin sees everyone', async () => {
    const id = await scheduleAs(app, carol, '/status');
    expect((await request(app).get('/api/get').set(carol).query({ request_id: id })).status).toBe(200);
    expect((await request(app).get('/api/get').set(dave).query({ request_id: id })).status).toBe(404);
    expect((await request(app).get('/api/get').set(admin).query({ request_id: id })).status).toBe(200);
    const daveList = await request(app).get('/api/status').set(dave).query({ all_status: 'true' });
    expect(daveList.body.map((r: { request_id: string }) => r.request_id)).not.toContain(id);
    const adminList = await request(app).get('/api/status').set(admin).query({ all_status: 'true' });
    expect(adminList.body.map((r: { request_id: string }) => r.request_id)).toContain(id);
  });

  it("a user's cancel does not reach another user's request", async () => {
    const id = await scheduleAs(app, carol, '/status');
    const cancel = await scheduleAs(app, dave, '/api/cancel', { request_ids: [id] });
    const result = await request(app).get('/api/get').set(dave).query({ request_id: cancel });
    expect(JSON.parse(result.body.return_value)).toEqual([]);
  });
});
