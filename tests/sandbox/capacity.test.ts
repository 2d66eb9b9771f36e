/**
 * The caps over HTTP: past the live-session cap or the per-address rate of new sessions, a visitor
 * gets the read-only world with the reason (a header on every answer, JSON from `GET /demo/session`,
 * the refusal's message on a write), never an error page; an idle session is reclaimed for a new one.
 * Past the change limit a session's writes are refused until it is reset. With Redis gone, the same
 * degraded answers. The operators' stats need their token.
 */
import request from 'supertest';
import { SESSION_HEADER, startSandboxApp, type SandboxApp } from './sandboxApp';

const MINUTE = 60_000;
const TOKEN = 'stats-token-0123456789';

describe('live-session cap', () => {
  let s: SandboxApp;
  beforeAll(async () => {
    s = await startSandboxApp({ maxSessions: 2, reclaimIdleMinutes: 5 });
  });
  afterAll(async () => s.close());

  it('gives a visitor past the cap the read-only world with the reason, then reclaims an idle session', async () => {
    const first = await s.newSession();
    await s.newSession();
    const page = await request(s.app).get('/dashboard/clusters').set('Accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.headers['x-demo-session-notice']).toBe('capacity');
    expect(page.headers['set-cookie']).toBeUndefined();
    const banner = await request(s.app).get('/internal/dashboard/demo/session');
    expect(banner.body).toMatchObject({
      session_id: null,
      notice: 'capacity',
      message: expect.stringMatching(/sandbox is full right now/),
    });
    // A browser's change (its fetches carry Sec-Fetch-Site), turned away by the cap with the reason.
    const write = await request(s.app).post('/stop').set('Sec-Fetch-Site', 'same-origin').send({ cluster_name: 'lambda-k8s' });
    expect(write.headers['x-demo-session-notice']).toBe('capacity');
    const failed = await request(s.app).get('/api/get').query({ request_id: write.headers['x-skypilot-request-id'] });
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body.detail.error).message).toMatch(/sandbox is full right now/);
    const explicit = await request(s.app).post('/demo/session');
    expect([explicit.status, explicit.body.error.code]).toEqual([503, 'sandbox_capacity']);
    const read = await request(s.app).post('/status').send({});
    expect(read.status).toBe(200);

    s.clock.now += 6 * MINUTE;
    await request(s.app).post('/status').set(SESSION_HEADER, first).send({});
    const reclaimed = await request(s.app).get('/dashboard/clusters').set('Accept', 'text/html');
    expect(reclaimed.headers['x-demo-session-notice']).toBe('created');
    const stats = await s.demo.sessions!.store.stats();
    expect([stats.live, stats.counters.reclaimed]).toEqual([2, 1]);
  });
});

describe('new sessions per address per minute', () => {
  let s: SandboxApp;
  beforeAll(async () => {
    s = await startSandboxApp({ newSessionsPerMinute: 3 });
  });
  afterAll(async () => s.close());

  it('allows 3 a minute per address, then the read-only world with the reason', async () => {
    for (let i = 0; i < 3; i++) expect((await request(s.app).post('/demo/session')).status).toBe(201);
    const limited = await request(s.app).post('/demo/session');
    expect([limited.status, limited.body.error.code]).toEqual([429, 'sandbox_rate']);
    const page = await request(s.app).get('/dashboard/').set('Accept', 'text/html');
    expect([page.status, page.headers['x-demo-session-notice']]).toEqual([200, 'rate']);
    const other = await request(s.app).post('/demo/session').set('X-Forwarded-For', '203.0.113.9');
    expect(other.status).toBe(429); // the proxy is not trusted: still the same address
  });
});

describe('changes per session', () => {
  let s: SandboxApp;
  beforeAll(async () => {
    s = await startSandboxApp({ maxChanges: 2 });
  });
  afterAll(async () => s.close());

  it('refuses writes past the limit until the session is reset', async () => {
    const id = await s.newSession();
    await s.inSession(id, '/stop', { cluster_name: 'lambda-k8s' });
    await s.inSession(id, '/start', { cluster_name: 'lambda-k8s' });
    const third = await s.inSession(id, '/stop', { cluster_name: 'inference-cluster' });
    expect(third.payload.status).toBe('FAILED');
    expect(third.error?.message).toMatch(/made 2 changes, the most allowed: reset it/);
    await request(s.app).post('/demo/session/reset').set(SESSION_HEADER, id);
    expect((await s.inSession(id, '/stop', { cluster_name: 'inference-cluster' })).payload.status).toBe('SUCCEEDED');
  });
});

describe('stats', () => {
  let s: SandboxApp;
  beforeAll(async () => {
    s = await startSandboxApp({ statsToken: TOKEN });
  });
  afterAll(async () => s.close());

  it.each([
    [{}, 401, 'stats_token_required'],
    [{ Authorization: 'Bearer wrong-token-wrong-token' }, 403, 'stats_token_wrong'],
    [{ Authorization: `Basic ${TOKEN}` }, 401, 'stats_token_required'],
  ])('refuses %j with %i', async (headers, status, code) => {
    const res = await request(s.app).get('/demo/stats').set(headers);
    expect([res.status, res.body.error.code]).toEqual([status, code]);
  });

  it('reports sessions, writes by kind, refusals and capacity to the token holder', async () => {
    const id = await s.newSession();
    await s.inSession(id, '/stop', { cluster_name: 'lambda-k8s' });
    await s.inSession(id, '/down', { cluster_name: 'nebius-k8s' });
    await request(s.app).post('/users/create').set(SESSION_HEADER, id).send({ username: 'eve' });
    await request(s.app).post('/demo/session/extend').set(SESSION_HEADER, id);
    const res = await request(s.app).get('/internal/dashboard/demo/stats').set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      store: 'memory',
      live_sessions: 1,
      created: 1,
      extended: 1,
      refused_writes: 1,
      writes: { stop: 1, down: 1, clear_jobs: 1 },
      capacity: { max_sessions: 2000, max_changes_per_session: 100, session_minutes: 30, max_extensions: 3 },
    });
  });
});

describe('stats without a token configured', () => {
  let s: SandboxApp;
  beforeAll(async () => {
    s = await startSandboxApp();
  });
  afterAll(async () => s.close());

  it('are off', async () => {
    const res = await request(s.app).get('/demo/stats').set('Authorization', `Bearer ${TOKEN}`);
    expect([res.status, res.body.error.code]).toEqual([403, 'stats_disabled']);
  });
});

describe('Redis unreachable', () => {
  let s: SandboxApp;
  // Nothing listens on port 1: every Redis call fails fast.
  beforeAll(async () => {
    s = await startSandboxApp({ redisUrl: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => s.close());

  it('serves the read-only world with the reason, never an error', async () => {
    const page = await request(s.app).get('/dashboard/').set('Accept', 'text/html');
    expect([page.status, page.headers['x-demo-session-notice']]).toEqual([200, 'unavailable']);
    const status = await request(s.app).post('/status').send({});
    expect(status.status).toBe(200);
    const write = await request(s.app).post('/stop').set('Sec-Fetch-Site', 'same-origin').send({ cluster_name: 'lambda-k8s' });
    expect(write.status).toBe(200);
    const failed = await request(s.app).get('/api/get').query({ request_id: write.headers['x-skypilot-request-id'] });
    expect(JSON.parse(failed.body.detail.error).message).toMatch(/sandbox is unavailable right now/);
    const withId = await request(s.app).post('/status').set(SESSION_HEADER, 'a'.repeat(32)).send({});
    expect([withId.status, withId.headers['x-demo-session-notice']]).toEqual([200, 'unavailable']);
    const create = await request(s.app).post('/demo/session');
    expect([create.status, create.body.error.code]).toEqual([503, 'sandbox_unavailable']);
  });
});
