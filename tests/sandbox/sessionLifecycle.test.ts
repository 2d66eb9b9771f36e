/**
 * A session's life over HTTP, with the sandbox's clock pinned and moved by the test: creation (201,
 * cookie), extension (at most 3 times, 409 after), expiry (the old id gets a fresh session, no
 * error, the changes gone, and the dashboard's `GET /demo/session` says so), reset and end.
 */
import request from 'supertest';
import { SESSION_HEADER, startSandboxApp, type SandboxApp } from './sandboxApp';

const MINUTE = 60_000;
let s: SandboxApp;
beforeAll(async () => {
  s = await startSandboxApp();
});
afterAll(async () => s.close());

const statusOf = async (id: string, cluster: string) =>
  (await s.inSession<{ name: string; status: string }[]>(id, '/status', {})).value.find((c) => c.name === cluster)?.status;

describe('session lifetime', () => {
  it('is created with a cookie for browsers and the id for API clients', async () => {
    const res = await request(s.app).post('/demo/session');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ session_id: expect.stringMatching(/^[\w-]{32}$/), extensions_left: 3, changes: 0, max_changes: 100 });
    expect(Date.parse(res.body.expires_at) - s.clock.now).toBe(30 * MINUTE);
    expect(res.headers['x-demo-session-id']).toBe(res.body.session_id);
    expect(res.headers['set-cookie'][0]).toMatch(
      new RegExp(`^skyts_demo_session=${res.body.session_id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=\\d+$`),
    );
  });

  it('extends 3 times, then answers 409; each extension gives 30 minutes from then', async () => {
    const id = await s.newSession();
    for (const left of [2, 1, 0]) {
      s.clock.now += 25 * MINUTE;
      const res = await request(s.app).post('/demo/session/extend').set(SESSION_HEADER, id);
      expect([res.status, res.body.extensions_left, Date.parse(res.body.expires_at) - s.clock.now]).toEqual([200, left, 30 * MINUTE]);
    }
    const refused = await request(s.app).post('/demo/session/extend').set(SESSION_HEADER, id);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ type: 'DemoSessionError', code: 'no_extensions_left' });
  });

  it('expires: the old id gets a fresh session without an error, its changes are gone, and the dashboard is told', async () => {
    const id = await s.newSession();
    await s.inSession(id, '/stop', { cluster_name: 'lambda-k8s' });
    expect(await statusOf(id, 'lambda-k8s')).toBe('STOPPED');
    s.clock.now += 30 * MINUTE;
    const res = await request(s.app).post('/status').set(SESSION_HEADER, id).send({});
    expect(res.status).toBe(200);
    const fresh = res.headers['x-demo-session-id'];
    expect(fresh).toMatch(/^[\w-]{32}$/);
    expect(fresh).not.toBe(id);
    expect(res.headers['x-demo-session-notice']).toBe('expired');
    expect(await statusOf(fresh, 'lambda-k8s')).toBe('UP');
    // A client that keeps sending the old id stays in that one fresh session (its round trips work).
    const again = await s.inSession<{ name: string; status: string }[]>(id, '/stop', { cluster_name: 'inference-cluster' });
    expect(again.payload.status).toBe('SUCCEEDED');
    expect(
      (await s.inSession<{ name: string; status: string }[]>(fresh, '/status', {})).value.find((c) => c.name === 'inference-cluster')
        ?.status,
    ).toBe('STOPPED');
    const banner = await request(s.app).get('/internal/dashboard/demo/session').set(SESSION_HEADER, fresh);
    expect(banner.body).toMatchObject({ session_id: fresh, replaced_expired: true, extensions_left: 3 });
  });

  it('a browser whose cookie outlived its session gets a new cookie', async () => {
    const first = await request(s.app).get('/dashboard/clusters').set('Accept', 'text/html');
    const cookie = first.headers['set-cookie'][0].split(';')[0];
    s.clock.now += 31 * MINUTE;
    const again = await request(s.app).get('/dashboard/clusters').set('Accept', 'text/html').set('Cookie', cookie);
    expect(again.status).toBe(200);
    expect(again.headers['x-demo-session-notice']).toBe('expired');
    expect(again.headers['set-cookie'][0]).not.toContain(cookie);
  });

  it('resets to the shared world and ends on request', async () => {
    const id = await s.newSession();
    await s.inSession(id, '/down', { cluster_name: 'lambda-k8s' });
    expect(await statusOf(id, 'lambda-k8s')).toBeUndefined();
    const reset = await request(s.app).post('/demo/session/reset').set(SESSION_HEADER, id);
    expect([reset.status, reset.body.changes, reset.body.session_id]).toEqual([200, 0, id]);
    expect(await statusOf(id, 'lambda-k8s')).toBe('UP');
    const ended = await request(s.app).delete('/demo/session').set(SESSION_HEADER, id);
    expect([ended.status, ended.body]).toEqual([200, { ended: true }]);
    expect(ended.headers['set-cookie'][0]).toContain('Max-Age=0');
    const gone = await request(s.app).post('/demo/session/extend').set(SESSION_HEADER, id);
    expect(gone.headers['x-demo-session-id']).not.toBe(id);
  });

  it('gives a visitor without one a session when asked, with what can be launched', async () => {
    const res = await request(s.app).get('/demo/session');
    // A page's scripts never read the id: the body has a handle, the header nothing, the cookie is HttpOnly.
    expect(res.body).toMatchObject({ session_id: expect.stringMatching(/^session:[0-9a-f]{16}$/), notice: 'created', seconds_left: 1800 });
    expect(res.headers['x-demo-session-id']).toBeUndefined();
    expect(res.headers['set-cookie'][0]).toMatch(/HttpOnly/i);
    expect(res.body.launchable).toEqual(['llama-finetune', 'nightly-eval', 'dev-box', 'vllm-inference']);
    expect(res.headers['set-cookie'][0]).toMatch(/^skyts_demo_session=/);
  });
});
