/**
 * Two promises of decision 0010 that the store-level tests cannot show: the periodic sweep is wired
 * (installSessions.ts's timer removes an expired session nobody touches; a read would drop it lazily
 * and hide a missing timer), and sessions are copy-on-write (a session stores nothing and reads the
 * shared world itself until it writes, and then holds only its own changes).
 */
import request from 'supertest';
import { runInScope } from '../../src/sessions/sessionContext';
import type { Session } from '../../src/sessions/session';
import type { SessionStore } from '../../src/sessions/sessionStore';
import { SESSION_HEADER, type SandboxApp, startSandboxApp } from './sandboxApp';

const MINUTE = 60_000;

/** What the store holds, read without touching any session (`get` would renew or drop it). */
const held = async (store: SessionStore) => {
  const stats = await store.stats();
  return { live: stats.live, expired: stats.counters.expired ?? 0 };
};

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('the periodic sweep', () => {
  // [sweep_seconds, live sessions after the wait]: a 50 ms sweep removes the expired session by
  // itself; with the sweep an hour away the same wait leaves it, so the timer is what removed it.
  it.each([
    [0.05, 0],
    [3600, 1],
  ])('with sweep_seconds %s, an expired session nobody touches leaves %i live', async (sweepSeconds, liveAfter) => {
    const s = await startSandboxApp({ sweepSeconds, sessionMinutes: 30 });
    try {
      const store = s.demo.sessions!.store;
      await s.newSession();
      expect(await held(store)).toEqual({ live: 1, expired: 0 });
      s.clock.now += 31 * MINUTE;
      const swept = await until(async () => (await held(store)).live === 0, 600);
      expect(swept).toBe(liveAfter === 0);
      expect(await held(store)).toEqual({ live: liveAfter, expired: 1 - liveAfter });
    } finally {
      await s.close();
    }
  });
});

describe('copy-on-write sessions', () => {
  let s: SandboxApp;
  beforeAll(async () => {
    s = await startSandboxApp();
  });
  afterAll(async () => s.close());

  const stored = async (id: string): Promise<Session> => (await s.demo.sessions!.store.get(id))!;
  const worldIn = (session: Session) =>
    runInScope({ session, notice: null, store: s.demo.sessions!.store, world: null }, () => s.demo.world.current());

  it('a new session stores nothing and reads the shared world itself until it writes', async () => {
    const [a, b] = [await s.newSession(), await s.newSession()];
    for (const id of [a, b]) {
      expect((await request(s.app).post('/status').set(SESSION_HEADER, id).send({})).status).toBe(200);
      expect((await s.inSession<unknown[]>(id, '/status', {})).value.length).toBeGreaterThanOrEqual(5);
    }
    const shared = s.demo.world.current();
    for (const id of [a, b]) {
      const session = await stored(id);
      expect([session.changes, session.bytes]).toEqual([[], 0]);
      // The very object every visitor reads: nothing was copied for this session.
      expect(worldIn(session)).toBe(shared);
    }
  });

  it("a session's size grows only with its own changes, and the shared world stays as it was", async () => {
    const [a, b] = [await s.newSession(), await s.newSession()];
    const bytesOf = async () => [(await stored(a)).bytes, (await stored(b)).bytes];
    const total = async () => (await s.demo.sessions!.store.stats()).changeBytes ?? 0;
    const before = await total();

    // [session, what it does, the changes it then holds]
    const steps: [string, () => Promise<unknown>, string][] = [
      [a, () => s.inSession(a, '/stop', { cluster_name: 'lambda-k8s' }), 'stop'],
      [a, () => s.inSession(a, '/autostop', { cluster_name: 'inference-cluster', idle_minutes: 15 }), 'stop,autostop'],
      [b, () => s.inSession(b, '/workspaces/create', { workspace_name: 'cow-team', config: {} }), 'workspace_set'],
    ];
    let last = await bytesOf();
    expect(last).toEqual([0, 0]);
    for (const [who, act, kinds] of steps) {
      await act();
      const now = await bytesOf();
      const mine = who === a ? 0 : 1;
      const other = 1 - mine;
      // Only the writer grew, by one small change record (never by a copy of the world).
      expect(now[other]).toBe(last[other]);
      expect(now[mine] - last[mine]).toBeGreaterThan(0);
      expect(now[mine] - last[mine]).toBeLessThan(512);
      expect((await stored(who)).changes.map((c) => c.kind).join(',')).toBe(kinds);
      last = now;
    }
    expect((await total()) - before).toBe(last[0] + last[1]);

    const shared = s.demo.world.current();
    expect(worldIn(await stored(a))).not.toBe(shared);
    expect(shared.clusters.find((c) => c.name === 'lambda-k8s')?.status).toBe('UP');
    expect(Object.keys(shared.workspaces)).not.toContain('cow-team');
  });
});
