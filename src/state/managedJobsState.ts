/**
 * `managedJobsState`: managed jobs behind a seam of their own (upstream keeps them in a separate
 * database, `spot_jobs.db`; here they share the state store). Assembled like `globalUserState`.
 */
import { assembleSeam } from './assembleSeam';
import { createLifecycle, type Lifecycle } from './lifecycle';
import { createManagedJobsState, type ManagedJobsFamily } from './managedJobsFamily';
import { stateStore } from './stateStore';

export const managedJobsStateFamilies = {
  lifecycle: createLifecycle(),
  jobs: createManagedJobsState({ db: () => stateStore.db() }),
};

export type ManagedJobsState = Lifecycle & ManagedJobsFamily;

export const managedJobsState = assembleSeam<ManagedJobsState>('managedJobsState', managedJobsStateFamilies);
