/**
 * What a sandbox session costs in memory is bounded by what the caps count. A session's changes, as
 * `changeBytes` counts them, are at least the heap they take, whatever their shape (8 KiB of tiny
 * keys is ~50 KiB of heap), so `max_sessions` x `max_session_kib` bounds them. And the sessions'
 * world cache is bounded in bytes, not only in count: its estimate of a world is
 * above what a world really retains (measured on the V8 heap after a full GC, for every kind of
 * change and for full sessions), the cache never holds more than its budget however many sessions
 * and changes come, and worlds of an earlier second (each pinning a copy of the shared world) are
 * not kept at all.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import dayjs from 'dayjs';
import { loadFixtures } from '../../src/demo/fixtureLoader';
import { defaultFixturesDir } from '../../src/demo/installDemo';
import { buildWorld, type World } from '../../src/demo/world';
import type { WorldCache } from '../../src/demo/worldCache';
import type { Session } from '../../src/sessions/session';
import type { Change } from '../../src/sessions/sessionChanges';
import { runInScope, type SessionScope } from '../../src/sessions/sessionContext';
import { changeBytes } from '../../src/sessions/sessionStore';
import { loadSessionSettings } from '../../src/sessions/sessionSettings';
import type { SessionStore } from '../../src/sessions/sessionStore';
import { type Simulation, sessionWorld } from '../../src/sessions/sessionWorld';
import { sessionWorldCache, worldBytes } from '../../src/sessions/sessionWorldCache';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const fixtures = loadFixtures(defaultFixturesDir());
const settings = loadSessionSettings(defaultFixturesDir(), {});
const sim: Simulation = { startSeconds: settings.startSeconds, launch: settings.launch, texts: fixtures.texts };
const T0 = dayjs('2026-11-22T12:00:00Z');
const now = T0.unix();
const baseWorld = buildWorld(fixtures, T0, fixtures.contentHash);
const SECTIONS: (keyof World)[] = [
  'clusters',
  'history',
  'clusterJobs',
  'clusterJobLogs',
  'managedJobs',
  'managedJobLogs',
  'volumes',
  'workspaces',
  'enabledClouds',
  'kubernetesNodes',
  'users',
  'provisionLogs',
  'clusterEvents',
  'serviceAccounts',
];
/** Reads every section, as a session's requests together would: a world at its largest. */
const everySection = (w: World) => {
  for (const s of SECTIONS) void w[s];
  return w;
};
everySection(baseWorld);

const clusters = baseWorld.clusters.map((c) => c.name);
const recipes = Object.keys(sim.launch);
const launch = (i: number, k: number, ago = 600): Change => ({
  kind: 'launch',
  cluster: `ft-${i}-${k}`,
  recipe: recipes[k % recipes.length],
  workspace: 'default',
  at: now - ago,
});
const MIXES: [string, (i: number) => Change[]][] = [
  ['a stop', (i) => [{ kind: 'stop', cluster: clusters[i % clusters.length], at: now - 20 }]],
  [
    'a stop and a start (provisioning log)',
    () => [
      { kind: 'stop', cluster: clusters[0], at: now - 40 },
      { kind: 'start', cluster: clusters[0], at: now - 20 },
    ],
  ],
  ['an autostop', (i) => [{ kind: 'autostop', cluster: clusters[i % clusters.length], minutes: 10, down: false, at: now }]],
  ['a workspace', (i) => [{ kind: 'workspace_set', workspace: `team-${i}`, config: { gcp: { project_id: `p-${i}` } }, at: now }]],
  ['a launch mid-run', (i) => [launch(i, 0, 12)]],
  ['10 finished launches', (i) => Array.from({ length: 10 }, (_, k) => launch(i, k))],
  ['a full session: 100 launches', (i) => Array.from({ length: 100 }, (_, k) => launch(i, k))],
  [
    'a full session: 100 mixed changes',
    (i) =>
      Array.from(
        { length: 100 },
        (_, k): Change => (k % 2 ? { kind: 'stop', cluster: clusters[k % clusters.length], at: now - 100 + k } : launch(i, k)),
      ),
  ],
];

const bytesOf = (changes: Change[]) => changes.reduce((sum, c) => sum + changeBytes(JSON.stringify(c)), 0);

describe("a session's changes, as the caps count them", () => {
  const MAX = 64 * 1024;
  const filled = (make: (k: number) => Record<string, unknown>) => {
    const config: Record<string, unknown> = {};
    for (let k = 0; JSON.stringify(config).length < 7_800; k++) Object.assign(config, make(k));
    return config;
  };
  // Built once (the stores keep parsed copies of the text, distinct per session, as measured).
  const TINY_KEYS = filled((j) => ({ [`k${j}`]: j }));
  const NESTED = filled((j) => ({ [`k${j}`]: { a: [j] } }));
  const SHAPES: [string, (s: number, k: number) => Change][] = [
    [
      'one long string per workspace',
      (s, k) => ({ kind: 'workspace_set', workspace: `w${s}-${k}`, config: { note: 'x'.repeat(7_800) }, at: now }),
    ],
    ['tiny keys', (s, k) => ({ kind: 'workspace_set', workspace: `w${s}-${k}`, config: TINY_KEYS, at: now })],
    ['nested tiny values', (s, k) => ({ kind: 'workspace_set', workspace: `w${s}-${k}`, config: NESTED, at: now })],
    ['launches', (s, k) => launch(s, k)],
    ['stops', (_s, k) => ({ kind: 'stop', cluster: clusters[k % clusters.length], at: now + k })],
  ];

  it.each(SHAPES)('are at least the heap they take (%s), up to a full session', (_what, make) => {
    const n = 100;
    const texts: string[][] = [];
    for (let s = 0; s < n; s++) {
      const own: string[] = [];
      let counted = 0;
      for (let k = 0; ; k++) {
        const text = JSON.stringify(make(s, k));
        if (counted + changeBytes(text) > MAX || own.length >= 100) break;
        own.push(text);
        counted += changeBytes(text);
      }
      texts.push(own);
    }
    const counted = texts.reduce((sum, own) => sum + own.reduce((a, t) => a + changeBytes(t), 0), 0) / n;
    const before = heapUsed();
    // Kept as the stores keep them: parsed objects in an array per session.
    const sessions = texts.map((own) => own.map((t) => JSON.parse(t) as Change));
    const measured = (heapUsed() - before) / n;
    expect(sessions).toHaveLength(n);
    expect(counted).toBeLessThanOrEqual(MAX);
    expect(measured).toBeLessThan(counted + 1024);
  });
});

describe('the estimate of a session world', () => {
  it.each(MIXES)('is above what a world with %s retains (and within 4x of it)', (_what, changesOf) => {
    const n = 40;
    const changes = Array.from({ length: n }, (_, i) => changesOf(i));
    // First calls compile code and grow shared caches: not what a world keeps.
    for (let i = 0; i < 5; i++) everySection(sessionWorld(baseWorld, changesOf(n + i), now, sim));
    const before = heapUsed();
    const kept = changes.map((c) => everySection(sessionWorld(baseWorld, c, now, sim)));
    const measured = (heapUsed() - before) / n;
    expect(kept).toHaveLength(n);
    const estimate = worldBytes(changes[0], bytesOf(changes[0]), sim);
    expect(measured).toBeLessThan(estimate);
    expect(estimate).toBeLessThan(4 * Math.max(measured, 16 * 1024));
  });
});

describe('the cache', () => {
  /** A shared world whose version the test moves (a new second). */
  function baseCache() {
    let version = 1;
    const cache: WorldCache = { current: () => baseWorld, version: () => `demo:1:${version}` };
    return { cache, nextSecond: () => version++ };
  }
  const scopeOf = (id: string, changes: Change[]): SessionScope => ({
    session: {
      id,
      createdAt: 0,
      expiresAt: Number.MAX_SAFE_INTEGER,
      extensionsLeft: 3,
      replacedExpired: false,
      changes,
      bytes: bytesOf(changes),
      generation: 0,
    } satisfies Session,
    notice: null,
    store: {} as SessionStore,
    world: null,
  });

  it.each([
    ['1 MiB', 1024 * 1024],
    ['4 MiB', 4 * 1024 * 1024],
  ])('never holds more than its budget (%s), whatever sessions come', (_what, budget) => {
    const { cache } = baseCache();
    const worlds = sessionWorldCache(cache, () => sim, budget);
    let largest = 0;
    for (let i = 0; i < 300; i++) {
      const changes = MIXES[i % MIXES.length][1](i);
      const world = runInScope(scopeOf(`s${i}`, changes), () => worlds.current());
      expect(world.clusters.length).toBeGreaterThan(0);
      largest = Math.max(largest, worlds.kept().bytes);
      expect(worlds.kept().bytes).toBeLessThanOrEqual(budget);
    }
    // It was filled, not just left empty.
    expect(largest).toBeGreaterThan(budget / 2);
  });

  it("keeps a session's world for its second, and none of an earlier second", () => {
    const { cache, nextSecond } = baseCache();
    const worlds = sessionWorldCache(cache, () => sim);
    const scopes = Array.from({ length: 20 }, (_, i) => scopeOf(`s${i}`, [launch(i, 0)]));
    const first = scopes.map((s) => runInScope({ ...s }, () => worlds.current()));
    expect(worlds.kept().worlds).toBe(20);
    // The same second: the same world, not derived again.
    expect(runInScope({ ...scopes[3] }, () => worlds.current())).toBe(first[3]);
    nextSecond();
    const again = runInScope({ ...scopes[3] }, () => worlds.current());
    expect(again).not.toBe(first[3]);
    expect(worlds.kept().worlds).toBe(1);
  });

  it('serves a world larger than the whole budget without keeping it', () => {
    const { cache } = baseCache();
    const worlds = sessionWorldCache(cache, () => sim, 64 * 1024);
    const full = Array.from({ length: 100 }, (_, k) => launch(0, k));
    expect(runInScope(scopeOf('big', full), () => worlds.current()).clusters.length).toBeGreaterThan(100);
    expect(worlds.kept()).toEqual({ worlds: 0, bytes: 0 });
  });
});
