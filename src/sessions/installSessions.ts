/**
 * Visitor sessions' install step, on top of the demo's: the session store (memory, or Redis when
 * SKYPILOT_DEMO_REDIS_URL is set), the session-aware world the fakes read, the session writes that
 * extend the demo's manifest, the door (request hook), the session endpoints and `/launch`, and the
 * periodic sweep. `installSessionDemo` hands them to `installDemo` as its extension, which puts them
 * in place through its one sinon sandbox; `close()` stops the sweep and the store.
 *
 * The sessions depend on the demo, never the reverse: delete src/sessions/ and the read-only demo
 * stands as it is.
 */
import type { RequestHook } from '../appExtensions';
import type { Endpoint } from '../http/endpoint';
import type { FixtureSource } from '../demo/fixtureLoader';
import { type DemoExtension, type DemoInstallation, type DemoOptions, installDemo } from '../demo/installDemo';
import type { WorldCache } from '../demo/worldCache';
import { launchEndpoint } from './launchEndpoint';
import { launchPreflightEndpoints } from './launchPreflight';
import { BANNER_TAGS, bannerEndpoints } from './officialBanner';
import { MemorySessionStore } from './memorySessionStore';
import { memoryNewSessionLimiter, type NewSessionLimiter, redisNewSessionLimiter } from './newSessionLimiter';
import { connectRedis, RedisSessionStore } from './redisSessionStore';
import { sessionDoor, sessionVisitor } from './sessionDoor';
import { loadSessionSettings } from './sessionSettings';
import { type SessionSettings, SessionSettingsError } from './sessionSettings';
import { sessionEndpoints } from './sessionEndpoints';
import type { Clock, SessionLimits, SessionStore } from './sessionStore';
import { withSessionWrites } from './sessionWrites';
import { sessionWorldCache } from './sessionWorldCache';

/** Writes of one operation land as several changes (`down` is two): the store allows this many past the door's cap. */
const CHANGE_SLACK = 16;

export interface SessionsOptions {
  settings: SessionSettings;
  fixtures: FixtureSource;
  world: WorldCache;
  log: (line: string) => void;
  clock?: Clock;
}

export interface Sessions extends DemoExtension {
  settings: SessionSettings;
  store: SessionStore;
  /** The world the fakes read: the shared one, or the current request's session's. */
  world: WorldCache;
  door: RequestHook;
  endpoints: Endpoint[];
  identifyVisitor: typeof sessionVisitor;
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export function limitsOf(settings: SessionSettings): SessionLimits {
  return {
    ttlMs: settings.sessionMinutes * 60_000,
    maxExtensions: settings.maxExtensions,
    maxSessions: settings.maxSessions,
    hardMaxChanges: settings.maxChanges + CHANGE_SLACK,
    maxBytes: settings.maxSessionBytes,
    reclaimIdleMs: settings.reclaimIdleMinutes * 60_000,
  };
}

export function createSessions(options: SessionsOptions): Sessions {
  const { settings, fixtures, log } = options;
  const recipes = new Set(fixtures.current().recipes.map((r) => r.name));
  for (const recipe of Object.keys(settings.launch)) {
    if (!recipes.has(recipe)) throw new SessionSettingsError(`sandbox.yaml: launch.${recipe}: no recipe named '${recipe}' in recipes.yaml`);
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
    manifest: (base) => withSessionWrites(base, world),
    door: sessionDoor(deps),
    endpoints: [
      ...sessionEndpoints(deps),
      ...launchPreflightEndpoints(settings, world),
      launchEndpoint(settings, world),
      ...bannerEndpoints,
    ],
    officialHtmlInjection: BANNER_TAGS,
    identifyVisitor: sessionVisitor,
    sweep,
    close: async () => {
      clearInterval(timer);
      await store.close();
    },
  };
}

export interface SessionDemoOptions extends Omit<DemoOptions, 'extend'> {
  /** Settings over those of sandbox.yaml and the environment (tests), or false to keep sessions off. */
  sessions?: (Partial<SessionSettings> & { clock?: Clock }) | false;
}

/** The demo, with visitor sessions when they are on (sandbox.yaml or SKYPILOT_DEMO_SANDBOX=1). */
export function installSessionDemo(options: SessionDemoOptions = {}): DemoInstallation & { sessions: Sessions | null } {
  const { sessions: overrides, ...demoOptions } = options;
  let sessions: Sessions | null = null;
  const demo = installDemo({
    ...demoOptions,
    extend: ({ fixtures, world, log }) => {
      const settings = { ...loadSessionSettings(fixtures.dir), ...(overrides === false ? { enabled: false } : (overrides ?? {})) };
      if (!settings.enabled) return null;
      sessions = createSessions({ settings, fixtures, world, log, clock: overrides ? overrides.clock : undefined });
      return sessions;
    },
  });
  return { ...demo, sessions };
}
