/**
 * The state store behind the seams: opened lazily, on the first state call or on `init()`, never on
 * import, so a process whose state functions are all replaced (demo mode) never touches a database.
 *
 * Where: `init({ target })` (the server passes what src/serverConfig.ts read from its options and the
 * environment, the one reader of both), else `~/.sky/state.db`, whose directory may be created. It
 * opens through the one `openStore` (src/db/openStore.ts) the requests store uses too.
 */
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db/database';
import { type DbTarget, describeTarget } from '../db/dbTarget';
import { openStore } from '../db/openStore';
import type { StoreOwnership } from '../db/ownership';
import { STATE_MIGRATIONS, STATE_OWNERSHIP } from './stateMigrations';
import type { StateSchema } from './stateSchema';

export const STATE_CHANGED_CHANNEL = 'skypilot_state_changed';

/** The state store's default when nothing opened it (tools, tests): the server opens its configured target. */
const DEFAULT_TARGET: DbTarget = { kind: 'sqlite', path: path.join(os.homedir(), '.sky', 'state.db'), createDir: true };

export function openStateDb(target: DbTarget, sharesWith: readonly StoreOwnership[] = []): Promise<Db<StateSchema>> {
  return openStore<StateSchema>(target, {
    what: 'state database',
    ownership: STATE_OWNERSHIP,
    migrations: STATE_MIGRATIONS,
    sharesWith,
    synchronous: 'FULL',
    // Cost reports and job lists over hundreds of thousands of rows must not hold the loop.
    readWorkers: 1,
    postgres: { channel: STATE_CHANGED_CHANNEL },
  });
}

let current: Promise<Db<StateSchema>> | null = null;
let currentTarget: string | null = null;

export const stateStore = {
  /** Opens `target`, closing what was open. Concurrent callers share one opening. */
  open(target: DbTarget = DEFAULT_TARGET, sharesWith: readonly StoreOwnership[] = []): Promise<Db<StateSchema>> {
    const previous = current;
    const opening = (async () => {
      if (previous) await (await previous.catch(() => null))?.close();
      return openStateDb(target, sharesWith);
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
