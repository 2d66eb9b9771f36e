/**
 * `globalUserState`: the typed state of the server (SkyPilot's `global_user_state`).
 *
 * Concepts:
 * - cluster: a live row keyed by name (INIT, UP or STOPPED); terminating deletes it.
 * - cluster history: one row per cluster hash with usage intervals; the cost report reads it.
 * - cluster events: status transitions with reasons; the latest is a cluster's `lastEvent`.
 * - users and roles, their SSH keys (sensitive: only `/status` with `include_credentials` returns them);
 *   enabled clouds per workspace and capability; workspaces; volumes; cluster jobs; service accounts
 *   and their tokens (hashes only).
 *
 * The seam: this one object is the only way in, and it holds only primitives, the functions that
 * touch storage. Queries derived from them live once, above the seam (src/state/stateQueries.ts), so
 * the real and the demo's fake world share them. Families are built from the store they use and
 * assembled here; none imports this file. See docs/decisions/0001-state-seam.md.
 */
import { assembleSeam } from './assembleSeam';
import { type ClusterJobsState, createClusterJobsState } from './clusterJobsState';
import { type ClustersState, createClustersState } from './clustersState';
import { type ConfigState, createConfigState } from './configState';
import { createHistoryState, type HistoryState } from './historyState';
import { createLifecycle, type Lifecycle } from './lifecycle';
import { createRecipesState, type RecipesState } from './recipesState';
import { createServiceAccountsState, type ServiceAccountsState } from './serviceAccountsState';
import { createSshKeysState, type SshKeysState } from './sshKeysState';
import { stateContextOf } from './stateContext';
import { createStorageState, type StorageState } from './storageState';
import { stateStore } from './stateStore';
import { createUsersState, type UsersState } from './usersState';
import { createVolumesState, type VolumesState } from './volumesState';

const context = stateContextOf(() => stateStore.db());

export const globalUserStateFamilies = {
  lifecycle: createLifecycle(),
  clusters: createClustersState(context),
  history: createHistoryState(context),
  users: createUsersState(context),
  config: createConfigState(context),
  clusterJobs: createClusterJobsState(context),
  volumes: createVolumesState(context),
  sshKeys: createSshKeysState(context),
  storage: createStorageState(context),
  recipes: createRecipesState(context),
  serviceAccounts: createServiceAccountsState(context),
};

export type GlobalUserState = Lifecycle &
  ClustersState &
  HistoryState &
  UsersState &
  ConfigState &
  ClusterJobsState &
  VolumesState &
  SshKeysState &
  StorageState &
  RecipesState &
  ServiceAccountsState;

export const globalUserState = assembleSeam<GlobalUserState>('globalUserState', globalUserStateFamilies);

/**
 * Seam functions kept for parity with upstream's `global_user_state` although nothing in src/ calls
 * them yet: tests and seeding use them, and the features that will call them (launch, exec, volume
 * apply) write through them. A test fails when a seam function is neither called nor listed here.
 */
export const UPSTREAM_PARITY_FUNCTIONS: readonly string[] = [
  'globalUserState.setClusterStatus',
  'globalUserState.updateLastUse',
  'globalUserState.updateClusterHandle',
  'globalUserState.addClusterEvent',
  'globalUserState.getUserByName',
  'globalUserState.setEnabledClouds',
  'globalUserState.addClusterJob',
  'globalUserState.appendClusterJobLog',
  'globalUserState.addVolume',
  'globalUserState.setSshKeys',
  'globalUserState.addOrUpdateStorage',
  'globalUserState.removeStorage',
  'globalUserState.upsertRecipe',
  'managedJobsState.addJob',
  'managedJobsState.appendJobLog',
];
