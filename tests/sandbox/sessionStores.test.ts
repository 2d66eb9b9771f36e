/**
 * Both session stores against one contract, with a pinned clock the test moves: lifetime and
 * extensions, the per-session change limits, the live-session cap with reclaiming of the oldest idle
 * session, the sweep, reset and end, and the counters `/demo/stats` reports. The Redis store runs
 * against a real redis-server (skipped with a message without one, except in CI).
 */
import Redis from 'ioredis';
import { MemorySessionStore } from '../../src/sessions/memorySessionStore';
import { RedisSessionStore } from '../../src/sessions/redisSessionStore';
import type { Change } from '../../src/sessions/sessionChanges';
import { changeBytes, type SessionLimits, type SessionStore } from '../../src/sessions/sessionStore';
import { REDIS_URL, redisAvailability, testPrefix } from '../helpers/redis';

const MINUTE = 60_000;
const LIMITS: SessionLimits = {
  ttlMs: 30 * MINUTE,
  maxExtensions: 3,
  maxSessions: 3,
  hardMaxChanges: 5,
  maxBytes: 4096,
  reclaimIdleMs: 5 * MINUTE,
};

interface Harness {
  store: SessionStore;
  clock: { now: number };
  /** Another process's view of the same sessions (Redis only: a second store on the same keys). */
  twin: SessionStore | null;
  close(): Promise<void>;
}

const redis = redisAvailability();
if (!redis.run) console.warn(redis.reason);

const kinds: [string, () => Promise<Harness>][] = [
  [
    'memory',
    async () => {
      const clock = { now: Date.now() };
      const store = new MemorySessionStore(LIMITS, () => clock.now);
      return { store, clock, twin: null, close: () => store.close() };
    },
  ],
];
if (redis.run) {
  kinds.push([
    'redis',
    async () => {
      const clock = { now: Date.now() };
      const prefix = testPrefix('store');
      const store = new RedisSessionStore(new Redis(REDIS_URL), LIMITS, () => clock.now, prefix);
      const twin = new RedisSessionStore(new Redis(REDIS_URL), LIMITS, () => clock.now, prefix);
      return {
        store,
        clock,
        twin,
        close: async () => {
          const keys = await store.redis.keys(`${prefix}*`);
          if (keys.length) await store.redis.del(...keys);
          await store.close();
          await twin.close();
        },
      };
    },
  ]);
}

const stop = (cluster: string, at = 1): Change => ({ kind: 'stop', cluster, at });

describe.each(kinds)('%s session store', (_kind, open) => {
  let h: Harness;
  beforeEach(async () => {
    h = await open();
  });
  afterEach(async () => h.close());

  const create = async () => {
    h.clock.now += 1; // creation order is last-seen order
    const result = await h.store.create();
    if (!('session' in result)) throw new Error('refused');
    return result.session;
  };

  it('lives 30 minutes, then is gone and counted as expired', async () => {
    const s = await create();
    expect(s.expiresAt - h.clock.now).toBe(30 * MINUTE);
    expect(s.extensionsLeft).toBe(3);
    h.clock.now += 30 * MINUTE - 1;
    expect(await h.store.get(s.id)).not.toBeNull();
    h.clock.now += 1;
    expect(await h.store.get(s.id)).toBeNull();
    await h.store.sweep();
    expect((await h.store.stats()).counters.expired).toBe(1);
  });

  it('extends at most 3 times, each time to 30 minutes after the extension', async () => {
    const s = await create();
    for (let i = 1; i <= 3; i++) {
      h.clock.now += 20 * MINUTE;
      const extended = await h.store.extend(s.id);
      expect(extended).toMatchObject({ extensionsLeft: 3 - i, expiresAt: h.clock.now + 30 * MINUTE });
    }
    await expect(h.store.extend(s.id)).rejects.toMatchObject({ status: 409, code: 'no_extensions_left' });
    h.clock.now += 30 * MINUTE - 1;
    expect(await h.store.get(s.id)).not.toBeNull();
    h.clock.now += 1;
    expect(await h.store.get(s.id)).toBeNull();
    expect(await h.store.extend(s.id)).toBeNull();
    expect((await h.store.stats()).counters.extended).toBe(3);
  });

  it('keeps changes in order, refuses past the change and byte limits', async () => {
    const s = await create();
    for (let i = 0; i < 5; i++) await h.store.append(s, stop(`c${i}`, i));
    await expect(h.store.append(s, stop('c5'))).rejects.toMatchObject({ status: 403, type: 'DemoModeError', code: 'session_change_limit' });
    expect((await h.store.get(s.id))!.changes.map((c) => (c as { cluster: string }).cluster)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    const big = await create();
    const config = { blob: 'x'.repeat(3000) };
    await h.store.append(big, { kind: 'workspace_set', workspace: 'w', config, at: 1 });
    await expect(h.store.append(big, { kind: 'workspace_set', workspace: 'v', config, at: 2 })).rejects.toMatchObject({ status: 403 });
    expect((await h.store.stats()).counters['writes:stop']).toBe(5);
  });

  it('refuses a new session at the cap, then reclaims the least recently seen once it has idled', async () => {
    const [a, b, c] = [await create(), await create(), await create()];
    expect(await h.store.create()).toEqual({ refused: 'capacity' });
    h.clock.now += 6 * MINUTE;
    await h.store.get(a.id); // a is seen again: b is now the least recently seen
    const d = await create();
    expect(await h.store.get(b.id)).toBeNull();
    expect(await h.store.get(a.id)).not.toBeNull();
    expect(await h.store.get(c.id)).not.toBeNull();
    expect(await h.store.get(d.id)).not.toBeNull();
    expect(await h.store.create()).toEqual({ refused: 'capacity' });
    const { live, counters } = await h.store.stats();
    expect([live, counters.reclaimed, counters.refused_capacity]).toEqual([3, 1, 2]);
  });

  it('reclaims an expired session before anything else', async () => {
    const a = await create();
    h.clock.now += 20 * MINUTE;
    await create();
    await create();
    h.clock.now += 11 * MINUTE; // a has expired; the others have idled 11 minutes but are not expired
    await create();
    expect(await h.store.get(a.id)).toBeNull();
    expect((await h.store.stats()).counters.expired).toBe(1);
  });

  it('sweeps expired sessions away and keeps the live ones', async () => {
    const old = await create();
    h.clock.now += 20 * MINUTE;
    const young = await create();
    h.clock.now += 11 * MINUTE;
    expect(await h.store.sweep()).toBe(1);
    expect((await h.store.stats()).live).toBe(1);
    expect(await h.store.get(young.id)).not.toBeNull();
    expect(await h.store.get(old.id)).toBeNull();
  });

  it('finds the session that replaced an expired one by the old id, and makes only one', async () => {
    const old = await create();
    h.clock.now += 31 * MINUTE;
    expect(await h.store.get(old.id)).toBeNull();
    const first = await h.store.create({ replaces: old.id });
    const second = await h.store.create({ replaces: old.id });
    if (!('session' in first) || !('session' in second)) throw new Error('refused');
    expect(second.session.id).toBe(first.session.id);
    expect(first.session.replacedExpired).toBe(true);
    expect((await h.store.get(old.id))?.id).toBe(first.session.id);
    h.clock.now += 31 * MINUTE; // the replacement expired too: the old id leads nowhere
    expect(await h.store.get(old.id)).toBeNull();
  });

  it('resets to no changes and ends on request', async () => {
    const s = await create();
    await h.store.append(s, stop('a'));
    const reset = await h.store.reset(s.id);
    expect(reset!.changes).toEqual([]);
    await h.store.append(reset!, stop('b'));
    expect((await h.store.get(s.id))!.changes).toEqual([stop('b')]);
    expect(await h.store.end(s.id)).toBe(true);
    expect(await h.store.get(s.id)).toBeNull();
    expect(await h.store.end(s.id)).toBe(false);
    expect((await h.store.stats()).counters).toMatchObject({ reset: 1, ended: 1 });
  });
});

const redisSuite = redis.run ? describe : describe.skip;
redisSuite('redis session store, shared', () => {
  let h: Harness;
  let store: RedisSessionStore;
  let twin: RedisSessionStore;
  beforeEach(async () => {
    h = await kinds[1][1]();
    store = h.store as RedisSessionStore;
    twin = h.twin as RedisSessionStore;
  });
  afterEach(async () => h.close());
  const create = async () => {
    const result = await h.store.create();
    if (!('session' in result)) throw new Error('refused');
    return result.session;
  };

  it("shares sessions between processes, and a copy catches up on the other side's changes", async () => {
    const s = await create();
    const there = (await twin.get(s.id))!;
    await twin.append(there, stop('from-twin', 1));
    await store.append(s, stop('from-here', 2));
    expect((await store.get(s.id))!.changes.map((c) => (c as { cluster: string }).cluster)).toEqual(['from-twin', 'from-here']);
    expect((await twin.get(s.id))!.changes.map((c) => (c as { cluster: string }).cluster)).toEqual(['from-twin', 'from-here']);
    await twin.reset(s.id);
    expect((await store.get(s.id))!.changes).toEqual([]);
  });

  it('a burst of appends and reads at the change cap leaves no copy ahead of Redis (Redis holds the truth)', async () => {
    const s = await create();
    const there = (await twin.get(s.id))!;
    await twin.append(there, stop('from-twin', 0));
    const mine = (await store.get(s.id))!;
    // Each append is sent before a read of the same copy: the read's tail holds the change the
    // append's reply adds to the copy as well.
    const burst: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) {
      burst.push(store.append(mine, stop(`here-${i}`, i)).catch(() => {}));
      burst.push(store.get(s.id));
    }
    await Promise.all(burst);
    const inRedis = await store.redis.llen(`${store.prefix}s:${s.id}:log`);
    expect(inRedis).toBe(LIMITS.hardMaxChanges);
    expect((await store.get(s.id))!.changes).toHaveLength(inRedis);
    expect((await twin.get(s.id))!.changes).toHaveLength(inRedis);
  });

  it('puts a TTL on every key it writes', async () => {
    const s = await create();
    await store.append(s, stop('a'));
    await store.extend(s.id);
    await new Promise<void>((resolve) => {
      store.count('refused_writes');
      setTimeout(resolve, 50);
    });
    const keys = await store.redis.keys(`${store.prefix}*`);
    expect(keys.sort()).toEqual(
      [
        `${store.prefix}exp`,
        `${store.prefix}live`,
        `${store.prefix}s:${s.id}`,
        `${store.prefix}s:${s.id}:log`,
        `${store.prefix}stats`,
      ].sort(),
    );
    for (const key of keys) expect([key, (await store.redis.pttl(key)) > 0]).toEqual([key, true]);
  });
});

describe('memory session store, accounting', () => {
  it('keeps the bytes of live changes as they come and go, without walking the sessions', async () => {
    const clock = { now: Date.now() };
    const store = new MemorySessionStore(LIMITS, () => clock.now);
    const [a, b] = [await store.create(), await store.create()].map((r) => ('session' in r ? r.session : null)!);
    await store.append(a, stop('a'));
    await store.append(b, stop('bb'));
    const bytes = (c: Change) => changeBytes(JSON.stringify(c));
    expect((await store.stats()).changeBytes).toBe(bytes(stop('a')) + bytes(stop('bb')));
    await store.reset(a.id);
    expect((await store.stats()).changeBytes).toBe(bytes(stop('bb')));
    clock.now += 31 * MINUTE;
    await store.sweep();
    expect((await store.stats()).changeBytes).toBe(0);
  });
});

describe('memory session store, bounded with thousands of sessions', () => {
  const N = 3000;
  const limits: SessionLimits = { ...LIMITS, maxSessions: N, hardMaxChanges: 8 };
  const clock = { now: Date.now() };
  const store = new MemorySessionStore(limits, () => clock.now);
  // What the store holds, as the bench reports it, plus its private map of replaced ids (which must be
  // bounded too, and which stats do not report).
  const replacements = (store as unknown as { replacements: Map<string, string> }).replacements;
  const held = async () => {
    const stats = await store.stats();
    return { live: stats.live, bytes: stats.changeBytes, replacements: replacements.size };
  };
  const fourChanges = (i: number): Change[] => [
    stop(`c-${i}`),
    { kind: 'autostop', cluster: `c-${i}`, minutes: 10, down: false, at: 2 },
    { kind: 'start', cluster: `c-${i}`, at: 3 },
    { kind: 'workspace_set', workspace: `ws-${i}`, config: {}, at: 4 },
  ];
  const bytesPerSession = (i: number) => fourChanges(i).reduce((sum, c) => sum + changeBytes(JSON.stringify(c)), 0);
  let firstIds: string[] = [];
  let fullBytes = 0;

  // Each phase runs on the state the one before left, and checks everything the store holds.
  const phases: [string, () => Promise<void>, () => Promise<object>][] = [
    [
      `${N} sessions with 4 changes each`,
      async () => {
        for (let i = 0; i < N; i++) {
          const created = await store.create();
          if (!('session' in created)) throw new Error('refused below the cap');
          for (const change of fourChanges(i)) await store.append(created.session, change);
          firstIds.push(created.session.id);
        }
        fullBytes = firstIds.reduce((sum, _id, i) => sum + bytesPerSession(i), 0);
      },
      async () => ({ live: N, bytes: fullBytes, replacements: 0 }),
    ],
    [
      `${N} more while all are in use: refused, nothing grows`,
      async () => {
        for (let i = 0; i < N; i++) expect(await store.create()).toEqual({ refused: 'capacity' });
      },
      async () => ({ live: N, bytes: fullBytes, replacements: 0 }),
    ],
    [
      `${N} newcomers once all have idled: each reclaims the oldest`,
      async () => {
        clock.now += limits.reclaimIdleMs;
        for (let i = 0; i < N; i++) expect('session' in (await store.create())).toBe(true);
      },
      async () => ({ live: N, bytes: 0, replacements: 0 }),
    ],
    [
      `${N} returning visitors after every session expired, each replacing their old id`,
      async () => {
        clock.now += limits.ttlMs;
        expect(await store.sweep()).toBe(N);
        for (const id of firstIds) expect('session' in (await store.create({ replaces: id }))).toBe(true);
      },
      async () => ({ live: N, bytes: 0, replacements: N }),
    ],
    [
      `those expire too, and ${N} more return with other old ids: the replaced-id map stays at the cap`,
      async () => {
        clock.now += limits.ttlMs;
        expect(await store.sweep()).toBe(N);
        for (const id of firstIds) expect('session' in (await store.create({ replaces: `${id}-again` }))).toBe(true);
      },
      async () => ({ live: N, bytes: 0, replacements: N }),
    ],
    [
      'all expire and are swept',
      async () => {
        clock.now += limits.ttlMs;
        expect(await store.sweep()).toBe(N);
      },
      async () => ({ live: 0, bytes: 0, replacements: N }),
    ],
  ];

  afterAll(async () => store.close());

  it.each(phases)('%s', async (_name, act, expected) => {
    const started = Date.now();
    await act();
    expect(await held()).toEqual(await expected());
    // Thousands of sessions cost milliseconds each phase, not a soak's minutes.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('counts what happened to them', async () => {
    const { counters } = await store.stats();
    expect(counters).toMatchObject({ created: 4 * N, refused_capacity: N, reclaimed: N, expired: 3 * N });
    firstIds = [];
  });
});
