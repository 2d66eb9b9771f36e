/**
 * The state writes a sandbox session may make, as fakes of the seam primitives: the real operations
 * (src/operations/) run unchanged, with their rules ("autostop needs an UP cluster", "a workspace in
 * use cannot be deleted"), and their writes land in the session as changes instead of a database.
 *
 * Fail closed, twice: a write outside a session refuses as in the read-only demo, and only the
 * primitives listed here are replaced; every other write keeps refusing. A primitive asked for
 * something the sandbox does not simulate (a job moved to RUNNING, a new cluster outside a launch)
 * refuses too. Each writer checks its target against the session's own world, as the database would.
 */
import { clusterDoesNotExist, SkyPilotError } from '../errors';
import type { ClusterJobStatus, ManagedJobStatus, UserRole } from '../vocab/statuses';
import type { WorkspaceConfig } from '../vocab/workspaces';
import { demoNowSeconds } from '../living/worldClock';
import { DemoModeError } from '../demo/demoModeError';
import type { DemoManifest } from '../demo/fakes';
import type { World } from '../demo/world';
import type { WorldCache } from '../demo/worldCache';
import { type Change, MAX_CHANGE_BYTES } from './sessionChanges';
import { currentScope, type SessionScope } from './sessionContext';
import { SessionRefusal } from './sessionErrors';

type ChangeInput = Change extends infer C ? (C extends Change ? Omit<C, 'at'> : never) : never;

function sessionOf(what: string): SessionScope & { session: NonNullable<SessionScope['session']> } {
  const scope = currentScope();
  if (!scope?.session) throw new DemoModeError(`${what} would change state`);
  return scope as SessionScope & { session: NonNullable<SessionScope['session']> };
}

/** Appends a change to the current request's session; the session's world is derived afresh after. */
export async function recordChange(what: string, change: ChangeInput): Promise<void> {
  const scope = sessionOf(what);
  const full = { ...change, at: demoNowSeconds() } as Change;
  if (Buffer.byteLength(JSON.stringify(full)) > MAX_CHANGE_BYTES) {
    throw new SessionRefusal('change_too_large', `This change is over ${MAX_CHANGE_BYTES / 1024} KiB, more than a sandbox session keeps.`);
  }
  await scope.store.append(scope.session, full);
  scope.world = null;
}

export function withSessionWrites(manifest: DemoManifest, world: WorldCache): DemoManifest {
  const current = (what: string): World => {
    sessionOf(what);
    return world.current();
  };
  const cluster = (what: string, name: string) => {
    const found = current(what).clusters.find((c) => c.name === name);
    if (!found) throw clusterDoesNotExist(name);
    return found;
  };
  return {
    ...manifest,
    globalUserState: {
      ...manifest.globalUserState,
      removeCluster: async (name: string, terminate: boolean) => {
        cluster('removeCluster', name);
        await recordChange('removeCluster', terminate ? { kind: 'down', cluster: name } : { kind: 'stop', cluster: name });
      },
      // `sky start`: the only (re)provisioning a session does outside a launch.
      addOrUpdateCluster: async (input) => {
        const what = 'globalUserState.addOrUpdateCluster';
        if (!current(what).clusters.some((c) => c.name === input.clusterName) || !input.ready) {
          throw new DemoModeError(`${what} would create a cluster: launch one of the demo's recipes instead (POST /launch)`);
        }
        await recordChange(what, { kind: 'start', cluster: input.clusterName, ips: input.handle.stableInternalExternalIps ?? null });
        return cluster(what, input.clusterName);
      },
      setClusterAutostopValue: async (name: string, minutes: number, down: boolean) => {
        cluster('setClusterAutostopValue', name);
        await recordChange('setClusterAutostopValue', { kind: 'autostop', cluster: name, minutes, down });
      },
      removeClusterJobs: async (name: string) => {
        await recordChange('removeClusterJobs', { kind: 'clear_jobs', cluster: name });
      },
      setClusterJobStatus: async (name: string, jobId: number, status: ClusterJobStatus) => {
        const what = 'globalUserState.setClusterJobStatus';
        if (status !== 'CANCELLED') throw new DemoModeError(`${what} to ${status}`);
        if (!current(what).clusterJobs.some((j) => j.clusterName === name && j.jobId === jobId)) return;
        await recordChange(what, { kind: 'cancel', cluster: name, jobId });
      },
      setUserRole: async (userId: string, role: UserRole) => {
        const what = 'globalUserState.setUserRole';
        if (!current(what).users.some((u) => u.id === userId)) throw new DemoModeError(`${what} for a user who does not exist`);
        await recordChange(what, { kind: 'user_role', userId, role });
      },
      setWorkspace: async (name: string, config: WorkspaceConfig) => {
        await recordChange('setWorkspace', { kind: 'workspace_set', workspace: name, config });
      },
      deleteWorkspace: async (name: string) => {
        const existed = Object.hasOwn(current('deleteWorkspace').workspaces, name);
        if (existed) await recordChange('deleteWorkspace', { kind: 'workspace_delete', workspace: name });
        return existed;
      },
      deleteVolume: async (name: string) => {
        const existed = current('deleteVolume').volumes.some((v) => v.name === name);
        if (existed) await recordChange('deleteVolume', { kind: 'volume_delete', volume: name });
        return existed;
      },
    },
    managedJobsState: {
      ...manifest.managedJobsState,
      setJobStatus: async (jobId: number, status: ManagedJobStatus) => {
        const what = 'managedJobsState.setJobStatus';
        if (status !== 'CANCELLED') throw new DemoModeError(`${what} to ${status}`);
        if (!current(what).managedJobs.some((j) => j.jobId === jobId)) {
          throw new SkyPilotError('ManagedJobNotFoundError', `Managed job ${jobId} does not exist.`);
        }
        await recordChange(what, { kind: 'jobs_cancel', jobId });
      },
    },
  };
}
