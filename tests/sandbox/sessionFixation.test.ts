/**
 * Sessions cannot be fixed or guessed, on the memory and the Redis store: an id the server never
 * issued leads nowhere (each use gets a new session, never one the id names); a planted cookie is
 * replaced and its id never leads into the visitor's new session; extend and reset need a live
 * session (an unknown id creates none and spends nothing); and a page's scripts never read the id
 * (GET /demo/session answers a handle, no id header; the cookie is HttpOnly).
 */
import request from 'supertest';
import { newSessionId, wasIssuedHere } from '../../src/sessions/sessionId';
import { REDIS_URL, redisAvailability, testPrefix } from '../helpers/redis';
import { SESSION_HEADER, startSandboxApp, type SandboxApp } from './sandboxApp';

const MINUTE = 60_000;
const redis = redisAvailability();
if (!redis.run) console.warn(redis.reason);

const STORES: [string, () => Promise<SandboxApp>][] = [
  ['memory', () => startSandboxApp()],
  ...(redis.run
    ? [
        ['redis', () => startSandboxApp({ redisUrl: REDIS_URL, redisPrefix: testPrefix('fixation') })] as [
          string,
          () => Promise<SandboxApp>,
        ],
      ]
    : []),
];

/** A well-formed id this server never issued: the right shape, a wrong signature. */
const madeUp = () => `${'A'.repeat(24)}${newSessionId().slice(24)}`;

describe.each(STORES)('%s store', (_kind, start) => {
  let s: SandboxApp;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(async () => s.close());

  it('ids are signed: ours verify, a made-up one of the same shape does not', () => {
    expect(wasIssuedHere(newSessionId())).toBe(true);
    expect(wasIssuedHere(madeUp())).toBe(false);
  });

  it('a made-up id in the header gets a fresh session under another id, and never leads to it again', async () => {
    const planted = madeUp();
    const first = await request(s.app).post('/status').set(SESSION_HEADER, planted).send({});
    const given = first.headers['x-demo-session-id'];
    expect(given).toMatch(/^[\w-]{32}$/);
    expect(given).not.toBe(planted);
    await s.inSession(given, '/stop', { cluster_name: 'lambda-k8s' });
    // The planted id, from anywhere, is still nobody's: another fresh session, not the one above.
    const again = await request(s.app).post('/status').set(SESSION_HEADER, planted).set('X-Forwarded-For', '198.51.100.9').send({});
    expect(again.headers['x-demo-session-id']).not.toBe(given);
    expect(again.headers['x-demo-session-id']).not.toBe(planted);
  });

  it("a planted cookie is replaced, and its id never leads into the visitor's new session", async () => {
    // The attacker's own session, run out, planted in the victim's browser.
    const attackers = await s.newSession();
    s.clock.now += 31 * MINUTE;
    const visit = await request(s.app)
      .get('/dashboard/clusters')
      .set('Accept', 'text/html')
      .set('Cookie', `skyts_demo_session=${attackers}`);
    const cookie = String(visit.headers['set-cookie'][0]).split(';')[0];
    const victims = cookie.split('=')[1];
    expect(victims).not.toBe(attackers);
    await s.inSession(victims, '/stop', { cluster_name: 'lambda-k8s' });
    // The attacker sends the planted id: not the victim's session.
    const probe = await request(s.app).post('/status').set(SESSION_HEADER, attackers).send({});
    expect(probe.headers['x-demo-session-id']).not.toBe(victims);
  });

  it('extend and reset with an unknown id create nothing and spend nothing', async () => {
    for (const path of ['/demo/session/extend', '/demo/session/reset']) {
      for (const id of [madeUp(), newSessionId()]) {
        const res = await request(s.app).post(path).set(SESSION_HEADER, id);
        expect([path, res.status, res.headers['x-demo-session-id']]).toEqual([path, 404, undefined]);
      }
    }
  });

  it("GET /demo/session never shows a page's scripts the id; the cookie is HttpOnly", async () => {
    const page = await request(s.app).get('/dashboard/clusters').set('Accept', 'text/html');
    const setCookie = String(page.headers['set-cookie'][0]);
    expect(setCookie).toMatch(/HttpOnly/i);
    const cookie = setCookie.split(';')[0];
    const id = cookie.split('=')[1];
    const banner = await request(s.app).get('/demo/session').set('Cookie', cookie);
    expect(banner.status).toBe(200);
    expect(banner.text).not.toContain(id);
    expect(banner.headers['x-demo-session-id']).toBeUndefined();
    expect(banner.body.session_id).toMatch(/^session:[0-9a-f]{16}$/);
    // A client that named its session in the header already knows it.
    expect((await request(s.app).get('/demo/session').set(SESSION_HEADER, id)).body.session_id).toBe(id);
  });
});
