/**
 * User endpoints (direct, as SkyPilot's `/users` router). Without server auth the caller is an admin,
 * as upstream reports. Creating and deleting users needs the admin role (the table says so); an
 * update by a non-admin may change only the caller's own password. A change of role applies to the
 * next request (the cached roles are dropped).
 */
import { z } from 'zod';
import { permissionDenied } from '../http/access';
import { forgetRoles, resolveCaller } from '../http/caller';
import { roleOfViewer } from '../requests/requestRecord';
import type { Endpoint } from '../http/endpoint';
import type { HttpCall } from '../http/httpCall';
import { baseBody, parseInput, userName } from '../http/validate';
import * as users from '../operations/users';
import { USER_ROLES } from '../vocab/statuses';

const role = z.enum(USER_ROLES);
const createBody = z.looseObject({
  ...baseBody,
  username: z.string().trim().min(1, 'must not be empty').pipe(userName),
  password: z.string().min(1).max(256).nullish(),
  role: role.nullish(),
});
const updateBody = z.looseObject({
  ...baseBody,
  user_id: z.string().min(1).max(256),
  role: role.nullish(),
  password: z.string().min(1).max(256).nullish(),
});
const deleteBody = z.looseObject({ ...baseBody, user_id: z.string().min(1).max(256) });

const done = { status: 200, json: null };

/** A user-management write only an admin may make; roles are read again on the next request. */
function adminWrite(path: string, change: (call: HttpCall) => Promise<unknown>): Endpoint {
  return {
    method: 'POST',
    path,
    role: 'admin',
    effect: 'write',
    direct: async (call) => {
      await change(call);
      forgetRoles();
      return done;
    },
  };
}

export const userEndpoints: Endpoint[] = [
  { method: 'GET', path: '/users', role: 'viewer', effect: 'read', direct: async () => ({ status: 200, json: await users.listUsers() }) },
  {
    method: 'GET',
    path: '/users/role',
    role: 'viewer',
    effect: 'read',
    direct: async (call, app) => {
      const caller = await resolveCaller(call, app);
      return { status: 200, json: await users.roleOf(caller.identity, caller.viewer) };
    },
  },
  adminWrite('/users/create', async (call) => users.createUser(parseInput(createBody, call.body))),
  {
    method: 'POST',
    path: '/users/update',
    effect: 'write',
    direct: async (call, app) => {
      const input = parseInput(updateBody, call.body);
      const caller = await resolveCaller(call, app);
      // As upstream: anyone may change their own password; roles and other users are an admin's.
      const role = roleOfViewer(caller.viewer);
      if (role !== 'admin' && (input.role || input.user_id !== caller.identity.id)) {
        throw permissionDenied(role, "another user's settings or a role");
      }
      await users.updateUser(input);
      forgetRoles();
      return done;
    },
  },
  adminWrite('/users/delete', async (call) => users.deleteUser(parseInput(deleteBody, call.body))),
];
