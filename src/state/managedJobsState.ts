/**
 * `managedJobsState`: managed jobs behind a seam of their own (upstream keeps them in a separate
 * database, `spot_jobs.db`; here they share the state store, opened by `globalUserState.init`).
 * Assembled like `globalUserState`.
 */
import { assembleSeam } from './assembleSeam';
import { createManagedJobsState, type ManagedJobsFamily } from './managedJobsFamily';
import { stateContextOf } from './stateContext';
import { stateStore } from './stateStore';

export const managedJobsStateFamilies = {
  jobs: createManagedJobsState(stateContextOf(() => stateStore.db())),
};

export type ManagedJobsState = ManagedJobsFamily;

export const managedJobsState = assembleSeam<ManagedJobsState>('managedJobsState', managedJobsStateFamilies);
