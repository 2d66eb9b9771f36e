/**
 * The state store behind the seams: opened lazily, on the first state call or on `init()`, never on
 * import, so a process whose state functions are all replaced (demo mode) never touches a database.
 *
 * Where: `init({ target })`, else `SKYPILOT_DB_CONNECTION_URI` (PostgreSQL), else `SKYPILOT_STATE_DB`,
 * else `~/.sky/state.db` (whose directory may be created; an explicit path's directory must exist).
 */
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db/database';
import { type DbTarget, describeTarget, isPostgresUri } from '../db/dbTarget';
import { migrateOpened } from '../db/migrator';
import { openSqlite } from '../db/openSqlite';
import { REQUESTS_OWNERSHIP } from '../requests/requestsMigrations';
import { STATE_MIGRATIONS, STATE_MIGRATIONS_TABLE, STATE_OWNERSHIP } from './stateMigrations';
import type { StateSchema } from './stateSchema';

export const STATE_CHANGED_CHANNEL = 'skypilot_state_changed';

export function defaultStateTarget(env: NodeJS.ProcessEnv = process.env): DbTarget {
  if (isPostgresUri(env.SKYPILOT_DB_CONNECTION_URI)) return { kind: 'postgres', uri: env.SKYPILOT_DB_CONNECTION_URI };
  if (env.SKYPILOT_STATE_DB) return { kind: 'sqlite', path: env.SKYPILOT_STATE_DB, createDir: false };
  return { kind: 'sqlite', path: path.join(os.homedir(), '.sky', 'state.db'), createDir: true };
}

export async function openStateDb(target: DbTarget): Promise<Db<StateSchema>> {
  const db =
    target.kind === 'sqlite'
      ? openSqlite<StateSchema>({
          path: target.path,
          createDir: target.createDir,
          what: 'state database',
          ownership: STATE_OWNERSHIP,
          synchronous: 'FULL',
          // Cost reports and job lists over hundreds of thousands of rows must not hold the loop.
          readWorkers: 1,
        })
      : await (await import('../db/openPostgres')).openPostgres<StateSchema>({
          uri: target.uri,
          what: 'state database',
          channel: STATE_CHANGED_CHANNEL,
          ownership: STATE_OWNERSHIP,
          sharesWith: [REQUESTS_OWNERSHIP],
        });
  return migrateOpened(db, STATE_MIGRATIONS_TABLE, STATE_MIGRATIONS);
}

let current: Promise<Db<StateSchema>> | null = null;
let currentTarget: string | null = null;

export const stateStore = {
  /** Opens `target`, closing what was open. Concurrent callers share one opening. */
  open(target: DbTarget = defaultStateTarget()): Promise<Db<StateSchema>> {
    const previous = current;
    const opening = (async () => {
      if (previous) await (await previous.catch(() => null))?.close();
      return openStateDb(target);
    })();
    current = opening;
    currentTarget = describeTarget(target);
    opening.catch(() => {
      if (current === opening) {
        current = null;
        currentTarget = null;
      }
    });
    return opening;
  },

  /** The open store, opening the default one on first use. */
  db(): Promise<Db<StateSchema>> {
    return current ?? stateStore.open();
  },

  async close(): Promise<void> {
    const closing = current;
    current = null;
    currentTarget = null;
    if (closing) await (await closing.catch(() => null))?.close();
  },

  /** The store in use or being opened (a path or a URI without password), or null: the demo asserts null. */
  openedTarget(): string | null {
    return currentTarget;
  },
};
