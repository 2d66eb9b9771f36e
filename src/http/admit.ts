/**
 * Everything that happens to a request before endpoint code sees it, in one function used by both
 * the Express path and the lean path: the extension hooks (the demo's guard), the per-client rate
 * limit, the protocol and CORS headers, preflights, a service-account token's check, and, with
 * server auth, the 401 for a request without an identity. It returns the headers every answer carries,
 * and an answer when the request is settled here.
 */
import { isPromise, type MaybePromise } from '../common/maybeAsync';
import { ValidationError } from '../errors';
import type { Identity } from '../state/currentUser';
import { notAuthenticated } from './access';
import type { AppContext } from './appContext';
import { serviceAccountOf } from './bearerAuth';
import { authUserOf } from './caller';
import { clientAddress } from './clientAddress';
import { errorReply } from './errorReply';
import type { HookContext, HookResult } from './extensions';
import type { HttpCall, HttpReply } from './httpCall';
import { preflightReply, protocolHeadersFor, stripDashboardPrefix, versionMismatchReply } from './protocolHeaders';
import { setRequestScope } from './requestScope';

const PROBE_PATHS = new Set(['/healthz', '/readyz']);

/**
 * Query parameters in one request: SkyPilot's clients send at most a handful (`request_ids` is one
 * comma-separated parameter). Thousands of them cost hundreds of milliseconds to parse and validate;
 * the count is checked on the raw URL, before anything parses it.
 */
const MAX_QUERY_PARAMS = 64;

function tooManyQueryParams(url: string): boolean {
  const mark = url.indexOf('?');
  if (mark < 0) return false;
  let count = 1;
  for (let i = url.indexOf('&', mark); i >= 0 && count <= MAX_QUERY_PARAMS; i = url.indexOf('&', i + 1)) count++;
  return count > MAX_QUERY_PARAMS;
}

/**
 * The dashboard's own files (and its icon and Grafana probe): never rate limited. One cold page load
 * of the official dashboard is ~70 of them, so counting them made an office behind one NAT see false
 * empty states after a couple of dozen page loads. The API calls a page makes still count.
 */
function isStaticRead(call: HttpCall): boolean {
  if (call.method !== 'GET' && call.method !== 'HEAD') return false;
  const p = call.path;
  return (
    p === '/' ||
    p === '/dashboard' ||
    p.startsWith('/dashboard/') ||
    p === '/favicon.ico' ||
    p === '/grafana/api/health' ||
    p === '/demo/banner.js' ||
    p === '/demo/banner.css'
  );
}

export interface Admission {
  headers: Record<string, string>;
  reply: HttpReply | null;
}

/**
 * Admission, answered at once unless a hook or the rate limit has to wait (then a promise): the
 * lean path serves the hot round trip without a turn of the event loop here.
 */
export function admit(call: HttpCall, app: AppContext): MaybePromise<Admission> {
  const headers = protocolHeadersFor(call, app.cors);
  if (tooManyQueryParams(call.raw.url ?? '')) {
    return {
      headers,
      reply: errorReply(
        new ValidationError(`At most ${MAX_QUERY_PARAMS} query parameters.`, [
          { path: 'query', message: `at most ${MAX_QUERY_PARAMS} parameters` },
        ]),
      ),
    };
  }
  const address = clientAddress(call.raw, app.trustProxy);
  return runHooks(call, app, address, { refuse: app.refusalFor(call, address) }, headers, 0);
}

/** The extension hooks from the `from`-th on, in order; a refusal ends admission. */
function runHooks(
  call: HttpCall,
  app: AppContext,
  address: string,
  context: HookContext,
  before: Record<string, string>,
  from: number,
): MaybePromise<Admission> {
  let headers = before;
  const hooks = app.extensions.requestHooks;
  for (let i = from; i < hooks.length; i++) {
    const result = hooks[i](call, address, context);
    if (isPromise(result)) {
      return result.then((settled) => {
        const next = applyHook(call, settled, headers);
        return next.reply ? next : runHooks(call, app, address, context, next.headers, i + 1);
      });
    }
    const next = applyHook(call, result, headers);
    if (next.reply) return next;
    headers = next.headers;
  }
  return afterHooks(call, app, address, headers);
}

/**
 * The last merge of headers: a hook adds the same headers to the same protocol headers on nearly
 * every request (the demo's `X-SkyPilot-Demo`), so the merged object is made once, not per request.
 * Admission headers are only ever read.
 */
let lastMerge: { base: Record<string, string>; added: Record<string, string>; merged: Record<string, string> } | null = null;

function mergeHeaders(base: Record<string, string>, added: Record<string, string>): Record<string, string> {
  if (lastMerge?.base !== base || lastMerge.added !== added) lastMerge = { base, added, merged: { ...base, ...added } };
  return lastMerge.merged;
}

function applyHook(call: HttpCall, result: HookResult | null, headers: Record<string, string>): Admission {
  if (!result) return { headers, reply: null };
  const merged = result.headers ? mergeHeaders(headers, result.headers) : headers;
  if (result.reply) return { headers: merged, reply: result.reply };
  if (result.scope) setRequestScope(call.raw, result.scope);
  return { headers: merged, reply: null };
}

function afterHooks(call: HttpCall, app: AppContext, address: string, headers: Record<string, string>): MaybePromise<Admission> {
  const preflight = preflightReply(call, app.cors);
  if (preflight) return { headers, reply: preflight };
  // A bearer token that does not count is a 401 wherever it is sent (as upstream), but the probes
  // answer whatever a kubelet sends.
  if (PROBE_PATHS.has(call.path)) return afterIdentity(call, app, address, headers, null);
  let account: MaybePromise<Identity | null>;
  try {
    account = serviceAccountOf(call, app);
  } catch (error) {
    return { headers, reply: errorReply(error) };
  }
  if (!isPromise(account)) return afterIdentity(call, app, address, headers, account);
  return account.then(
    (found) => afterIdentity(call, app, address, headers, found),
    (error: unknown) => ({ headers, reply: errorReply(error) }),
  );
}

function afterIdentity(
  call: HttpCall,
  app: AppContext,
  address: string,
  headers: Record<string, string>,
  account: Identity | null,
): MaybePromise<Admission> {
  // Fail closed: with server auth, a request without an identity gets nothing but the probes, not
  // even the dashboard's files (the endpoint table's role check refuses it again, per endpoint).
  if (app.authUserHeader && !account && !authUserOf(call, app.authUserHeader)) {
    const route = `${call.method === 'HEAD' ? 'GET' : call.method} ${stripDashboardPrefix(call.path)}`;
    if (!app.publicRoutes.has(route)) {
      return { headers, reply: errorReply(notAuthenticated(`this server takes the user from the ${app.authUserHeader} header`)) };
    }
  }
  const tooOld = versionMismatchReply(call);
  if (tooOld) return { headers, reply: tooOld };
  // Probes are never throttled: a kubelet or balancer sharing an address with busy clients (NAT)
  // must not see a 429 and restart a healthy replica.
  if (app.rateLimit && !PROBE_PATHS.has(call.path) && !isStaticRead(call)) {
    return app.rateLimit.take(address).then(
      () => ({ headers, reply: null }),
      (error: unknown) => ({ headers, reply: errorReply(error) }),
    );
  }
  return { headers, reply: null };
}
