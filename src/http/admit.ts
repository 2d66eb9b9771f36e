/**
 * Everything that happens to a request before endpoint code sees it, in one function used by both
 * the Express path and the lean path: the extension hooks (the demo's guard), the per-client rate
 * limit, the protocol and CORS headers, preflights, a service-account token's check, and, with
 * server auth, the 401 for a request without an identity. It returns the headers every answer carries,
 * and an answer when the request is settled here.
 */
import { ValidationError } from '../errors';
import { notAuthenticated } from './access';
import type { AppContext } from './appContext';
import { serviceAccountOf } from './bearerAuth';
import { authUserOf } from './caller';
import { clientAddress } from './clientAddress';
import { errorReply } from './errorReply';
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

export async function admit(call: HttpCall, app: AppContext): Promise<Admission> {
  let headers = protocolHeadersFor(call, app.cors);
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
  const context = { refuse: app.refusalFor(call, address) };
  for (const hook of app.extensions.requestHooks) {
    const result = await hook(call, address, context);
    if (!result) continue;
    if (result.headers) headers = { ...headers, ...result.headers };
    if (result.reply) return { headers, reply: result.reply };
    if (result.scope) setRequestScope(call.raw, result.scope);
  }
  const preflight = preflightReply(call, app.cors);
  if (preflight) return { headers, reply: preflight };
  // A bearer token that does not count is a 401 wherever it is sent (as upstream), but the probes
  // answer whatever a kubelet sends.
  let account = null;
  if (!PROBE_PATHS.has(call.path)) {
    try {
      account = await serviceAccountOf(call, app);
    } catch (error) {
      return { headers, reply: errorReply(error) };
    }
  }
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
    try {
      await app.rateLimit.take(address);
    } catch (error) {
      return { headers, reply: errorReply(error) };
    }
  }
  return { headers, reply: null };
}
