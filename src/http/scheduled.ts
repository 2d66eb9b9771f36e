/**
 * Scheduled endpoints (SkyPilot's async protocol): validate, record the request, answer 200 with body
 * `null` and the `X-Skypilot-Request-ID` header, and run the work in the executor. The result is
 * collected from `/api/get`.
 *
 * A client may name the request itself (header `X-Skypilot-Request-ID`); a second request with an id
 * already stored is a retry and is answered with the same id without running again, so a retried
 * write never runs twice.
 */
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import type { ScheduleType } from '../api/wireTypes';
import type { RequestContext } from '../requests/executor';
import { globalUserState } from '../state/globalUserState';
import type { AppContext } from './appContext';
import { callerOf } from './caller';
import { parseInput } from './validate';

export const REQUEST_ID_HEADER = 'X-Skypilot-Request-ID';
const CLIENT_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9-]{7,63}$/;

export interface ScheduledSpec<S extends z.ZodType> {
  /** SkyPilot's request name, e.g. `sky.status`. */
  name: string;
  schema: S;
  /** Where the input comes from: the JSON body (POST) or the query string (GET). */
  from?: 'body' | 'query';
  scheduleType?: ScheduleType | ((input: z.infer<S>) => ScheduleType);
  clusterName?: (input: z.infer<S>) => string | null;
  run: (input: z.infer<S>, ctx: RequestContext) => Promise<unknown>;
}

function clientRequestId(req: Request): string | null {
  const id = req.get(REQUEST_ID_HEADER);
  return id && CLIENT_REQUEST_ID.test(id) ? id : null;
}

export function scheduled<S extends z.ZodType>(app: AppContext, spec: ScheduledSpec<S>): RequestHandler {
  return async (req, res) => {
    const source = spec.from === 'query' ? req.query : req.body;
    const input = parseInput(spec.schema, source, spec.from ?? 'body');
    const envVars = (input as { env_vars?: Record<string, unknown> | null }).env_vars ?? null;
    const user = callerOf(req, app.authUserHeader, envVars);
    const requestId = clientRequestId(req) ?? randomUUID();
    const payload = app.store.create({
      requestId,
      name: spec.name,
      body: input,
      userId: user.id,
      userName: user.name,
      clusterName: spec.clusterName?.(input) ?? null,
      scheduleType: typeof spec.scheduleType === 'function' ? spec.scheduleType(input) : spec.scheduleType ?? 'short',
    });
    if (payload) {
      app.executor.submit(payload, user, async (ctx) => {
        // SkyPilot registers every caller it sees, so the users page lists them.
        if (envVars?.SKYPILOT_USER_ID) await globalUserState.addOrUpdateUser({ id: user.id, name: user.name });
        return spec.run(input, ctx);
      });
    }
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.setHeader('X-Request-ID', requestId);
    res.json(null);
  };
}
