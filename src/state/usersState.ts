/**
 * Users and roles. A user's id is its 8-hex user hash; names need not be unique. Roles live beside the
 * users table (SkyPilot keeps them as Casbin policies): `admin`, `user`, `viewer`; none shows as ''.
 */
import type { UserRole, UserType } from '../vocab/statuses';
import type { User, UserWithRole } from './records';
import { nowSeconds } from './rowCodecs';
import type { StateContext } from './stateContext';
import type { StateSchema } from './stateSchema';
import type { Kysely } from 'kysely';

interface UserRow {
  id: string;
  name: string | null;
  password: string | null;
  created_at: number | null;
  user_type: string;
  role: string | null;
}

function userFromRow(row: UserRow): UserWithRole {
  return {
    id: row.id,
    name: row.name,
    password: row.password,
    createdAt: row.created_at,
    userType: row.user_type as UserType,
    role: (row.role ?? '') as UserRole | '',
  };
}

function selectUsers(db: Kysely<StateSchema>) {
  return db.selectFrom('users as u').leftJoin('user_roles as r', 'r.user_id', 'u.id').selectAll('u').select('r.role');
}

export function createUsersState(ctx: StateContext) {
  async function getUser(userId: string): Promise<UserWithRole | null> {
    const db = await ctx.read();
    const row = await selectUsers(db).where('u.id', '=', userId).executeTakeFirst();
    return row ? userFromRow(row) : null;
  }

  return {
    async getAllUsers(): Promise<UserWithRole[]> {
      const db = await ctx.read();
      return (await selectUsers(db).orderBy('u.created_at').orderBy('u.id').execute()).map(userFromRow);
    },

    getUser,

    async getUserByName(name: string): Promise<UserWithRole[]> {
      const db = await ctx.read();
      return (await selectUsers(db).where('u.name', '=', name).execute()).map(userFromRow);
    },

    /** True when inserted. The password changes only when given; a user without a name is ignored. */
    async addOrUpdateUser(user: Pick<User, 'id' | 'name'> & Partial<User>): Promise<boolean> {
      if (user.name == null) return false;
      const name = user.name;
      return ctx.write(async (trx) => {
        const existing = await trx.selectFrom('users').select('id').where('id', '=', user.id).executeTakeFirst();
        if (existing) {
          await trx
            .updateTable('users')
            .set({
              name,
              ...(user.password != null ? { password: user.password } : {}),
              ...(user.userType != null ? { user_type: user.userType } : {}),
            })
            .where('id', '=', user.id)
            .execute();
          return false;
        }
        await trx
          .insertInto('users')
          .values({
            id: user.id,
            name,
            password: user.password ?? null,
            created_at: user.createdAt ?? nowSeconds(),
            user_type: user.userType ?? 'legacy',
          })
          .execute();
        return true;
      });
    },

    async deleteUser(userId: string): Promise<boolean> {
      return ctx.write(async (trx) => {
        const deleted = await trx.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
        await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
        return deleted.numDeletedRows > 0n;
      });
    },

    async getUserRole(userId: string): Promise<UserRole | null> {
      const db = await ctx.read();
      const row = await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).executeTakeFirst();
      return (row?.role as UserRole | undefined) ?? null;
    },

    async setUserRole(userId: string, role: UserRole): Promise<void> {
      await ctx.write(async (trx) => {
        await trx
          .insertInto('user_roles')
          .values({ user_id: userId, role })
          .onConflict((oc) => oc.column('user_id').doUpdateSet({ role }))
          .execute();
      });
    },
  };
}

export type UsersState = ReturnType<typeof createUsersState>;
