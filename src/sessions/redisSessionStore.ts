/**
 * Sessions in Redis, shared by every replica: any replica serves any visitor. Each operation is one
 * Lua script (redisScripts.ts), so limits hold across replicas. Per request the sandbox makes one
 * small round trip: this process keeps a bounded copy of recently used sessions, and `get` fetches
 * only the changes its copy lacks (all of them after a reset, which moves the generation).
 *
 * Redis being down is not fatal: calls fail fast (a short command timeout, no endless retries) and
 * the caller degrades to the read-only world. Connection errors are logged at most once a minute.
 */
import type Redis from 'ioredis';
import type { Session } from './session';
import { type Change, parseChange } from './sessionChanges';
import { changeLimit, noExtensionsLeft, sessionEnded } from './sessionErrors';
import { newSessionId } from './sessionId';
import * as scripts from './redisScripts';
import { changeBytes, newSession } from './sessionStore';
import type { Clock, CreateResult, SessionLimits, SessionStore, StoreStats } from './sessionStore';

export const DEFAULT_REDIS_PREFIX = 'skyts:demo:';
/** Sessions whose changes this process keeps between requests. */
const LOCAL_COPIES_MAX = 10_000;
/** Last-seen is written at most this often per session (it orders reclaiming, coarse is enough). */
const TOUCH_MS = 10_000;
const SWEEP_BATCH = 1000;
const COMMAND_TIMEOUT_MS = 500;
const LOG_EVERY_MS = 60_000;
const LOST = new Set(['reconnecting', 'close', 'end']);

/**
 * True once a connection that was up is lost: calls should fail now rather than queue behind the
 * reconnect attempts (while it first connects, they wait, bounded by the connect timeout).
 */
export function redisLost(redis: Redis): boolean {
  return LOST.has(redis.status);
}

type Script = keyof typeof SCRIPTS;
const SCRIPTS = {
  sessionsCreate: scripts.CREATE,
  sessionsGet: scripts.GET,
  sessionsAppend: scripts.APPEND,
  sessionsExtend: scripts.EXTEND,
  sessionsReset: scripts.RESET,
  sessionsEnd: scripts.END,
  sessionsSweep: scripts.SWEEP,
} as const;

type GetReply = [string, string, string, string, string, string, number, string[], string] | null;

export function connectRedis(url: string, log: (line: string) => void): Redis {
  let loggedAt = 0;
  // Loaded here: a demo without Redis never pays for the client.
  const RedisClient = require('ioredis') as typeof import('ioredis').default;
  const redis = new RedisClient(url, {
    connectTimeout: 2000,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
  });
  redis.on('error', (error: Error) => {
    if (Date.now() - loggedAt < LOG_EVERY_MS) return;
    loggedAt = Date.now();
    log(`[demo] sandbox: Redis at ${url.replace(/\/\/[^@]*@/, '//***@')} unavailable (${error.message}): visitors get the read-only world`);
  });
  return redis;
}

export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis' as const;
  readonly prefix: string;
  private readonly keys: [string, string, string];
  private readonly copies = new Map<string, Session>();
  private readonly sharedTtlMs: number;

  constructor(
    readonly redis: Redis,
    readonly limits: SessionLimits,
    private readonly clock: Clock = Date.now,
    prefix = DEFAULT_REDIS_PREFIX,
  ) {
    this.prefix = prefix;
    this.keys = [`${prefix}live`, `${prefix}exp`, `${prefix}stats`];
    // The shared keys outlive the longest possible session, then go when nobody uses the sandbox.
    this.sharedTtlMs = limits.ttlMs * (limits.maxExtensions + 1) + 3600_000;
    for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 3, lua });
  }

  private run<T>(script: Script, ...args: (string | number)[]): Promise<T> {
    if (redisLost(this.redis)) return Promise.reject(new Error(`Redis connection ${this.redis.status}`));
    const command = (this.redis as unknown as Record<Script, (...a: (string | number)[]) => Promise<T>>)[script];
    return command.call(this.redis, ...this.keys, this.prefix, ...args);
  }

  private remember(session: Session): void {
    this.copies.delete(session.id);
    if (this.copies.size >= LOCAL_COPIES_MAX) this.copies.delete(this.copies.keys().next().value!);
    this.copies.set(session.id, session);
  }

  async create(options: { replaces?: string | null } = {}): Promise<CreateResult> {
    const now = this.clock();
    const id = newSessionId();
    const created = await this.run<number | string>(
      'sessionsCreate',
      id,
      now,
      this.limits.ttlMs,
      this.limits.maxExtensions,
      this.limits.maxSessions,
      this.limits.reclaimIdleMs,
      options.replaces ?? '',
      this.sharedTtlMs,
    );
    if (created === 0) return { refused: 'capacity' };
    if (typeof created === 'string') {
      // Another request replaced the same expired session a moment ago: join that one.
      const prior = await this.get(created);
      return prior ? { session: prior } : { refused: 'capacity' };
    }
    const session = newSession(id, now, this.limits, Boolean(options.replaces));
    this.remember(session);
    return { session };
  }

  async get(id: string, trustCopy = true): Promise<Session | null> {
    const copy = trustCopy ? this.copies.get(id) : undefined;
    const reply = await this.run<GetReply>(
      'sessionsGet',
      id,
      this.clock(),
      copy ? copy.generation : -1,
      copy ? copy.changes.length : 0,
      TOUCH_MS,
    );
    if (!reply) {
      this.copies.delete(id);
      return null;
    }
    const [createdAt, expiresAt, extensionsLeft, generation, bytes, replaced, from, tail, ownId] = reply;
    if (ownId !== id) this.copies.delete(id);
    if (copy && ownId === id && Number(from) > 0 && copy.changes.length !== Number(from)) {
      // This copy's own requests appended while the read was in flight: its tail may overlap what
      // the copy now holds, and merging both would run the copy ahead of Redis (a burst at the
      // change cap showed 132 changes here against 116 there). Redis is the truth: read it whole.
      this.copies.delete(id);
      return this.get(id, false);
    }
    const changes = tail.map(parseChange).filter((c): c is Change => c !== null);
    const session: Session =
      copy && ownId === id && Number(from) > 0
        ? copy
        : {
            id: ownId,
            createdAt: Number(createdAt),
            expiresAt: 0,
            extensionsLeft: 0,
            replacedExpired: replaced === '1',
            changes: [],
            bytes: 0,
            generation: 0,
          };
    // Updated in place: requests of this session running now share the copy and see the new state.
    session.expiresAt = Number(expiresAt);
    session.extensionsLeft = Number(extensionsLeft);
    session.generation = Number(generation);
    session.bytes = Number(bytes);
    if (Number(from) > 0) session.changes.push(...changes);
    else session.changes = changes;
    this.remember(session);
    return session;
  }

  async append(session: Session, change: Change): Promise<void> {
    const json = JSON.stringify(change);
    const length = await this.run<number>(
      'sessionsAppend',
      session.id,
      this.clock(),
      json,
      changeBytes(json),
      this.limits.hardMaxChanges,
      this.limits.maxBytes,
      change.kind,
      this.sharedTtlMs,
    );
    if (length === -1) throw sessionEnded();
    if (length === -2) throw changeLimit(session.changes.length);
    // Another replica may have appended in between: then this copy is behind, and the next `get`
    // fetches the whole list again; this request still sees its own change at once.
    if (length !== session.changes.length + 1) this.copies.delete(session.id);
    session.changes.push(change);
  }

  async extend(id: string): Promise<Session | null> {
    const expires = await this.run<number>('sessionsExtend', id, this.clock(), this.limits.ttlMs, this.sharedTtlMs);
    if (expires === -1) return null;
    if (expires === -2) {
      const session = await this.get(id);
      throw noExtensionsLeft(this.limits.maxExtensions, session?.expiresAt ?? this.clock());
    }
    return this.get(id);
  }

  async reset(id: string): Promise<Session | null> {
    const done = await this.run<number>('sessionsReset', id, this.clock());
    return done ? this.get(id) : null;
  }

  async end(id: string): Promise<boolean> {
    this.copies.delete(id);
    return (await this.run<number>('sessionsEnd', id)) === 1;
  }

  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await this.run<number>('sessionsSweep', this.clock(), SWEEP_BATCH);
      total += removed;
      if (removed < SWEEP_BATCH) break;
    }
    const now = this.clock();
    for (const [id, copy] of this.copies) if (copy.expiresAt <= now) this.copies.delete(id);
    return total;
  }

  async stats(): Promise<StoreStats> {
    const [live, counters] = await Promise.all([this.redis.zcard(this.keys[0]), this.redis.hgetall(this.keys[2])]);
    return { live, counters: Object.fromEntries(Object.entries(counters).map(([k, v]) => [k, Number(v)])), changeBytes: null };
  }

  count(counter: string, by = 1): void {
    if (redisLost(this.redis)) return;
    this.redis
      .multi()
      .hincrby(this.keys[2], counter, by)
      .pexpire(this.keys[2], this.sharedTtlMs)
      .exec()
      .catch(() => {});
  }

  async close(): Promise<void> {
    this.copies.clear();
    this.redis.disconnect();
  }
}
