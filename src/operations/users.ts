/**
 * Users: listing, roles, and the admin's create/update/delete. Business rules live here, testable
 * without HTTP: a user who still has clusters or active managed jobs cannot be deleted; passwords
 * are stored as scrypt hashes, never as given (callers are registered by the HTTP
 * plumbing, src/http/callerRegistry.ts).
 */
import { randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { toUserRecord } from '../api/wireRecords';
import type { UserRecord, UserRoleRecord } from '../api/wireTypes';
import { HttpError } from '../errors';
import { isAuthenticated, type Viewer } from '../requests/requestRecord';
import { type Identity, userHashForName } from '../state/currentUser';
import { globalUserState } from '../state/globalUserState';
import { inOneTransaction } from '../state/oneTransaction';
import { managedJobsState } from '../state/managedJobsState';
import type { UserRole } from '../vocab/statuses';

const scryptAsync = promisify(scrypt) as (password: string, salt: string, length: number) => Promise<Buffer>;

/** In the thread pool: scrypt takes tens of milliseconds by design, which must not be the event loop's. */
async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16).toString('hex');
  return `scrypt$${salt}$${(await scryptAsync(password, salt, 32)).toString('hex')}`;
}

async function requireUser(userId: string) {
  const user = await globalUserState.getUser(userId);
  if (!user) throw new HttpError(404, 'user_not_found', 'UserNotFoundError', `User '${userId}' does not exist.`);
  return user;
}

export async function listUsers(): Promise<UserRecord[]> {
  const users = await globalUserState.getAllUsers();
  // A user with no stored role is an admin, as `roleOf` says (upstream gives every user a role; an
  // empty one left the dashboard's Role column blank).
  return users.filter((u) => u.userType !== 'sa').map((u) => toUserRecord({ ...u, role: u.role || 'admin' }));
}

/**
 * A caller's role. An authenticated user (behind the auth header) has the role resolved for them,
 * `user` until an admin stores another; anyone else has their stored role, and without one is an
 * admin, as upstream reports on a server without auth.
 */
export async function roleOf(caller: Identity, viewer?: Viewer): Promise<UserRoleRecord> {
  if (viewer?.role && isAuthenticated(viewer)) return { id: caller.id, name: caller.name, role: viewer.role };
  const stored = await globalUserState.getUserRole(caller.id);
  return { id: caller.id, name: caller.name, role: stored ?? 'admin' };
}

export async function createUser(input: { username: string; password?: string | null; role?: UserRole | null }): Promise<void> {
  const id = userHashForName(input.username);
  if (await globalUserState.getUser(id)) {
    throw new HttpError(409, 'user_exists', 'UserExistsError', `User '${input.username}' already exists.`);
  }
  const password = input.password ? await hashPassword(input.password) : null;
  // The user and its role are one change: a crash never leaves a user without one, whose retry
  // would be "already exists" (src/state/oneTransaction.ts).
  await inOneTransaction(async () => {
    await globalUserState.addOrUpdateUser({ id, name: input.username, password, userType: 'basic' });
    await globalUserState.setUserRole(id, input.role ?? 'user');
  });
}

export async function updateUser(input: { user_id: string; role?: UserRole | null; password?: string | null }): Promise<void> {
  const user = await requireUser(input.user_id);
  if (!input.role && !input.password) {
    throw new HttpError(400, 'nothing_to_update', 'ValidationError', 'Give a role or a password to update.');
  }
  const password = input.password ? await hashPassword(input.password) : null;
  await inOneTransaction(async () => {
    if (password) await globalUserState.addOrUpdateUser({ id: user.id, name: user.name ?? user.id, password });
    if (input.role) await globalUserState.setUserRole(user.id, input.role);
  });
}

/** A user (or service account) who still has clusters or active managed jobs cannot be deleted. */
export async function assertNothingActive(user: { id: string; name: string | null }): Promise<void> {
  const clusters = await globalUserState.getClusters({ userHashes: [user.id] });
  const { jobs } = await managedJobsState.getJobs({ userHashes: [user.id], skipFinished: true });
  const activeJobs = new Set(jobs.map((j) => j.jobId)).size; // one record per task
  if (clusters.length || activeJobs) {
    throw new HttpError(
      409,
      'user_in_use',
      'UserInUseError',
      `User '${user.name}' still has ${clusters.length} cluster(s) and ${activeJobs} active managed job(s).`,
    );
  }
}

export async function deleteUser(input: { user_id: string }): Promise<void> {
  const user = await requireUser(input.user_id);
  await assertNothingActive(user);
  await globalUserState.deleteUser(user.id);
}
