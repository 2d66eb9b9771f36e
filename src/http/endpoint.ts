/**
 * Endpoints as data: each route module is a table of these, and `mountEndpoints` is the one place
 * that turns them into Express routes. Scheduled endpoints run `runScheduled`; direct ones return a
 * reply; streaming ones write a chunked text answer. Every entry declares its effect (a scheduled
 * one in its spec) and may declare the role it needs (src/http/access.ts); `answer` checks the
 * caller's role against it before any endpoint code runs, and the allowlists are derived from it.
 */
import type { ServerResponse } from 'node:http';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { andThen, type MaybePromise } from '../common/maybeAsync';
import { type Effect, mayCall, type Need, permissionDenied, roleNeeded } from './access';
import { labelEndpoint } from '../observability/requestObserver';
import type { AppContext } from './appContext';
import { callerRole } from './caller';
import { writeReply, type HttpCall, type HttpReply } from './httpCall';
import { inRequestScope } from './requestScope';
import { failedRequestReply, runScheduled, type ScheduledSpec } from './scheduled';

type Method = 'GET' | 'POST' | 'DELETE';

export type Endpoint = { method: Method; path: string; role?: Need } & (
  | { scheduled: ScheduledSpec }
  | { direct: (call: HttpCall, app: AppContext) => Promise<HttpReply> | HttpReply; effect: Effect }
  | { stream: (call: HttpCall, app: AppContext, res: ServerResponse) => Promise<void>; effect: Effect }
);

/** What an endpoint does and who may call it, wherever its entry declares them. */
export function accessOf(endpoint: Endpoint): { effect: Effect; role: Need } {
  return { effect: 'scheduled' in endpoint ? endpoint.scheduled.effect : endpoint.effect, role: roleNeeded(endpoint) };
}

/**
 * A typed helper: keeps each scheduled spec's input type while the tables hold them uniformly. The
 * role, if the spec names one, is the endpoint's.
 */
export function scheduledEndpoint<S extends z.ZodType>(method: Method, path: string, spec: ScheduledSpec<S> & { role?: Need }): Endpoint {
  const { role, ...rest } = spec;
  return { method, path, ...(role ? { role } : {}), scheduled: rest as unknown as ScheduledSpec };
}

const NO_PARAMETERS = z.looseObject({});

/**
 * A scheduled GET: it only reads, and its input is the query string, by default no parameters at all
 * (unknown ones are ignored, as everywhere).
 */
export function scheduledQuery<S extends z.ZodType = typeof NO_PARAMETERS>(
  path: string,
  spec: Omit<ScheduledSpec<S>, 'effect' | 'from' | 'schema'> & { schema?: S; role?: Need },
): Endpoint {
  return scheduledEndpoint('GET', path, { effect: 'read', schema: NO_PARAMETERS as unknown as S, ...spec, from: 'query' });
}

export function callFromExpress(req: Request): HttpCall {
  return {
    method: req.method,
    path: req.path,
    query: req.query as Record<string, unknown>,
    body: req.body,
    headers: req.headers,
    socketAddress: req.socket.remoteAddress,
    raw: req,
  };
}

/**
 * Answers a call with an endpoint: the role check, then its code. At once when nothing on the way
 * has to wait (the lean path's round trip), else a promise; a refusal may be thrown either way.
 */
export function answer(endpoint: Endpoint, call: HttpCall, app: AppContext, res: ServerResponse): MaybePromise<void> {
  labelEndpoint(call.raw, `${endpoint.method} ${endpoint.path}`);
  return inRequestScope(call.raw, () => {
    // The one role check: what the entry needs against what the caller is.
    // A scheduled endpoint's refusal is a request that already failed (what the CLI prints as one
    // line; a 403 on the POST would be a traceback), anything else the typed 403.
    const need = roleNeeded(endpoint);
    if (need === 'public') return run(endpoint, call, app, res);
    return andThen(callerRole(call, app), (role) => {
      if (mayCall(role, need)) return run(endpoint, call, app, res);
      const denied = permissionDenied(role, `${endpoint.method} ${endpoint.path}`);
      if (!('scheduled' in endpoint)) throw denied;
      return failedRequestReply(endpoint.scheduled, call, app, { type: 'PermissionDeniedError', message: denied.message }).then((reply) =>
        writeReply(res, reply),
      );
    });
  });
}

function run(endpoint: Endpoint, call: HttpCall, app: AppContext, res: ServerResponse): MaybePromise<void> {
  if ('scheduled' in endpoint) return andThen(runScheduled(endpoint.scheduled, call, app), (reply) => writeReply(res, reply));
  if ('direct' in endpoint) return andThen(endpoint.direct(call, app), (reply) => writeReply(res, reply));
  return endpoint.stream(call, app, res);
}

export function mountEndpoints(endpoints: readonly Endpoint[], app: AppContext): Router {
  const router = Router();
  for (const endpoint of endpoints) {
    const handler = (req: Request, res: Response) => answer(endpoint, callFromExpress(req), app, res);
    if (endpoint.method === 'GET') router.get(endpoint.path, handler);
    else if (endpoint.method === 'DELETE') router.delete(endpoint.path, handler);
    else router.post(endpoint.path, handler);
  }
  return router;
}
