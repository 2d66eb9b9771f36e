/**
 * Builds the sandbox for the demo installer: the session store (memory, or Redis when
 * SKYPILOT_DEMO_REDIS_URL is set), the session-aware world the fakes read, the request hook, the
 * session endpoints and `/launch`, and the periodic sweep. `installDemo` puts the pieces in place
 * through its one sinon sandbox; `close()` stops the sweep and the store.
 */
import type { RequestHook } from '../../appExtensions';
import type { Endpoint } from '../../http/endpoint';
import type { FixtureSource } from '../fixtureLoader';
import type { WorldCache } from '../worldCache';
import { launchEndpoint } from './launchEndpoint';
import { MemorySessionStore } from './memorySessionStore';
import { memoryNewSessionLimiter, type NewSessionLimiter, redisNewSessionLimiter } from './newSessionLimiter';
import { connectRedis, RedisSessionStore } from './redisSessionStore';
import { sandboxHook, sessionVisitor } from './sandboxHook';
import { type SandboxSettings, SandboxSettingsError } from './sandboxSettings';
import { sessionEndpoints } from './sessionEndpoints';
import type { Clock, SessionLimits, SessionStore } from './sessionStore';
import { sessionWorldCache } from './sessionWorldCache';

/** Writes of one operation land as several changes (`down` is two): the store allows this many past the door's cap. */
const CHANGE_SLACK = 16;

export interface SandboxOptions {
  settings: SandboxSettings;
  fixtures: FixtureSource;
  world: WorldCache;
  log: (line: string) => void;
  clock?: Clock;
}

export interface Sandbox {
  settings: SandboxSettings;
  store: SessionStore;
  /** The world the fakes read: the shared one, or the current request's session's. */
  world: WorldCache;
  hook: RequestHook;
  endpoints: Endpoint[];
  identifyVisitor: typeof sessionVisitor;
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export function limitsOf(settings: SandboxSettings): SessionLimits {
  return {
    ttlMs: settings.sessionMinutes * 60_000,
    maxExtensions: settings.maxExtensions,
    maxSessions: settings.maxSessions,
    hardMaxChanges: settings.maxChanges + CHANGE_SLACK,
    maxBytes: settings.maxSessionBytes,
    reclaimIdleMs: settings.reclaimIdleMinutes * 60_000,
  };
}

export function createSandbox(options: SandboxOptions): Sandbox {
  const { settings, fixtures, log } = options;
  const recipes = new Set(fixtures.current().recipes.map((r) => r.name));
  for (const recipe of Object.keys(settings.launch)) {
    if (!recipes.has(recipe)) throw new SandboxSettingsError(`sandbox.yaml: launch.${recipe}: no recipe named '${recipe}' in recipes.yaml`);
  }
  const limits = limitsOf(settings);
  let store: SessionStore;
  let newSessions: NewSessionLimiter;
  if (settings.redisUrl) {
    const prefix = settings.redisPrefix;
    const redis = connectRedis(settings.redisUrl, log);
    store = new RedisSessionStore(redis, limits, options.clock, prefix);
    newSessions = redisNewSessionLimiter(redis, prefix, settings.newSessionsPerMinute);
  } else {
    store = new MemorySessionStore(limits, options.clock);
    newSessions = memoryNewSessionLimiter(settings.newSessionsPerMinute);
  }
  const world = sessionWorldCache(options.world, () => ({
    startSeconds: settings.startSeconds,
    launch: settings.launch,
    texts: fixtures.current().texts,
  }));
  // The cookie outlives every session, so a returning browser learns its session expired.
  const cookieSeconds = (limits.ttlMs * (settings.maxExtensions + 1)) / 1000 + 86_400;
  const deps = { store, newSessions, log, maxChanges: settings.maxChanges, cookieSeconds, settings, clock: options.clock ?? Date.now };
  const sweep = async () => {
    try {
      return await store.sweep();
    } catch (error) {
      log(`[demo] sandbox: sweep failed (${(error as Error).message}); retrying in ${settings.sweepSeconds}s`);
      return 0;
    }
  };
  const timer = setInterval(() => void sweep(), settings.sweepSeconds * 1000);
  timer.unref();
  return {
    settings,
    store,
    world,
    hook: sandboxHook(deps),
    endpoints: [...sessionEndpoints(deps), launchEndpoint(settings, world)],
    identifyVisitor: sessionVisitor,
    sweep,
    close: async () => {
      clearInterval(timer);
      await store.close();
    },
  };
}
