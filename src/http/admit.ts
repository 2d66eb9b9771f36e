/**
 * Everything that happens to a request before endpoint code sees it, in one function used by both
 * the Express path and the lean path: the extension hooks (the demo's guard), the per-client rate
 * limit, the protocol and CORS headers, and preflights. It returns the headers every answer carries,
 * and an answer when the request is settled here.
 */
import type { AppContext } from './appContext';
import { clientAddress } from './clientAddress';
import { errorReply } from './errorReply';
import type { HttpCall, HttpReply } from './httpCall';
import { preflightReply, protocolHeadersFor } from './protocolHeaders';
import { setRequestScope } from './requestScope';

const PROBE_PATHS = new Set(['/healthz', '/readyz']);

export interface Admission {
  headers: Record<string, string>;
  reply: HttpReply | null;
}

export async function admit(call: HttpCall, app: AppContext): Promise<Admission> {
  let headers = protocolHeadersFor(call, app.cors);
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
  // Probes are never throttled: a kubelet or balancer sharing an address with busy clients (NAT)
  // must not see a 429 and restart a healthy replica.
  if (app.rateLimit && !PROBE_PATHS.has(call.path)) {
    try {
      await app.rateLimit.take(address);
    } catch (error) {
      return { headers, reply: errorReply(error) };
    }
  }
  return { headers, reply: null };
}
