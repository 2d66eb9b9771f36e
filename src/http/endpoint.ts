/**
 * Endpoints as data: each route module is a table of these, and `mountEndpoints` is the one place
 * that turns them into Express routes. Scheduled endpoints run `runScheduled`; direct ones return a
 * reply; streaming ones write a chunked text answer.
 */
import type { ServerResponse } from 'node:http';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { labelEndpoint } from '../observability/requestObserver';
import type { AppContext } from './appContext';
import { writeReply, type HttpCall, type HttpReply } from './httpCall';
import { inRequestScope } from './requestScope';
import { runScheduled, type ScheduledSpec } from './scheduled';

type Method = 'GET' | 'POST' | 'DELETE';

export type Endpoint = { method: Method; path: string } & (
  | { scheduled: ScheduledSpec }
  | { direct: (call: HttpCall, app: AppContext) => Promise<HttpReply> | HttpReply }
  | { stream: (call: HttpCall, app: AppContext, res: ServerResponse) => Promise<void> }
);

/** A typed helper: keeps each scheduled spec's input type while the tables hold them uniformly. */
export function scheduledEndpoint<S extends z.ZodType>(method: Method, path: string, spec: ScheduledSpec<S>): Endpoint {
  return { method, path, scheduled: spec as unknown as ScheduledSpec };
}

const NO_PARAMETERS = z.looseObject({});

/**
 * A scheduled GET: it only reads, and its input is the query string, by default no parameters at all
 * (unknown ones are ignored, as everywhere).
 */
export function scheduledQuery<S extends z.ZodType = typeof NO_PARAMETERS>(
  path: string,
  spec: Omit<ScheduledSpec<S>, 'effect' | 'from' | 'schema'> & { schema?: S },
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

export function answer(endpoint: Endpoint, call: HttpCall, app: AppContext, res: ServerResponse): Promise<void> {
  labelEndpoint(call.raw, `${endpoint.method} ${endpoint.path}`);
  return inRequestScope(call.raw, async () => {
    if ('scheduled' in endpoint) writeReply(res, await runScheduled(endpoint.scheduled, call, app));
    else if ('direct' in endpoint) writeReply(res, await endpoint.direct(call, app));
    else await endpoint.stream(call, app, res);
  });
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
