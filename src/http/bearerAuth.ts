/**
 * Service-account bearer tokens, as upstream's `BearerTokenMiddleware` takes them: a request with
 * `Authorization: Bearer sky_...` (or with `X-Skypilot-Auth-Mode: token`, which a proxy sets when it
 * leaves the checking to the server) is that token's service account, or a typed 401; any other
 * request is left to the proxy header (or to no auth). A token beats the proxy header: the header
 * could be anyone's when the proxy let a bearer request through.
 *
 * A token counts when its signature is the server's (forgeries are refused without a look-up), it
 * has not expired, its sha256 is still stored (deleting or rotating it revokes it) and its account
 * exists. The look-up is cached per token for a few seconds (revocation reaches other replicas
 * within that; on this one at once) and concurrent look-ups of one token share one query, so a burst
 * of requests with one token costs one query, never a blocked loop; the cache is bounded.
 */
import type { IncomingMessage } from 'node:http';
import type { MaybePromise } from '../common/maybeAsync';
import { currentEffectScope } from '../db/effectScope';
import type { HttpError } from '../errors';
import type { Identity } from '../state/currentUser';
import { globalUserState } from '../state/globalUserState';
import { invalidToken } from './access';
import type { AppContext } from './appContext';
import { header, type HttpCall } from './httpCall';
import { TOKEN_PREFIX, tokenHash, verifyToken } from './serviceAccountToken';

/** How long a look-up (or a stored secret's absence) is believed. */
export const TOKEN_CACHE_MS = 10_000;
/** Tokens remembered at once; past it the least recently used one goes. */
export const TOKEN_CACHE_MAX = 1_000;
/** "Last used" is written at most once a minute per token: a write per request would be a write per read. */
const TOUCH_EVERY_S = 60;

interface Looked {
  identity: Identity | null;
  /** Why the token does not count, when it does not. */
  reason: string | null;
  until: number;
}

const looked = new Map<string, Looked>();
const inFlight = new Map<string, Promise<Looked>>();
const touchedAt = new Map<string, number>();
const perRequest = new WeakMap<IncomingMessage, Promise<Identity | null>>();
let secret: { value: string | null; until: number } | null = null;
/** Moves on every forget, so a look-up that was in flight then is not remembered. */
let generation = 0;

/** Drops what was looked up, so a token just deleted or rotated is refused on the next request here. */
export function forgetServiceAccountTokens(): void {
  generation++;
  looked.clear();
  inFlight.clear();
}

/** The secret a token was just signed with (the operation that created it knows it first). */
export function rememberTokenSecret(value: string): void {
  secret = { value, until: Number.POSITIVE_INFINITY };
}

/** Tokens remembered now (for the bound's test). */
export function cachedTokenCount(): number {
  return looked.size;
}

async function signingSecret(): Promise<string | null> {
  if (secret && secret.until > Date.now()) return secret.value;
  const value = await globalUserState.getTokenSecret();
  // A secret never changes once stored; its absence is asked again after a while.
  secret = { value, until: value ? Number.POSITIVE_INFINITY : Date.now() + TOKEN_CACHE_MS };
  return value;
}

function remember(hash: string, entry: Looked): Looked {
  if (looked.size >= TOKEN_CACHE_MAX) looked.delete(looked.keys().next().value!);
  looked.set(hash, entry);
  return entry;
}

function touch(tokenId: string, now: number): void {
  // Never inside a write request's scope: its effect record would then claim this bookkeeping.
  // (Look-ups run in admission, before any scope; this keeps it so.)
  if (currentEffectScope()) return;
  const last = touchedAt.get(tokenId);
  if (last !== undefined && now - last < TOUCH_EVERY_S) return;
  if (touchedAt.size >= TOKEN_CACHE_MAX) touchedAt.clear();
  touchedAt.set(tokenId, now);
  // Bookkeeping: a busy database loses one "last used" update, never the request.
  globalUserState.touchServiceAccountToken(tokenId, now).catch(() => {});
}

function refused(reason: string): Looked {
  return { identity: null, reason, until: Date.now() + TOKEN_CACHE_MS };
}

/** The stored side of a well-signed token: its row (by hash) and its account. */
async function lookUp(hash: string, now: number): Promise<Looked> {
  const row = await globalUserState.getServiceAccountTokenByHash(hash);
  if (!row) return refused('the token was revoked or rotated');
  if (row.expires_at !== null && row.expires_at < now) return refused('the token has expired');
  const account = await globalUserState.getUser(row.service_account_user_id);
  if (!account) return refused('its service account no longer exists');
  touch(row.token_id, now);
  // Believed until the next look-up, and never past the token's own expiry.
  const until = Math.min(Date.now() + TOKEN_CACHE_MS, row.expires_at === null ? Number.POSITIVE_INFINITY : row.expires_at * 1000);
  return { identity: { id: account.id, name: account.name ?? account.id }, reason: null, until };
}

/**
 * Form, signature and expiry first, in microseconds and never cached (a flood of forgeries neither
 * reaches the database nor pushes real tokens out of the cache); then the cached look-up.
 */
async function check(token: string): Promise<Looked> {
  const key = await signingSecret();
  if (!key) return refused('no service-account token was ever issued by this server');
  const now = Math.floor(Date.now() / 1000);
  const checked = verifyToken(token, key, now);
  if (!checked.ok) return refused(checked.reason === 'expired' ? 'the token has expired' : 'not a valid service-account token');
  const hash = tokenHash(token);
  const hit = looked.get(hash);
  if (hit && hit.until > Date.now()) {
    // Most recently used last: the first key is the one to shed.
    looked.delete(hash);
    looked.set(hash, hit);
    return hit;
  }
  let pending = inFlight.get(hash);
  if (!pending) {
    const started = generation;
    const p: Promise<Looked> = lookUp(hash, now)
      .then((entry) => (started === generation ? remember(hash, entry) : entry))
      .finally(() => {
        if (inFlight.get(hash) === p) inFlight.delete(hash);
      });
    pending = p;
    inFlight.set(hash, pending);
  }
  return pending;
}

/** The bearer token a request presents, `missing` when it asks for token auth without one, else null. */
function presented(call: Pick<HttpCall, 'headers'>): string | 'missing' | null {
  const authorization = header(call, 'authorization');
  const bearer = authorization && /^bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  const tokenMode = header(call, 'x-skypilot-auth-mode') === 'token';
  if (bearer && (bearer.startsWith(TOKEN_PREFIX) || tokenMode)) return bearer;
  return tokenMode ? 'missing' : null;
}

async function resolve(call: HttpCall, app: AppContext): Promise<Identity | null> {
  const token = presented(call);
  if (token === null) return null;
  let refusal: HttpError | null = null;
  if (!app.serviceAccounts) refusal = invalidToken('service-account tokens are off on this server');
  else if (token === 'missing') refusal = invalidToken('X-Skypilot-Auth-Mode: token needs an "Authorization: Bearer sky_..." header');
  if (refusal) throw refusal;
  const entry = await check(token as string);
  if (!entry.identity) throw invalidToken(entry.reason ?? 'not a valid service-account token');
  return entry.identity;
}

/**
 * The service account a request's bearer token authenticates, null when it presents none; a typed
 * 401 when it presents one that does not count. Resolved once per request.
 */
export function serviceAccountOf(call: HttpCall, app: AppContext): MaybePromise<Identity | null> {
  // No token presented (nearly every request): nobody, at once (the hot round trip pays no promise).
  if (presented(call) === null) return null;
  let result = perRequest.get(call.raw);
  if (!result) {
    result = resolve(call, app);
    perRequest.set(call.raw, result);
    // Kept for the request's other asks; a refusal is handled by whoever asks first.
    result.catch(() => {});
  }
  return result;
}
