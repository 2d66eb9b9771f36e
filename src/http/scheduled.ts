/**
 * Scheduled endpoints (SkyPilot's async protocol): validate, record the request, answer 200 with body
 * `null` and the `X-Skypilot-Request-ID` header, and run the work in the executor. The result is
 * collected from `/api/get`.
 *
 * A client may name the request itself (header `X-Skypilot-Request-ID`): the same caller sending the
 * same id again is retrying, and gets the same request without it running twice; anyone else reusing
 * the id gets a fresh request under a new id, never someone else's.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { andThen, type MaybePromise } from '../common/maybeAsync';
import type { OpContext } from './opContext';
import { registerCaller } from './callerRegistry';
import type { JsonText } from '../requests/executor';
import { type RequestError, roleOfViewer } from '../requests/requestRecord';
import { recordingEffects } from '../db/effectScope';
import { SkyPilotError } from '../errors';
import { globalUserState } from '../state/globalUserState';
import { mayUseWorkspace } from '../state/workspaceAccess';
import { HEADERS } from '../vocab/headers';
import { DEFAULT_WORKSPACE } from '../vocab/workspaces';
import type { ScheduleType } from '../vocab/statuses';
import type { AppContext } from './appContext';
import { type Caller, resolveCaller } from './caller';
import { header, type HttpCall, type HttpReply } from './httpCall';
import { callerEnvVars, parseInput } from './validate';
import { assertClusterInScope } from './workspaceScope';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9-]{7,63}$/;

export interface ScheduledSpec<S extends z.ZodType = z.ZodType> {
  /** SkyPilot's request name, e.g. `sky.status`. */
  name: string;
  schema: S;
  /** Where the input comes from: the JSON body (POST) or the query string (GET). */
  from?: 'body' | 'query';
  /** Writes and long requests are durable (kept in the database); reads live in memory. */
  effect: 'read' | 'write';
  scheduleType?: ScheduleType | ((input: z.infer<S>) => ScheduleType);
  clusterName?: (input: z.infer<S>) => string | null;
  run: (input: z.infer<S>, ctx: OpContext) => Promise<unknown>;
  /**
   * A read whose answer may already be serialised for the state as it is now (the demo's per-tick
   * snapshot, `/status` until the next write): that answer, else null. The request is then settled
   * in place, exactly as the executor would record it, instead of being queued.
   */
  fromSnapshot?: (input: z.infer<S>, caller: Caller) => MaybePromise<JsonText | null>;
}

/**
 * A user changes only their own clusters unless they are an admin (upstream's rule). Checked when the
 * request runs, so the refusal is the request's PermissionDeniedError, as upstream records it; a
 * cluster that does not exist is left to the operation's own ClusterDoesNotExist.
 */
async function assertOwnCluster(name: string, caller: Caller): Promise<void> {
  const role = roleOfViewer(caller.viewer);
  if (role === 'admin') return;
  const [cluster] = await globalUserState.getClusters({ clusterNames: [name] });
  if (cluster && cluster.userHash !== caller.identity.id) {
    throw new SkyPilotError(
      'PermissionDeniedError',
      `Cluster '${name}' belongs to another user; only an admin may change it (${caller.identity.name} is a ${role}).`,
    );
  }
}

/**
 * A non-admin acts only in a workspace they may use (upstream's `reject_request_for_unauthorized_
 * workspace`, run for every request): the one named in the body's `active_workspace`, else `default`.
 * A private workspace that does not list them is refused as a PermissionDeniedError; a workspace
 * that does not exist is left to the operation.
 */
async function assertWorkspaceAllowed(input: unknown, caller: Caller): Promise<void> {
  const role = roleOfViewer(caller.viewer);
  if (role === 'admin') return;
  const override = (input as { override_skypilot_config?: { active_workspace?: unknown } } | null)?.override_skypilot_config;
  const wanted =
    typeof override?.active_workspace === 'string' && override.active_workspace ? override.active_workspace : DEFAULT_WORKSPACE;
  const config = (await globalUserState.getWorkspaces())[wanted];
  if (config && !mayUseWorkspace(config, caller.identity)) {
    throw new SkyPilotError(
      'PermissionDeniedError',
      `Workspace '${wanted}' is private and ${caller.identity.name} is not one of its users; ask an admin to add you.`,
    );
  }
}

export function requestIdReply(requestId: string): HttpReply {
  return { status: 200, headers: { [HEADERS.requestId]: requestId, [HEADERS.genericRequestId]: requestId }, json: null };
}

/**
 * A request named `spec.name` that failed before running (a refusal): stored like a read (memory
 * only, owned by the caller), so `/api/get` answers it as FAILED with `error`. Nothing is executed.
 * `as: 'stream'` answers an empty text stream instead of `null`, for clients that print the POST's
 * answer as a log before they fetch the result (they would print "null").
 */
export async function failedRequestReply(
  spec: Pick<ScheduledSpec, 'name'>,
  call: HttpCall,
  app: AppContext,
  error: RequestError,
  as: 'json' | 'stream' = 'json',
): Promise<HttpReply> {
  // The caller a scheduled request would record: a body read by now (an endpoint answering this
  // itself) names its user in `env_vars`; a refusal at the door has no body yet.
  const body = call.body as { env_vars?: unknown } | undefined;
  const envVars = body && typeof body.env_vars === 'object' ? (body.env_vars as Record<string, unknown>) : null;
  const caller = await resolveCaller(call, app, envVars);
  const { record } = await app.store.create(
    {
      requestId: randomUUID(),
      name: spec.name,
      body: null,
      userId: caller.identity.id,
      userName: caller.identity.name,
      owner: caller.viewer.principal,
      clusterName: null,
      scheduleType: 'short',
      durable: false,
    },
    randomUUID,
  );
  await app.store.finish(record, 'FAILED', 'null', error);
  const reply = requestIdReply(record.requestId);
  return as === 'stream' ? { status: reply.status, headers: reply.headers, text: '' } : reply;
}

/**
 * Validates, records and schedules (or settles from the snapshot) one request; at once when nothing
 * on the way has to wait (the lean path's round trip), else a promise.
 */
export function runScheduled<S extends z.ZodType>(spec: ScheduledSpec<S>, call: HttpCall, app: AppContext): MaybePromise<HttpReply> {
  const where = spec.from ?? 'body';
  const input = parseInput(spec.schema, where === 'query' ? call.query : call.body, where);
  // Before anything is stored: the caller's name goes into the request and the users table.
  const sent = (input as { env_vars?: unknown }).env_vars;
  const envVars = sent == null ? null : (parseInput(callerEnvVars, { env_vars: sent }, where).env_vars ?? null);
  return andThen(resolveCaller(call, app, envVars), (caller) => {
    const scheduleType = typeof spec.scheduleType === 'function' ? spec.scheduleType(input) : (spec.scheduleType ?? 'short');
    app.executor.assertRoom(scheduleType);
    const clusterName = spec.clusterName?.(input) ?? null;
    const wanted = header(call, HEADERS.requestId);
    const clientChosen = wanted !== undefined && CLIENT_REQUEST_ID.test(wanted);
    const accepted = app.store.create(
      {
        requestId: clientChosen ? wanted : randomUUID(),
        clientChosen,
        name: spec.name,
        body: input,
        userId: caller.identity.id,
        userName: caller.identity.name,
        owner: caller.viewer.principal,
        clusterName,
        scheduleType,
        durable: spec.effect === 'write' || scheduleType === 'long',
      },
      randomUUID,
    );
    return andThen(accepted, ({ record, created }) => {
      const reply = requestIdReply(record.requestId);
      if (!created) return reply;
      // Answered from the snapshot: nothing left to run. Not when the caller is to be registered (a
      // write to the users table) or a cluster's workspace checked: the executor's job.
      const snapshot = spec.fromSnapshot && !envVars?.SKYPILOT_USER_ID && !clusterName ? spec.fromSnapshot(input, caller) : null;
      return andThen(snapshot, (settled) => {
        if (settled) return andThen(app.executor.settle(record, settled), () => reply);
        app.executor.submitFrom(caller.address, record, caller.identity, async (run) => {
          // SkyPilot registers every caller it sees, so the users page lists them.
          if (envVars?.SKYPILOT_USER_ID) await registerCaller(caller.identity);
          // A cluster in a private workspace the caller may not use is refused, reads included.
          if (clusterName) await assertClusterInScope(clusterName, caller);
          if (spec.effect === 'write' && clusterName) await assertOwnCluster(clusterName, caller);
          if (spec.effect === 'write') await assertWorkspaceAllowed(input, caller);
          const operation = () => spec.run(input, { ...run, caller, requests: { store: app.store, executor: app.executor } });
          // A write's changes to the state carry its id, so a crash cannot hide that they happened
          // (src/state/requestEffects.ts); the caller's registration above is not its change. A read
          // (even a long one) is never settled as SUCCEEDED without its result.
          return spec.effect === 'write' ? recordingEffects({ requestId: record.requestId, signal: run.signal }, operation) : operation();
        });
        return reply;
      });
    });
  });
}
