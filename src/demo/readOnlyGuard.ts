/**
 * The demo's write guard, mounted before CORS, body parsing and routing, so it judges every request
 * as it arrived. Default deny: a request passes only when its method and normalised path are on the
 * allowlist. Normalisation follows what Express would route (case-insensitive, trailing slash, the
 * `/internal/dashboard` prefix), so no spelling reaches a handler the guard did not judge; spellings
 * Express would not route as written (percent-encoding, `//`, `;`, `..`) are refused outright.
 * Method overrides and protocol upgrades are refused: no later layer may change what was judged.
 */
import type { RequestHook } from '../appExtensions';
import { boundedMemo } from '../common/boundedMemo';
import { errorReply } from '../http/errorReply';
import { DASHBOARD_API_PREFIX } from '../http/protocolHeaders';
import { HEADERS } from '../vocab/headers';
import { DemoModeError } from './demoModeError';
import { ALLOWED_READS, DEMO_ONLY_READS, STATIC_PREFIX } from './readOnlyAllowlist';

const OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'];
const allowed = new Set(ALLOWED_READS.map(([method, path]) => `${method} ${path}`));

/** A refusal names the method and path as routed when it could tell them, so it can be answered in kind. */
export type Verdict = { allow: true } | { allow: false; reason: string; target?: { method: string; path: string } };

/** The path as Express routes it, or null when it is spelled in a way the guard will not judge. */
export function normalisePath(rawPath: string): string | null {
  if (/[%;\\]|\/\/|\/\.\.?(\/|$)/.test(rawPath)) return null;
  let path = rawPath.toLowerCase();
  if (path === DASHBOARD_API_PREFIX || path.startsWith(`${DASHBOARD_API_PREFIX}/`)) {
    path = path.slice(DASHBOARD_API_PREFIX.length) || '/';
  }
  if (path.length > 1 && path.endsWith('/') && !path.startsWith(STATIC_PREFIX)) path = path.slice(0, -1);
  return path;
}

export function judge(method: string, url: string, headers: Record<string, string | string[] | undefined>): Verdict {
  const mark = url.indexOf('?');
  const rawPath = mark < 0 ? url : url.slice(0, mark);
  const query = mark < 0 ? '' : url.slice(mark + 1).split('?', 1)[0];
  if (headers.upgrade) return { allow: false, reason: 'protocol upgrades' };
  if (OVERRIDE_HEADERS.some((h) => headers[h] !== undefined) || (query !== '' && /(^|&)_method=/i.test(query))) {
    return { allow: false, reason: 'method overrides' };
  }
  return pathVerdict(`${method} ${rawPath}`);
}

/** Verdicts on a method and path depend on nothing else: judged once per spelling, not per request. */
const pathVerdict = boundedMemo((key) => Object.freeze(judgePath(key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1))));

function judgePath(method: string, rawPath: string): Verdict {
  if (method === 'OPTIONS') return { allow: true }; // CORS preflight, answered without reaching a route
  const staticFile =
    (method === 'GET' || method === 'HEAD') && rawPath.toLowerCase().startsWith(STATIC_PREFIX) && !/\/\.\.?(\/|$)/.test(rawPath);
  if (staticFile) return { allow: true }; // the dashboard router serves files only, and refuses traversal
  const path = normalisePath(rawPath);
  if (path === null) return { allow: false, reason: `${method} on an unusual path spelling` };
  const asGet = method === 'HEAD' ? 'GET' : method;
  if (allowed.has(`${asGet} ${path}`)) return { allow: true };
  return { allow: false, reason: `${method} ${path}`, target: { method: asGet, path } };
}

const demoOnly = new Set(DEMO_ONLY_READS.map(([method, path]) => `${method} ${path}`));

/** Whether the request is one of the demo's reads beyond a viewer's, spelled as the guard judges it. */
export function isDemoOnlyRead(method: string, url: string): boolean {
  const mark = url.indexOf('?');
  return demoOnlyRead(`${method === 'HEAD' ? 'GET' : method} ${mark < 0 ? url : url.slice(0, mark)}`);
}

const demoOnlyRead = boundedMemo((key) => {
  const path = normalisePath(key.slice(key.indexOf(' ') + 1));
  return path !== null && demoOnly.has(`${key.slice(0, key.indexOf(' '))} ${path}`);
});

const DEMO_HEADER = { [HEADERS.demo]: 'true' };
const ALLOWED = { headers: DEMO_HEADER };

/**
 * The guard as a request hook: every answer says it is the demo. A refused call to a scheduled
 * endpoint becomes a request that already failed with the read-only message (what SkyPilot's
 * clients show); anything else answers the typed 403, whose `detail` is that message.
 */
export const readOnlyGuardHook: RequestHook = (call, _address, context) => {
  const verdict = judge(call.method, call.raw.url ?? '', call.headers);
  if (verdict.allow) return ALLOWED; // at once, no promise: an allowed read waits for nothing here
  const error = new DemoModeError(verdict.reason);
  if (!verdict.target) return { headers: DEMO_HEADER, reply: errorReply(error) };
  return context.refuse(error, verdict.target).then((reply) => ({ headers: DEMO_HEADER, reply }));
};
