/**
 * The people of the role suites, behind a proxy's identity header: one user per role, and another
 * user whose objects the others may or may not touch.
 */
import { userHashForName } from '../../src/state/currentUser';
import { globalUserState } from '../../src/state/globalUserState';
import type { UserRole } from '../../src/vocab/statuses';

export const HEADER = 'X-Auth-User';
export const NAMES: Record<UserRole, string> = { admin: 'ada', user: 'uma', viewer: 'vic' };
/** Another user. */
export const OTHER = 'ole';
export const hash = userHashForName;
/** The identity header of `name` (none for null). */
export const as = (name: string | null): Record<string, string> => (name === null ? {} : { [HEADER]: name });

/** Stores every role's user, and OTHER as a user. */
export async function seedRoleUsers(): Promise<void> {
  for (const [role, name] of [...Object.entries(NAMES), ['user', OTHER]] as [UserRole, string][]) {
    await globalUserState.addOrUpdateUser({ id: hash(name), name });
    await globalUserState.setUserRole(hash(name), role);
  }
}
