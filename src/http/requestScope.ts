/**
 * A request's scope: a wrapper an extension hook may ask the app to run the request's endpoint code
 * in (the demo's sandbox runs it inside an AsyncLocalStorage context naming the visitor's session).
 *
 * The scope is remembered per request and entered where endpoint code starts (`answer`), not around
 * the whole middleware chain: Express's body parser resumes from stream events, which run in the
 * socket's async context, so a context entered before parsing would be gone by the time the endpoint
 * runs. A request without a scope costs one WeakMap lookup.
 */
import type { IncomingMessage } from 'node:http';

export type RequestScope = <T>(run: () => T) => T;

const scopes = new WeakMap<IncomingMessage, RequestScope>();

export function setRequestScope(req: IncomingMessage, scope: RequestScope): void {
  const outer = scopes.get(req);
  scopes.set(req, outer ? (run) => outer(() => scope(run)) : scope);
}

export function inRequestScope<T>(req: IncomingMessage, run: () => T): T {
  const scope = scopes.get(req);
  return scope ? scope(run) : run();
}
