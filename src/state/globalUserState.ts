/**
 * `globalUserState`: the typed state of the server (SkyPilot's `global_user_state`).
 *
 * Concepts:
 * - cluster: a live row keyed by name (INIT, UP or STOPPED); terminating deletes it.
 * - cluster history: one row per cluster hash with usage intervals; the cost report reads it.
 * - cluster events: status transitions with reasons; the latest is a cluster's `lastEvent`.
 * - users and roles, their SSH keys (sensitive: only `/status` with `include_credentials` returns them);
 *   enabled clouds per workspace and capability; workspaces; volumes; cluster jobs.
 *
 * The seam: this one object is the only way in. Every caller, including the functions below, calls
 * `globalUserState.fn()`, so replacing a property (sinon `sandbox.replace`) reaches every call.
 * See docs/decisions/0001-state-seam.md.
 */
import { clusterJobsState } from './clusterJobsState';
import { clustersState } from './clustersState';
import { configState } from './configState';
import { closeStateDb, openStateDb } from './database';
import { historyState } from './historyState';
import { usersState } from './usersState';
import { volumesState } from './volumesState';
import { sshKeysState } from './sshKeysState';

export const globalUserState = {
  /** Opens the database and runs migrations. Called once at start-up; safe to call again. */
  async init(options: { dbPath?: string } = {}): Promise<void> {
    openStateDb(options.dbPath);
  },
  async close(): Promise<void> {
    closeStateDb();
  },
  ...clustersState,
  ...historyState,
  ...usersState,
  ...configState,
  ...clusterJobsState,
  ...volumesState,
  ...sshKeysState,
};

export type GlobalUserState = typeof globalUserState;
