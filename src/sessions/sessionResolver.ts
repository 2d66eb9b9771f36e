/**
 * Which session a request belongs to: the `X-Demo-Session-Id` header (API clients, the CLI), else the
 * cookie (browsers). A malformed header is the client's mistake and gets a typed 400; a malformed
 * cookie is ignored. An id the store does not know (expired, ended, or never issued) gets a fresh
 * session under a new id when the request may have one, marked so the visitor is told why. The old id
 * is never adopted: it leads to the fresh session afterwards only when an API client sent it in the
 * header and this server issued it (see `replacementKey`); a cookie is replaced by a new one, so a
 * planted cookie or a made-up id never leads anyone into the visitor's session.
 *
 * Creating is what the caps guard: new sessions per address per minute, then the store's live cap.
 * Refused, or with the store down, the visitor simply has no session: the read-only world, with the
 * reason as the notice. Nothing here throws for a store failure.
 */
import { header, type HttpCall } from '../http/httpCall';
import { HEADERS } from '../vocab/headers';
import type { NewSessionLimiter } from './newSessionLimiter';
import type { Session, SessionNotice } from './session';
import { readSessionCookie } from './sessionCookie';
import { isSessionId, wasIssuedHere } from './sessionId';
import type { SessionStore } from './sessionStore';

/**
 * - `existing`: only a live session the request names;
 * - `renew`: that, or a fresh one in place of an expired one;
 * - `create`: that, or a fresh one for a visitor without any.
 */
export type SessionPolicy = 'existing' | 'renew' | 'create';

/** How the request named its session: the header (API clients), the cookie (browsers), or not at all. */
export type SessionSource = 'header' | 'cookie' | 'none';

export type Resolution =
  | { kind: 'bad-id' }
  | { kind: 'resolved'; session: Session | null; notice: SessionNotice | null; fresh: boolean; source?: SessionSource };

export interface ResolverDeps {
  store: SessionStore;
  newSessions: NewSessionLimiter;
  log: (line: string) => void;
}

const none = (notice: SessionNotice | null = null): Resolution => ({ kind: 'resolved', session: null, notice, fresh: false });

/** A fresh session (with `replaces`, in place of that expired one), or why there is none. */
export async function createSession(deps: ResolverDeps, address: string, replaces: string | null): Promise<Resolution> {
  try {
    if (!(await deps.newSessions.take(address))) {
      deps.store.count('refused_rate');
      return none('rate');
    }
    const created = await deps.store.create({ replaces });
    if ('refused' in created) return none('capacity');
    return { kind: 'resolved', session: created.session, notice: replaces ? 'expired' : 'created', fresh: true };
  } catch {
    return none('unavailable');
  }
}

/**
 * Under what the fresh session is remembered as the replacement of `id`. Only an id this server issued
 * is replaced at all (a made-up one gets a session nobody else can name). Sent in the header (an API
 * client), the old id leads to the replacement afterwards, so the client's round trips keep working;
 * from a cookie, under a key no client can send, so the replacement is shared by the browser's
 * concurrent requests and marked as one, while a planted cookie's id leads nobody into it.
 */
function replacementKey(id: string, source: SessionSource): string | null {
  if (!wasIssuedHere(id)) return null;
  return source === 'header' ? id : `cookie.${id}`;
}

export async function resolveSession(call: HttpCall, address: string, policy: SessionPolicy, deps: ResolverDeps): Promise<Resolution> {
  const fromHeader = header(call, HEADERS.demoSession);
  if (fromHeader !== undefined && !isSessionId(fromHeader)) return { kind: 'bad-id' };
  const fromCookie = readSessionCookie(call);
  const id = fromHeader ?? (isSessionId(fromCookie) ? fromCookie : null);
  const source: SessionSource = fromHeader !== undefined ? 'header' : id ? 'cookie' : 'none';
  return { ...(await resolveId(deps, address, policy, id, source)), source } as Resolution;
}

async function resolveId(
  deps: ResolverDeps,
  address: string,
  policy: SessionPolicy,
  id: string | null,
  source: SessionSource,
): Promise<Resolution> {
  if (id) {
    let session: Session | null;
    try {
      session = await deps.store.get(id);
    } catch {
      return none('unavailable');
    }
    // Found under an expired id: the session that replaced it. The client is told (again) to switch.
    if (session) return { kind: 'resolved', session, notice: session.id === id ? null : 'expired', fresh: session.id !== id };
    if (policy === 'existing') return none();
    const fresh = await createSession(deps, address, replacementKey(id, source));
    // Told why it is new: the id it sent has no session (expired, ended, or never one of ours).
    return fresh.kind === 'resolved' && fresh.notice === 'created' ? { ...fresh, notice: 'expired' } : fresh;
  }
  return policy === 'create' ? createSession(deps, address, null) : none();
}
