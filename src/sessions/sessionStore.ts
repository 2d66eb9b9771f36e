/**
 * Where sandbox sessions live: in this process (`memorySessionStore.ts`, the default) or in Redis
 * (`redisSessionStore.ts`, shared by replicas). Both enforce the same limits, so a cap holds however
 * the sandbox is deployed:
 * - at most `maxSessions` live sessions; when full, an expired or idle one (the least recently seen)
 *   is reclaimed for a newcomer, otherwise the newcomer is refused (and sees the read-only world);
 * - at most `hardMaxChanges` changes and `maxBytes` of them per session;
 * - a session ends `ttlMs` after its creation or last extension, extended at most `maxExtensions` times;
 * - a session created to replace an expired one is found by the old id too, for as long as a session
 *   may live, so a client still sending the old id (a script, the CLI) stays in one session, not a
 *   new one per request; two requests replacing the same id at once get the same replacement.
 * Counters for `GET /demo/stats` are kept where the sessions are.
 */
import type { Session } from './session';
import type { Change } from './sessionChanges';

export interface SessionLimits {
  ttlMs: number;
  maxExtensions: number;
  maxSessions: number;
  /** The door refuses a session write past `maxChanges`; this bound (a little higher) is the store's. */
  hardMaxChanges: number;
  maxBytes: number;
  reclaimIdleMs: number;
}

/** Milliseconds since the epoch; injected so tests can pin and move time. */
export type Clock = () => number;

export type CreateResult = { session: Session } | { refused: 'capacity' };

export interface StoreStats {
  live: number;
  counters: Record<string, number>;
  /** Bytes of changes held (JSON), when the store knows without a scan (memory). */
  changeBytes: number | null;
}

export interface SessionStore {
  readonly kind: 'memory' | 'redis';
  readonly limits: SessionLimits;
  /** A new session; with `replaces`, the one replacing that expired id (which may exist already). */
  create(options?: { replaces?: string | null }): Promise<CreateResult>;
  /**
   * The live session with that id, or the live one that replaced it (its `id` then differs), or null
   * (never was, expired, ended).
   */
  get(id: string): Promise<Session | null>;
  /** Records a change (and adds it to `session.changes`); throws DemoModeError past a limit. */
  append(session: Session, change: Change): Promise<void>;
  /** Null when the session is gone; throws DemoSessionError when it has no extension left. */
  extend(id: string): Promise<Session | null>;
  reset(id: string): Promise<Session | null>;
  end(id: string): Promise<boolean>;
  /** Removes expired sessions; returns how many. */
  sweep(): Promise<number>;
  stats(): Promise<StoreStats>;
  /** Adds to a counter (fire and forget: counting never fails a request). */
  count(counter: string, by?: number): void;
  close(): Promise<void>;
}

/** What `GET /demo/stats` counts (writes are counted by kind, as `writes:<kind>`). */
export const COUNTERS = [
  'created',
  'expired',
  'reclaimed',
  'extended',
  'reset',
  'ended',
  'refused_capacity',
  'refused_rate',
  'refused_writes',
] as const;

/** A session as both stores create it: its whole lifetime and every extension ahead, no changes. */
export function newSession(id: string, now: number, limits: SessionLimits, replacedExpired: boolean): Session {
  return {
    id,
    createdAt: now,
    expiresAt: now + limits.ttlMs,
    extensionsLeft: limits.maxExtensions,
    replacedExpired,
    changes: [],
    bytes: 0,
    generation: 0,
  };
}

/** What each JSON value of a change costs in memory beyond its text (a key, an object, an array slot). */
const VALUE_OVERHEAD_BYTES = 32;

/**
 * A change's size, as the caps count it: its JSON bytes and the memory of its values once parsed.
 * The text alone undercounts: 8 KiB of tiny keys (`{"k1":1,...}`, a workspace config) is ~50 KiB of
 * heap, so 64 KiB of such changes held ~480 KiB (measured); counted this way a session's changes
 * stay within `max_session_kib` of heap whatever their shape. Values are counted from the text's
 * separators outside strings (`{`, `[`, `:`, `,`), one pass.
 */
export function changeBytes(json: string): number {
  let values = 1;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */ || c === 58 /* : */ || c === 44 /* , */) values++;
  }
  return Buffer.byteLength(json) + values * VALUE_OVERHEAD_BYTES;
}
