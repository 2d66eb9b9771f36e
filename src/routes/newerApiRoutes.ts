/**
 * Endpoints upstream added between API 28 and 53 that the newer clients call, with upstream's paths,
 * kinds (direct or scheduled) and shapes (docs/api-versions.md lists every gate):
 * - `GET /users/me/workspace` (53): where the caller's launches land and what they may use;
 * - `POST /users/batch_update` (direct, admins' role change for many users);
 * - `POST /workspaces/batch_add_users`, `/workspaces/batch_remove_users` (scheduled);
 * - `POST /jobs/events` (scheduled): a managed job's status changes;
 * - `GET /api/v1/auth/token` (30): `sky api login`'s browser polling, which this server does not
 *   offer. A 404 would mean "not authorized yet" and keep the client polling for minutes; any other
 *   status makes it fall back to the token prompt at once.
 */
import { z } from 'zod';
import { HttpError } from '../errors';
import { errorReply } from '../http/errorReply';
import { resolveCaller } from '../http/caller';
import { type Endpoint, scheduledEndpoint } from '../http/endpoint';
import { baseBody, jobId, parseInput } from '../http/validate';
import { jobEvents } from '../operations/jobEvents';
import { batchAddUsers, batchRemoveUsers, batchUpdateRoles, userWorkspace } from '../operations/workspaceMembership';
import { USER_ROLES } from '../vocab/statuses';

/** A batch names at most one page of users and workspaces the dashboard shows. */
const MAX_BATCH = 1000;
const ids = (what: string) => z.array(z.string().min(1).max(256)).min(1, `${what} must not be empty`).max(MAX_BATCH);
const membershipBody = z.looseObject({ ...baseBody, workspace_names: ids('workspace_names'), user_ids: ids('user_ids') });
const batchUpdateBody = z.looseObject({ ...baseBody, user_ids: ids('user_ids'), role: z.enum(USER_ROLES) });
const workspaceQuery = z.looseObject({ requested: z.string().min(1).max(256).nullish() });
const eventsBody = z.looseObject({
  ...baseBody,
  job_id: jobId,
  task_id: z.number().int().nonnegative().nullish(),
  limit: z.number().int().positive().nullish(),
  include_cluster_events: z.boolean().nullish(),
});

export const newerApiEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/v1/auth/token',
    role: 'public',
    effect: 'read',
    direct: () =>
      errorReply(
        new HttpError(
          501,
          'not_supported',
          'NotSupportedError',
          'Browser login is not offered by this SkyPilot API server: paste a token.',
        ),
      ),
  },
  {
    method: 'GET',
    path: '/users/me/workspace',
    role: 'viewer',
    effect: 'read',
    direct: async (call, app) => {
      const { requested } = parseInput(workspaceQuery, call.query, 'query');
      return { status: 200, json: await userWorkspace((await resolveCaller(call, app)).identity, requested ?? null) };
    },
  },
  {
    method: 'POST',
    path: '/users/batch_update',
    role: 'admin',
    effect: 'write',
    direct: async (call) => ({ status: 200, json: await batchUpdateRoles(parseInput(batchUpdateBody, call.body)) }),
  },
  scheduledEndpoint('POST', '/workspaces/batch_add_users', {
    name: 'sky.workspaces.batch_add_users',
    effect: 'write',
    role: 'admin',
    schema: membershipBody,
    run: batchAddUsers,
  }),
  scheduledEndpoint('POST', '/workspaces/batch_remove_users', {
    name: 'sky.workspaces.batch_remove_users',
    effect: 'write',
    role: 'admin',
    schema: membershipBody,
    run: batchRemoveUsers,
  }),
  scheduledEndpoint('POST', '/jobs/events', {
    name: 'sky.jobs.events',
    effect: 'read',
    role: 'viewer',
    schema: eventsBody,
    run: jobEvents,
  }),
];
