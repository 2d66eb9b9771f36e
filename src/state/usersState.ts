/**
 * Users and roles. A user's id is its 8-hex user hash; names need not be unique. Roles live beside the
 * users table (SkyPilot keeps them as Casbin policies): `admin`, `user`, `viewer`; none shows as ''.
 */
import type { UserRole } from './clusterStatus';
import { prepared, stateDb } from './database';
import { globalUserState } from './globalUserState';
import type { User, UserType, UserWithRole } from './records';
import { nowSeconds } from './rowCodecs';

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

const USER_SELECT = 'SELECT u.*, r.role AS role FROM users u LEFT JOIN user_roles r ON r.user_id = u.id';

export const usersState = {
  async getAllUsers(): Promise<UserWithRole[]> {
    return (prepared(`${USER_SELECT} ORDER BY u.created_at, u.id`).all() as UserRow[]).map(userFromRow);
  },

  async getUser(userId: string): Promise<UserWithRole | null> {
    const row = prepared(`${USER_SELECT} WHERE u.id = ?`).get(userId) as UserRow | undefined;
    return row ? userFromRow(row) : null;
  },

  async getUserByName(name: string): Promise<UserWithRole[]> {
    return (prepared(`${USER_SELECT} WHERE u.name = ?`).all(name) as UserRow[]).map(userFromRow);
  },

  /** True when inserted. The password changes only when given; a user without a name is ignored. */
  async addOrUpdateUser(user: Pick<User, 'id' | 'name'> & Partial<User>): Promise<boolean> {
    if (user.name == null) return false;
    const existing = await globalUserState.getUser(user.id);
    if (existing) {
      prepared(`UPDATE users SET name = ?, password = COALESCE(?, password),
          user_type = COALESCE(?, user_type) WHERE id = ?`)
        .run(user.name, user.password ?? null, user.userType ?? null, user.id);
      return false;
    }
    prepared('INSERT INTO users (id, name, password, created_at, user_type) VALUES (?, ?, ?, ?, ?)')
      .run(user.id, user.name, user.password ?? null, user.createdAt ?? nowSeconds(), user.userType ?? 'legacy');
    return true;
  },

  async deleteUser(userId: string): Promise<boolean> {
    const db = stateDb();
    let deleted = false;
    db.transaction(() => {
      deleted = db.prepare('DELETE FROM users WHERE id = ?').run(userId).changes > 0;
      db.prepare('DELETE FROM user_roles WHERE user_id = ?').run(userId);
    }).immediate();
    return deleted;
  },

  async getUserRole(userId: string): Promise<UserRole | null> {
    const row = prepared('SELECT role FROM user_roles WHERE user_id = ?').get(userId) as
      { role: UserRole } | undefined;
    return row?.role ?? null;
  },

  async setUserRole(userId: string, role: UserRole): Promise<void> {
    prepared(`INSERT INTO user_roles (user_id, role) VALUES (?, ?)
      ON CONFLICT(user_id) DO UPDATE SET role = excluded.role`).run(userId, role);
  },
};
