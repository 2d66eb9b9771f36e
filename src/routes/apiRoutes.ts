/**
 * The protocol's own endpoints: health, request results (`/api/get`), request listing, cancel and log
 * streaming, plugins and shell completion.
 */
import { z } from 'zod';
import { andThen } from '../common/maybeAsync';
import type { HealthResponse } from '../api/wireTypes';
import { NotFoundError } from '../errors';
import { serviceAccountOf } from '../http/bearerAuth';
import { authUserOf, resolveCaller } from '../http/caller';
import { currentUser } from '../state/currentUser';
import { clientAddress, isLocalDirectCaller } from '../http/clientAddress';
import { admitFollow, parseFollowLimits } from '../http/logFollow';
import { type Endpoint, scheduledEndpoint } from '../http/endpoint';
import { baseBody, parseInput, queryBool } from '../http/validate';
import {
  DEFAULT_STATUS_LIMIT,
  MAX_STATUS_LIMIT,
  cancelRequests,
  findRequest,
  getResult,
  listRequests,
  streamRequestLog,
} from '../operations/requests';
import { payloadForJsonReader } from '../requests/jsonReaderPayload';
import { stateQueries } from '../state/stateQueries';
import { COMMIT } from '../version';
import { clientKind } from '../vocab/clientKind';
import { isFinishedRequest } from '../vocab/statuses';
import { API_VERSION, VERSION } from '../vocab/versions';

const getQuery = z.looseObject({ request_id: z.string().min(1, 'request_id is required').max(128) });
const statusQuery = z.looseObject({
  request_ids: z.union([z.string(), z.array(z.string())]).nullish(),
  all_status: queryBool.nullish(),
  limit: z.coerce.number().int().positive().max(MAX_STATUS_LIMIT).nullish(),
  /** The next page: requests created before this epoch time (the last `created_at` seen). */
  before: z.coerce.number().positive().nullish(),
  cluster_name: z.string().max(256).nullish(),
});
const streamQuery = z.looseObject({
  request_id: z.string().max(128).nullish(),
  follow: queryBool.nullish(),
  tail: z.coerce.number().int().nullish(),
  format: z.enum(['auto', 'plain', 'html', 'console']).nullish(),
});
const cancelBody = z.looseObject({
  ...baseBody,
  request_ids: z.array(z.string().max(128)).max(MAX_STATUS_LIMIT).nullish(),
  user_id: z.string().nullish(),
});

export const apiEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/health',
    role: 'public',
    effect: 'read',
    direct: async (call, app) => {
      // A probe: it answers anyone, and names the user only when there is one (with server auth, a
      // caller without the header is nobody, and gets no user).
      // A service account's token names it (what `sky api login --token` shows); a bad token never
      // got here (admission answered 401).
      const authUser = (await serviceAccountOf(call, app)) ?? authUserOf(call, app.authUserHeader);
      const identity = app.authUserHeader && !authUser ? null : currentUser.getCurrentUser({ authUser, envVars: null });
      const body: HealthResponse = {
        status: 'healthy',
        api_version: String(API_VERSION),
        version: VERSION,
        version_on_disk: VERSION,
        commit: COMMIT,
        ...(identity ? { user: { id: identity.id, name: identity.name } } : {}),
        basic_auth_enabled: false,
        service_account_token_enabled: app.serviceAccounts,
        ingress_basic_auth_enabled: false,
        external_proxy_auth_enabled: app.authUserHeader !== null,
        // For `sky api stop` on this machine only: nobody else (a proxied demo visitor) needs it.
        ...(isLocalDirectCaller(call.raw) ? { pid: process.pid } : {}),
        ...app.extensions.healthFields(),
      };
      return { status: 200, json: body };
    },
  },
  {
    method: 'GET',
    path: '/api/get',
    role: 'viewer',
    effect: 'read',
    // At once for a result this process holds (the lean path's round trip), else a promise.
    direct: (call, app) => {
      const { request_id: id } = parseInput(getQuery, call.query, 'query');
      // The official dashboard decodes no pickle: its envelope leaves them out.
      return andThen(resolveCaller(call, app), (caller) =>
        getResult(app.store, id, caller.viewer, app.getTimeoutMs, clientKind(caller) === 'dashboard' ? payloadForJsonReader : undefined),
      );
    },
  },
  {
    method: 'GET',
    path: '/api/status',
    role: 'viewer',
    effect: 'read',
    direct: async (call, app) => {
      const q = parseInput(statusQuery, call.query, 'query');
      const { viewer } = await resolveCaller(call, app);
      const ids = typeof q.request_ids === 'string' ? q.request_ids.split(',') : (q.request_ids ?? null);
      return {
        status: 200,
        json: await listRequests(
          app.store,
          {
            // Upstream matches named ids as prefixes, whatever their status (`sky api status <id>`).
            requestIds: ids?.slice(0, MAX_STATUS_LIMIT) ?? null,
            idPrefixes: ids !== undefined && ids !== null,
            clusterName: q.cluster_name ?? null,
            allStatus: q.all_status === true || (ids !== undefined && ids !== null),
            limit: q.limit ?? DEFAULT_STATUS_LIMIT,
            before: q.before ?? null,
          },
          viewer,
        ),
      };
    },
  },
  scheduledEndpoint('POST', '/api/cancel', {
    name: 'sky.api_cancel',
    effect: 'write',
    schema: cancelBody,
    run: (body, ctx) =>
      cancelRequests(ctx.requests.store, ctx.requests.executor, {
        requestIds: body.request_ids ?? null,
        userId: body.user_id ?? ctx.caller.identity.id,
        selfId: ctx.requestId,
        viewer: ctx.caller.viewer,
      }),
  }),
  {
    method: 'GET',
    path: '/api/stream',
    role: 'viewer',
    effect: 'read',
    stream: async (call, app, res) => {
      const q = parseInput(streamQuery, call.query, 'query');
      const { viewer } = await resolveCaller(call, app);
      const target = q.request_id
        ? await findRequest(app.store, q.request_id, viewer)
        : (await app.store.list({ viewer, allStatus: true, limit: 1 }))[0];
      if (!target) throw new NotFoundError('No request to stream.', 'request_not_found');
      // A follow holds a socket for as long as the request runs: counted against the client's
      // address with the log follows (http/logFollow.ts), a typed 429 past the cap.
      const following = q.follow !== false && !isFinishedRequest(target.status);
      const release = following ? admitFollow(clientAddress(call.raw, app.trustProxy), parseFollowLimits(process.env)) : null;
      let closed = false;
      call.raw.on('close', () => {
        closed = true;
      });
      await streamRequestLog(app.store, res, target, {
        follow: q.follow !== false,
        viewer,
        closed: () => closed,
        headers: {},
        askedFor: q.request_id ?? null,
      }).finally(() => release?.());
    },
  },
  { method: 'GET', path: '/api/plugins', role: 'viewer', effect: 'read', direct: () => ({ status: 200, json: { plugins: [] } }) },
  {
    method: 'GET',
    path: '/api/completion/cluster_name',
    role: 'viewer',
    effect: 'read',
    direct: async (call) => {
      const incomplete = typeof call.query.incomplete === 'string' ? call.query.incomplete.slice(0, 255) : '';
      return { status: 200, json: await stateQueries.getClusterNamesStartWith(incomplete) };
    },
  },
];
