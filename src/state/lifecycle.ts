/** Opening and closing the state store, and its version, shared by every state seam. */
import type { MaybePromise } from '../common/maybeAsync';
import type { DbTarget } from '../db/dbTarget';
import type { StoreOwnership } from '../db/ownership';
import { stateStore } from './stateStore';

export interface StateInitOptions {
  /** An SQLite file (must be in an existing directory), or give `target`. */
  dbPath?: string;
  target?: DbTarget;
  /** Stores sharing its PostgreSQL database (the server's requests store), which it must not call foreign. */
  sharesWith?: readonly StoreOwnership[];
}

/** Opening and closing the store; the demo's fakes make these no-ops. */
export function createLifecycle() {
  return {
    /** Opens the store and runs migrations. Called once at start-up; safe to call again. */
    async init(options: StateInitOptions = {}): Promise<void> {
      if (options.target) await stateStore.open(options.target, options.sharesWith);
      else if (options.dbPath) await stateStore.open({ kind: 'sqlite', path: options.dbPath, createDir: false });
      else await stateStore.db();
    },
    async close(): Promise<void> {
      await stateStore.close();
    },
    /** A cheap query against the store, for readiness probes; throws when it is unreachable. */
    async ping(): Promise<void> {
      await (await stateStore.db()).ping();
    },
    /**
     * Changes whenever stored state may have changed (here or in another replica): a cache key. A
     * seam may answer it at once (the demo's, asked on every request), so callers await it.
     */
    stateVersion(): MaybePromise<string> {
      return stateStore.db().then((db) => `db:${db.changeCounter()}`);
    },
  };
}

export type Lifecycle = ReturnType<typeof createLifecycle>;
