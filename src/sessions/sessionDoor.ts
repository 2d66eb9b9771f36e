/**
 * The sandbox's door: the read-only guard's judgement (the same normalisation, the same default deny)
 * plus the session. Per request:
 * - reads pass, in the visitor's session when they have one (a stale id is renewed);
 * - the session writes (sessionAllowlist.ts) pass inside a session, creating one for a visitor who
 *   has none; without one (caps, Redis down) or past the session's change limit they are refused as
 *   the read-only demo refuses, with the reason;
 * - the session endpoints pass; everything else is refused as in the read-only demo;
 * - a page navigation creates a session (that is how a browser gets its cookie); static files skip
 *   all of this.
 * Every answer carries `X-SkyPilot-Demo: sandbox`, the cookie when the session is new, the session id
 * header to clients that do not use the cookie (so page scripts never see a browser's id, which the
 * cookie keeps HttpOnly), and `X-Demo-Session-Notice` when there is something to tell.
 */
import type { HookResult, RequestHook } from '../appExtensions';
import { errorReply } from '../http/errorReply';
import { header, type HttpCall } from '../http/httpCall';
import { HEADERS } from '../vocab/headers';
import { DemoModeError } from '../demo/demoModeError';
import { judge } from '../demo/readOnlyGuard';
import { STATIC_PREFIX } from '../demo/readOnlyAllowlist';
import type { Session } from './session';
import { isSessionApi, isSessionWrite } from './sessionAllowlist';
import { currentScope, runInScope, type SessionScope } from './sessionContext';
import { isSecure, readSessionCookie, sessionCookie } from './sessionCookie';
import { changeLimit, invalidSessionId, NO_SESSION_MESSAGES, SessionRefusal } from './sessionErrors';
import { sessionPrincipal } from './sessionId';
import { type ResolverDeps, resolveSession, type SessionPolicy } from './sessionResolver';

export interface SessionDoorDeps extends ResolverDeps {
  maxChanges: number;
  /** How long the cookie lives (longer than any session, see sessionCookie.ts). */
  cookieSeconds: number;
}

const POLICY_OF_API: Record<string, SessionPolicy | null> = {
  // The dashboard's banner asks this: a browser turned away when the sandbox was full gets a session
  // here as soon as there is room.
  'GET /demo/session': 'create',
  'POST /demo/session': null,
  'DELETE /demo/session': 'existing',
  // Only a live session is extended or reset: an unknown id must not create one and spend it.
  'POST /demo/session/extend': 'existing',
  'POST /demo/session/reset': 'existing',
  'GET /demo/stats': null,
  'GET /demo/banner.js': null,
  'GET /demo/banner.css': null,
};

/**
 * A client that may have a session made for it by a change: one that names a session (header or
 * cookie), or a browser (it sends Sec-Fetch-Site on every fetch; it gets the cookie of a session made
 * for it, and the reason when none can be). A CLI or script naming none is told how to get one instead
 * of having its change land in a throwaway session it could never see again.
 */
function namesSession(call: HttpCall): boolean {
  return (
    header(call, HEADERS.demoSession) !== undefined || readSessionCookie(call) !== null || header(call, 'sec-fetch-site') !== undefined
  );
}

function isNavigation(call: HttpCall): boolean {
  return (call.method === 'GET' || call.method === 'HEAD') && (header(call, 'accept') ?? '').includes('text/html');
}

export function sessionHeaders(session: Session | null, notice: string | null, cookie: string | null): Record<string, string> {
  const headers: Record<string, string> = { [HEADERS.demo]: 'sandbox' };
  if (session) headers[HEADERS.demoSession] = session.id;
  if (notice) headers[HEADERS.demoSessionNotice] = notice;
  if (cookie) headers['Set-Cookie'] = cookie;
  return headers;
}

export function sessionDoor(deps: SessionDoorDeps): RequestHook {
  return async (call, address, context): Promise<HookResult> => {
    const verdict = judge(call.method, call.raw.url ?? '', call.headers);
    const target = verdict.allow ? null : (verdict.target ?? null);
    const isStatic = verdict.allow && (call.method === 'OPTIONS' || (call.raw.url ?? '').toLowerCase().startsWith(STATIC_PREFIX));
    let policy: SessionPolicy | null;
    if (verdict.allow) policy = isNavigation(call) ? 'create' : isStatic ? null : 'renew';
    else if (target && isSessionApi(target)) policy = POLICY_OF_API[`${target.method} ${target.path}`];
    // A change needs a session the client names or a browser (see namesSession); otherwise refused below.
    else if (target && isSessionWrite(target)) policy = namesSession(call) ? 'create' : null;
    else policy = target ? 'existing' : null;

    const resolution = policy ? await resolveSession(call, address, policy, deps) : null;
    if (resolution?.kind === 'bad-id') return { headers: sessionHeaders(null, null, null), reply: errorReply(invalidSessionId()) };
    const session = resolution?.session ?? null;
    const notice = resolution?.notice ?? null;
    const cookie = session && resolution?.fresh ? sessionCookie(session.id, deps.cookieSeconds, isSecure(call)) : null;
    // The banner's GET /demo/session is a page script's: it gets the cookie, never the id to read.
    const banner = target?.method === 'GET' && target.path === '/demo/session';
    const apiClient = resolution?.source === 'header' || (resolution?.source === 'none' && !isNavigation(call) && !banner);
    const headers = sessionHeaders(apiClient ? session : null, notice, cookie);
    const scope: SessionScope = { session, notice, store: deps.store, world: null };
    const refuse = async (error: DemoModeError | SessionRefusal) => {
      if (call.method !== 'GET' && call.method !== 'HEAD') deps.store.count('refused_writes');
      const reply = target ? await runInScope(scope, () => context.refuse(error, target)) : errorReply(error);
      return { headers, reply };
    };

    if (!verdict.allow && !(target && (isSessionApi(target) || isSessionWrite(target)))) {
      return refuse(new DemoModeError(verdict.reason));
    }
    if (target && isSessionWrite(target)) {
      if (!session) {
        if (!namesSession(call)) return refuse(new SessionRefusal('sandbox_no_session', NO_SESSION_MESSAGES.none));
        const why = notice === 'capacity' || notice === 'rate' ? notice : 'unavailable';
        return refuse(new SessionRefusal(`sandbox_${why}`, NO_SESSION_MESSAGES[why]));
      }
      if (session.changes.length >= deps.maxChanges) return refuse(changeLimit(deps.maxChanges));
    }
    // A plain read without a session has nothing for the fakes to find: no context to enter, and none to
    // pay for (AsyncLocalStorage, once entered, costs every promise of the process a little).
    return session || notice ? { headers, scope: (run) => runInScope(scope, run) } : { headers };
  };
}

/**
 * The visitor's principal inside a session: a hash of the session id (requests are private to it).
 * Its role is admin of its own copy of the world (the session's writes, users and workspaces
 * included, change that copy only); what it may call at all is still the guard's lists.
 */
export function sessionVisitor(): { principal: string; admin: false; role: 'admin' } | null {
  const session = currentScope()?.session;
  return session ? { principal: principalOf(session), admin: false, role: 'admin' } : null;
}

const principals = new WeakMap<Session, string>();
function principalOf(session: Session): string {
  let principal = principals.get(session);
  if (!principal) {
    principal = sessionPrincipal(session.id);
    principals.set(session, principal);
  }
  return principal;
}
