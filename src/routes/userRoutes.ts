/**
 * Users (direct endpoints, as SkyPilot's `/users` router). Without server auth the caller is an admin,
 * as upstream reports. Passwords are stored as scrypt hashes, never as given.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { toUserRecord } from '../api/wireRecords';
import { HttpError } from '../errors';
import type { AppContext } from '../http/appContext';
import { callerOf } from '../http/caller';
import { baseBody, parseInput } from '../http/validate';
import { USER_ROLES } from '../state/clusterStatus';
import { userHashForName } from '../state/currentUser';
import { globalUserState } from '../state/globalUserState';
import { managedJobsState } from '../state/managedJobsState';

const role = z.enum(USER_ROLES);
const createBody = z.looseObject({
  ...baseBody,
  username: z.string().trim().min(1, 'username must not be empty').max(128),
  password: z.string().min(1).max(256).nullish(),
  role: role.nullish(),
});
const updateBody = z.looseObject({
  ...baseBody, user_id: z.string().min(1), role: role.nullish(), password: z.string().min(1).max(256).nullish(),
});
const deleteBody = z.looseObject({ ...baseBody, user_id: z.string().min(1) });

function hashPassword(password: string): string {
  const salt = randomBytes(16).toString('hex');
  return `scrypt$${salt}$${scryptSync(password, salt, 32).toString('hex')}`;
}

async function requireUser(userId: string) {
  const user = await globalUserState.getUser(userId);
  if (!user) throw new HttpError(404, 'user_not_found', 'UserNotFoundError', `User '${userId}' does not exist.`);
  return user;
}

export function userRoutes(app: AppContext): Router {
  const router = Router();

  router.get('/users', async (_req, res) => {
    const users = await globalUserState.getAllUsers();
    res.json(users.filter((u) => u.userType !== 'sa').map(toUserRecord));
  });

  router.get('/users/role', async (req, res) => {
    const caller = callerOf(req, app.authUserHeader);
    const stored = await globalUserState.getUserRole(caller.id);
    res.json({ id: caller.id, name: caller.name, role: stored ?? 'admin' });
  });

  router.post('/users/create', async (req, res) => {
    const body = parseInput(createBody, req.body);
    const id = userHashForName(body.username);
    if (await globalUserState.getUser(id)) {
      throw new HttpError(409, 'user_exists', 'UserExistsError', `User '${body.username}' already exists.`);
    }
    await globalUserState.addOrUpdateUser({
      id, name: body.username, password: body.password ? hashPassword(body.password) : null, userType: 'basic',
    });
    await globalUserState.setUserRole(id, body.role ?? 'user');
    res.json(null);
  });

  router.post('/users/update', async (req, res) => {
    const body = parseInput(updateBody, req.body);
    const user = await requireUser(body.user_id);
    if (!body.role && !body.password) {
      throw new HttpError(400, 'nothing_to_update', 'ValidationError', 'Give a role or a password to update.');
    }
    if (body.password) {
      await globalUserState.addOrUpdateUser({ id: user.id, name: user.name ?? user.id, password: hashPassword(body.password) });
    }
    if (body.role) await globalUserState.setUserRole(user.id, body.role);
    res.json(null);
  });

  router.post('/users/delete', async (req, res) => {
    const body = parseInput(deleteBody, req.body);
    const user = await requireUser(body.user_id);
    const clusters = await globalUserState.getClusters({ userHashes: [user.id] });
    const { jobs } = await managedJobsState.getJobs({ userHashes: [user.id], skipFinished: true });
    if (clusters.length || jobs.length) {
      throw new HttpError(409, 'user_in_use', 'UserInUseError',
        `User '${user.name}' still has ${clusters.length} cluster(s) and ${jobs.length} active managed job(s).`);
    }
    await globalUserState.deleteUser(user.id);
    res.json(null);
  });

  return router;
}
