/**
 * The session's own endpoints. The request hook has already found the visitor's session (header or
 * cookie) and entered its scope, so each endpoint reads it from there.
 * - `GET /demo/session`: the visitor's session, created when they have none (what the dashboard's
 *   banner asks; `session_id: null` and the reason when none can be had), and the recipes a launch
 *   may name;
 * - `POST /demo/session`: a new session, 201 `{session_id, expires_at, extensions_left, ...}`;
 * - `POST /demo/session/extend` (at most `max_extensions` times), `/reset` (start over);
 * - `DELETE /demo/session`: end it now;
 * - `GET /demo/stats`: counters for operators, with `Authorization: Bearer $SKYPILOT_DEMO_STATS_TOKEN`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from '../errors';
import type { Endpoint } from '../http/endpoint';
import { header, type HttpCall, type HttpReply } from '../http/httpCall';
import { clientAddress } from '../http/clientAddress';
import { HEADERS } from '../vocab/headers';
import type { SessionSettings } from './sessionSettings';
import { sessionHeaders } from './sessionDoor';
import { type Session, viewOf } from './session';
import { currentScope } from './sessionContext';
import { clearedSessionCookie, isSecure, sessionCookie } from './sessionCookie';
import { DemoSessionError, NO_SESSION_MESSAGES, noSession } from './sessionErrors';
import { sessionPrincipal } from './sessionId';
import { createSession, type ResolverDeps } from './sessionResolver';
import { type Clock, COUNTERS, type SessionStore } from './sessionStore';

export interface SessionEndpointDeps extends ResolverDeps {
  settings: SessionSettings;
  cookieSeconds: number;
  clock: Clock;
}

const NO_SESSION_STATUS = { capacity: 503, rate: 429, unavailable: 503 } as const;

function currentSession(): Session {
  const session = currentScope()?.session;
  if (!session) throw noSession();
  return session;
}

function hashed(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** 401 without a token, 403 with a wrong one, or when no token is configured at all. */
function authorizeStats(call: HttpCall, token: string | null): void {
  if (!token)
    throw new HttpError(403, 'stats_disabled', 'Forbidden', 'Sandbox stats are off: set SKYPILOT_DEMO_STATS_TOKEN to turn them on.');
  const given = /^Bearer\s+(\S+)$/i.exec(header(call, 'authorization') ?? '')?.[1];
  if (!given) throw new HttpError(401, 'stats_token_required', 'Unauthorized', 'Send the stats token as "Authorization: Bearer <token>".');
  if (!timingSafeEqual(hashed(given), hashed(token)))
    throw new HttpError(403, 'stats_token_wrong', 'Forbidden', 'The stats token is wrong.');
}

async function statsOf(store: SessionStore, settings: SessionSettings) {
  const { live, counters, changeBytes } = await store.stats();
  const counter = (name: string) => counters[name] ?? 0;
  const writes = Object.fromEntries(
    Object.entries(counters)
      .filter(([k]) => k.startsWith('writes:'))
      .map(([k, v]) => [k.slice(7), v]),
  );
  return {
    store: store.kind,
    live_sessions: live,
    change_bytes: changeBytes,
    ...Object.fromEntries(COUNTERS.map((name) => [name, counter(name)])),
    writes,
    capacity: {
      max_sessions: settings.maxSessions,
      used: live / settings.maxSessions,
      max_changes_per_session: settings.maxChanges,
      new_sessions_per_minute: settings.newSessionsPerMinute,
      session_minutes: settings.sessionMinutes,
      max_extensions: settings.maxExtensions,
    },
  };
}

export function sessionEndpoints(deps: SessionEndpointDeps): Endpoint[] {
  const { store, settings } = deps;
  const view = (session: Session) => viewOf(session, settings.maxChanges, deps.clock());
  const launchable = Object.keys(settings.launch);
  const answer = (call: HttpCall, session: Session, status = 200, fresh = false): HttpReply => ({
    status,
    headers: sessionHeaders(session, null, fresh ? sessionCookie(session.id, deps.cookieSeconds, isSecure(call)) : null),
    json: view(session),
  });
  /** A POST that changes the visitor's session and answers with it; gone meanwhile, it is a 404. */
  const onCurrentSession = (path: string, change: (id: string) => Promise<Session | null>): Endpoint => ({
    method: 'POST',
    path,
    role: 'viewer',
    effect: 'write',
    direct: async (call) => {
      const changed = await change(currentSession().id);
      if (!changed) throw noSession();
      return answer(call, changed);
    },
  });
  return [
    {
      method: 'GET',
      path: '/demo/session',
      role: 'viewer',
      effect: 'read',
      direct: async (call) => {
        const scope = currentScope();
        if (scope?.session) {
          // The id is the session's credential, and the cookie that carries it is HttpOnly: a page's
          // scripts get a handle that tells sessions apart (the banner reloads on a change), never
          // the id. A client that named its session in the header knows it already.
          const named = header(call, HEADERS.demoSession) !== undefined;
          const sessionId = named ? scope.session.id : sessionPrincipal(scope.session.id);
          return {
            status: 200,
            headers: sessionHeaders(named ? scope.session : null, null, null),
            json: { ...view(scope.session), session_id: sessionId, notice: scope.notice, launchable },
          };
        }
        const reason = scope?.notice === 'capacity' || scope?.notice === 'rate' || scope?.notice === 'unavailable' ? scope.notice : null;
        return {
          status: 200,
          json: { session_id: null, notice: reason, message: reason ? NO_SESSION_MESSAGES[reason] : null, launchable },
        };
      },
    },
    {
      method: 'POST',
      path: '/demo/session',
      role: 'viewer',
      effect: 'write',
      direct: async (call, app) => {
        const created = await createSession(deps, clientAddress(call.raw, app.trustProxy), null);
        if (created.kind === 'resolved' && created.session) return answer(call, created.session, 201, true);
        const why =
          created.kind === 'resolved' && (created.notice === 'capacity' || created.notice === 'rate') ? created.notice : 'unavailable';
        throw new DemoSessionError(NO_SESSION_STATUS[why], `sandbox_${why}`, NO_SESSION_MESSAGES[why]);
      },
    },
    onCurrentSession('/demo/session/extend', (id) => store.extend(id)),
    onCurrentSession('/demo/session/reset', (id) => store.reset(id)),
    {
      method: 'DELETE',
      path: '/demo/session',
      role: 'viewer',
      effect: 'write',
      direct: async (call) => {
        const session = currentScope()?.session;
        const ended = session ? await store.end(session.id) : false;
        return { status: 200, headers: { 'Set-Cookie': clearedSessionCookie(isSecure(call)) }, json: { ended } };
      },
    },
    {
      method: 'GET',
      path: '/demo/stats',
      role: 'viewer',
      effect: 'read',
      direct: async (call) => {
        authorizeStats(call, settings.statsToken);
        return { status: 200, json: await statsOf(store, settings) };
      },
    },
  ];
}
