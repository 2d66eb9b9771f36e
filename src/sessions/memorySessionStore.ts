/**
 * Sessions in this process's memory: a Map kept in order of last use (a use moves the session to the
 * end), so the least recently seen session is always the first one, and reclaiming is O(1). Bounded
 * by `maxSessions`, each session by its change and byte limits.
 */
import type { Session } from './session';
import type { Change } from './sessionChanges';
import { changeLimit, noExtensionsLeft, sessionEnded } from './sessionErrors';
import { newSessionId } from './sessionId';
import { changeBytes, newSession } from './sessionStore';
import type { Clock, CreateResult, SessionLimits, SessionStore, StoreStats } from './sessionStore';

interface Entry {
  session: Session;
  lastSeenAt: number;
}

/** Sweeping yields to other work after this many sessions, so no sweep holds the event loop. */
const SWEEP_SLICE = 5000;

export class MemorySessionStore implements SessionStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  /** Expired id -> the session that replaced it; bounded like the sessions, oldest dropped first. */
  private readonly replacements = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  /** Bytes of changes held by live sessions, kept as they change (stats never walk every session). */
  private changeBytes = 0;

  constructor(
    readonly limits: SessionLimits,
    private readonly clock: Clock = Date.now,
  ) {}

  async create(options: { replaces?: string | null } = {}): Promise<CreateResult> {
    const now = this.clock();
    const prior = options.replaces ? this.replacement(options.replaces, now) : null;
    if (prior) return { session: prior.session };
    if (this.entries.size >= this.limits.maxSessions && !this.reclaimOldest(now)) {
      this.count('refused_capacity');
      return { refused: 'capacity' };
    }
    const session = newSession(newSessionId(), now, this.limits, Boolean(options.replaces));
    this.entries.set(session.id, { session, lastSeenAt: now });
    if (options.replaces) {
      this.replacements.delete(options.replaces);
      if (this.replacements.size >= this.limits.maxSessions) this.replacements.delete(this.replacements.keys().next().value!);
      this.replacements.set(options.replaces, session.id);
    }
    this.count('created');
    return { session };
  }

  /** Frees the least recently seen session if it has expired or been idle long enough. */
  private reclaimOldest(now: number): boolean {
    const oldest = this.entries.values().next().value;
    if (!oldest) return false;
    if (oldest.session.expiresAt <= now) this.count('expired');
    else if (now - oldest.lastSeenAt >= this.limits.reclaimIdleMs) this.count('reclaimed');
    else return false;
    this.drop(oldest.session.id);
    return true;
  }

  private live(id: string, now: number): Entry | null {
    const entry = this.entries.get(id);
    if (!entry) return null;
    if (entry.session.expiresAt <= now) {
      this.drop(id);
      this.count('expired');
      return null;
    }
    return entry;
  }

  private drop(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.changeBytes -= entry.session.bytes;
    return this.entries.delete(id);
  }

  private replacement(id: string, now: number): Entry | null {
    const to = this.replacements.get(id);
    return to ? this.live(to, now) : null;
  }

  async get(id: string): Promise<Session | null> {
    const now = this.clock();
    const entry = this.live(id, now) ?? this.replacement(id, now);
    if (!entry) return null;
    entry.lastSeenAt = now;
    this.entries.delete(entry.session.id);
    this.entries.set(entry.session.id, entry);
    return entry.session;
  }

  async append(session: Session, change: Change): Promise<void> {
    const entry = this.live(session.id, this.clock());
    if (!entry) throw sessionEnded();
    const stored = entry.session;
    const bytes = changeBytes(JSON.stringify(change));
    if (stored.changes.length >= this.limits.hardMaxChanges || stored.bytes + bytes > this.limits.maxBytes) {
      throw changeLimit(stored.changes.length);
    }
    stored.changes.push(change);
    stored.bytes += bytes;
    this.changeBytes += bytes;
    // A caller holding another copy (there is none in memory, but the contract allows it) sees it too.
    if (session !== stored) session.changes.push(change);
    this.count(`writes:${change.kind}`);
  }

  async extend(id: string): Promise<Session | null> {
    const now = this.clock();
    const entry = this.live(id, now);
    if (!entry) return null;
    const { session } = entry;
    if (session.extensionsLeft <= 0) throw noExtensionsLeft(this.limits.maxExtensions, session.expiresAt);
    session.extensionsLeft -= 1;
    session.expiresAt = now + this.limits.ttlMs;
    this.count('extended');
    return session;
  }

  async reset(id: string): Promise<Session | null> {
    const entry = this.live(id, this.clock());
    if (!entry) return null;
    this.changeBytes -= entry.session.bytes;
    entry.session.changes = [];
    entry.session.bytes = 0;
    entry.session.generation += 1;
    this.count('reset');
    return entry.session;
  }

  async end(id: string): Promise<boolean> {
    const existed = this.drop(id);
    if (existed) this.count('ended');
    return existed;
  }

  async sweep(): Promise<number> {
    const now = this.clock();
    let removed = 0;
    let seen = 0;
    for (const [id, entry] of this.entries) {
      if (entry.session.expiresAt <= now) {
        this.drop(id);
        removed += 1;
      }
      if (++seen % SWEEP_SLICE === 0)
        await new Promise((resolve) => {
          setImmediate(resolve);
        });
    }
    if (removed) this.count('expired', removed);
    return removed;
  }

  async stats(): Promise<StoreStats> {
    return { live: this.entries.size, counters: Object.fromEntries(this.counters), changeBytes: this.changeBytes };
  }

  count(counter: string, by = 1): void {
    this.counters.set(counter, (this.counters.get(counter) ?? 0) + by);
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.replacements.clear();
    this.changeBytes = 0;
  }
}
