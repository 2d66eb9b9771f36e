/**
 * A session's changes folded into what they change, by name: the form `sessionWorld.ts` applies to
 * the shared world. Order matters and is kept: a later stop wins over an earlier start, a launch
 * reuses a name only once the old cluster is gone.
 */
import type { UserRole } from '../vocab/statuses';
import type { WorkspaceConfig } from '../vocab/workspaces';
import type { Change } from './sessionChanges';
import type { Step } from './simulation';

export type LaunchChange = Extract<Change, { kind: 'launch' }>;

export interface ClusterOverride {
  steps: Step[];
  autostop: { minutes: number; down: boolean } | null;
  /** The addresses its latest start recorded. */
  ips?: [string, string][] | null;
}

export interface Launched {
  launch: LaunchChange;
  jobsCleared: boolean;
}

export interface Overlay {
  /** Lifecycle and autostop changes of live clusters (fixture or launched), by name. */
  clusters: Map<string, ClusterOverride>;
  /** Fixture clusters torn down, and when. */
  downedFixtures: Map<string, number>;
  /** Clusters launched in the session and still live, by name. */
  launched: Map<string, Launched>;
  /** Launched clusters torn down since (the cost report still lists them). */
  downedLaunches: { launch: LaunchChange; override: ClusterOverride | undefined; at: number }[];
  /** Fixture clusters whose jobs were removed. */
  clearedFixtureJobs: Set<string>;
  /** `<cluster>/<job id>` -> when it was cancelled. */
  cancelledJobs: Map<string, number>;
  cancelledManagedJobs: Map<number, number>;
  roles: Map<string, UserRole>;
  /** A workspace's config, or null once deleted. */
  workspaces: Map<string, WorkspaceConfig | null>;
  deletedVolumes: Set<string>;
}

function override(o: Overlay, cluster: string): ClusterOverride {
  let found = o.clusters.get(cluster);
  if (!found) {
    found = { steps: [], autostop: null };
    o.clusters.set(cluster, found);
  }
  return found;
}

export function fold(changes: readonly Change[], timing: { startSeconds: number; provisionSeconds: (recipe: string) => number }): Overlay {
  const o: Overlay = {
    clusters: new Map(),
    downedFixtures: new Map(),
    launched: new Map(),
    downedLaunches: [],
    clearedFixtureJobs: new Set(),
    cancelledJobs: new Map(),
    cancelledManagedJobs: new Map(),
    roles: new Map(),
    workspaces: new Map(),
    deletedVolumes: new Set(),
  };
  for (const c of changes) {
    switch (c.kind) {
      case 'stop':
        override(o, c.cluster).steps.push({ kind: 'stop', at: c.at });
        break;
      case 'start': {
        const target = override(o, c.cluster);
        target.steps.push({ kind: 'provision', why: 'start', at: c.at, seconds: timing.startSeconds });
        // A (re)started cluster comes up with autostop off, as in SkyPilot; `start -i` sets it after.
        target.autostop = { minutes: -1, down: false };
        target.ips = c.ips ?? null;
        break;
      }
      case 'autostop':
        override(o, c.cluster).autostop = { minutes: c.minutes, down: c.down };
        break;
      case 'down': {
        const launched = o.launched.get(c.cluster);
        if (launched) {
          o.downedLaunches.push({ launch: launched.launch, override: o.clusters.get(c.cluster), at: c.at });
          o.launched.delete(c.cluster);
        } else {
          o.downedFixtures.set(c.cluster, c.at);
        }
        o.clusters.delete(c.cluster);
        break;
      }
      case 'clear_jobs': {
        const launched = o.launched.get(c.cluster);
        if (launched) launched.jobsCleared = true;
        else o.clearedFixtureJobs.add(c.cluster);
        break;
      }
      case 'cancel':
        o.cancelledJobs.set(`${c.cluster}/${c.jobId}`, c.at);
        break;
      case 'jobs_cancel':
        if (!o.cancelledManagedJobs.has(c.jobId)) o.cancelledManagedJobs.set(c.jobId, c.at);
        break;
      case 'user_role':
        o.roles.set(c.userId, c.role);
        break;
      case 'workspace_set':
        o.workspaces.set(c.workspace, c.config);
        break;
      case 'workspace_delete':
        o.workspaces.set(c.workspace, null);
        break;
      case 'volume_delete':
        o.deletedVolumes.add(c.volume);
        break;
      case 'launch': {
        o.launched.set(c.cluster, { launch: c, jobsCleared: false });
        o.clusters.set(c.cluster, {
          steps: [{ kind: 'provision', why: 'launch', at: c.at, seconds: timing.provisionSeconds(c.recipe) }],
          autostop: null,
        });
        for (const key of [...o.cancelledJobs.keys()]) if (key.startsWith(`${c.cluster}/`)) o.cancelledJobs.delete(key);
        break;
      }
    }
  }
  return o;
}
