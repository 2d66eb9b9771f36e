/**
 * User endpoints (direct, as SkyPilot's `/users` router). Without server auth the caller is an admin,
 * as upstream reports.
 */
import { z } from 'zod';
import { resolveCaller } from '../http/caller';
import type { Endpoint } from '../http/endpoint';
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

export const userEndpoints: Endpoint[] = [
  { method: 'GET', path: '/users', direct: async () => ({ status: 200, json: await users.listUsers() }) },
  {
    method: 'GET',
    path: '/users/role',
    direct: async (call, app) => ({ status: 200, json: await users.roleOf((await resolveCaller(call, app)).identity) }),
  },
  {
    method: 'POST',
    path: '/users/create',
    direct: async (call) => {
      await users.createUser(parseInput(createBody, call.body));
      return done;
    },
  },
  {
    method: 'POST',
    path: '/users/update',
    direct: async (call) => {
      await users.updateUser(parseInput(updateBody, call.body));
      return done;
    },
  },
  {
    method: 'POST',
    path: '/users/delete',
    direct: async (call) => {
      await users.deleteUser(parseInput(deleteBody, call.body));
      return done;
    },
  },
];
