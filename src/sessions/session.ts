/**
 * A sandbox session as the stores hand it out. Times are epoch milliseconds of the server's clock
 * (lifetimes are operational), unlike the changes' `at`, which is the demo world's clock.
 */
import type { Change } from './sessionChanges';

/** Why a visitor has the session they have, or none: shown by the dashboard, sent as a header. */
export type SessionNotice = 'created' | 'expired' | 'capacity' | 'rate' | 'unavailable';

export interface Session {
  id: string;
  createdAt: number;
  expiresAt: number;
  extensionsLeft: number;
  /** Set when the visitor's previous session had expired and this one replaced it. */
  replacedExpired: boolean;
  changes: Change[];
  /** Bytes of the changes' JSON. */
  bytes: number;
  /** Moves when the changes are reset, so a cached copy of them is known stale. */
  generation: number;
}

/** The JSON every session endpoint answers with. */
export interface SessionView {
  session_id: string;
  expires_at: string;
  /** Seconds left by the server's clock: a page counts down from it, whatever its own clock says. */
  seconds_left: number;
  extensions_left: number;
  changes: number;
  max_changes: number;
  replaced_expired: boolean;
}

export function viewOf(session: Session, maxChanges: number, now: number): SessionView {
  return {
    session_id: session.id,
    expires_at: new Date(session.expiresAt).toISOString(),
    seconds_left: Math.max(0, Math.floor((session.expiresAt - now) / 1000)),
    extensions_left: session.extensionsLeft,
    changes: session.changes.length,
    max_changes: maxChanges,
    replaced_expired: session.replacedExpired,
  };
}
