/**
 * What a launch of a demo recipe creates: a cluster shaped like the fixtures' (same domain classes,
 * so every endpoint and client treats it alike) on the infrastructure `sandbox.yaml` names for the
 * recipe, owned by the visitor (the demo's current user), and the job that runs the recipe's task.
 */
import { stableAddresses } from '../operations/clusters';
import { CloudVmRayResourceHandle } from '../state/cloudVmRayResourceHandle';
import { cloudRegistry } from '../state/clouds';
import type { ClusterJob, ClusterRecord, Recipe } from '../state/records';
import { Resources } from '../state/resources';
import { hashOf } from '../demo/world';
import type { LaunchChange } from './overlay';
import type { LaunchSpec } from './sessionSettings';
import type { ClusterStory, JobTimeline } from './simulation';
import { parseYamlText } from '../demo/yamlFiles';
import { boundedMemo } from '../common/boundedMemo';

/**
 * What a recipe's task asks for, parsed once per recipe text: every session world lists its launched
 * clusters' jobs each second it is asked, and YAML parsing was most of that. Bounded: 64 texts.
 */
const taskFields = boundedMemo(
  (content: string): { name: string | null; accelerators: string | null; cpus: string | null } => {
    let doc: { name?: unknown; resources?: { accelerators?: unknown; cpus?: unknown } } = {};
    try {
      doc = (parseYamlText(content) as typeof doc) ?? {};
    } catch {
      // A recipe edited into bad YAML still launches, under its own name.
    }
    return {
      name: typeof doc.name === 'string' && doc.name ? doc.name : null,
      accelerators: typeof doc.resources?.accelerators === 'string' ? doc.resources.accelerators : null,
      cpus: doc.resources?.cpus != null ? String(doc.resources.cpus).replace(/\+$/, '') : null,
    };
  },
  64,
  // A session's changes are at most 64 KiB (max_session_kib), so a recipe text longer than that is
  // not a visitor's edit; it is parsed each time rather than kept (at most 64 x 64 KiB kept).
  64 * 1024,
);

/** The task's name and what its job asks for, as `sky queue` shows it (`1x[H100:1]`). */
export function taskSummary(recipe: Recipe | undefined, nodes: number): { jobName: string; resources: string } {
  const task = taskFields(recipe?.content ?? '');
  return {
    jobName: task.name ?? recipe?.name ?? 'task',
    resources: `${nodes}x[${task.accelerators ?? `CPU:${task.cpus ?? '1'}`}]`,
  };
}

export function launchedClusterRecord(
  launch: LaunchChange,
  spec: LaunchSpec,
  recipe: Recipe | undefined,
  user: { id: string; name: string },
  story: ClusterStory,
): ClusterRecord {
  const clusterHash = hashOf(`${launch.cluster}@${launch.at}`);
  const cloud = cloudRegistry.fromName(spec.cloud);
  const handle = new CloudVmRayResourceHandle({
    clusterName: launch.cluster,
    clusterNameOnCloud: `${launch.cluster}-${user.id.slice(0, 4)}`,
    clusterYaml: `~/.sky/generated/${launch.cluster}.yml`,
    launchedNodes: spec.nodes,
    launchedResources: new Resources({
      cloud,
      instanceType: spec.instance_type,
      region: spec.region,
      zone: spec.zone ?? null,
      ports: spec.ports ?? null,
    }),
    stableInternalExternalIps: story.status === 'UP' ? stableAddresses(clusterHash, spec.nodes) : null,
    stableSshPorts: Array.from({ length: spec.nodes }, () => 22),
    sshUser: spec.cloud === 'Kubernetes' ? 'sky' : spec.cloud === 'GCP' ? 'gcpuser' : 'ubuntu',
  });
  const command = `sky launch -c ${launch.cluster} recipes:${launch.recipe}`;
  return {
    name: launch.cluster,
    launchedAt: launch.at,
    handle,
    lastUse: command,
    status: story.status,
    autostop: -1,
    toDown: false,
    owner: [user.id],
    metadata: {},
    clusterHash,
    clusterEverUp: story.transitions.some((t) => t.to === 'UP'),
    statusUpdatedAt: story.statusUpdatedAt,
    configHash: null,
    userHash: user.id,
    userName: user.name,
    workspace: launch.workspace,
    lastCreationYaml: recipe?.content ?? null,
    lastCreationCommand: command,
    isManaged: false,
    provisionLogPath: `~/sky_logs/${launch.cluster}/provision.log`,
    lastEvent: story.lastEvent,
  };
}

export function launchedJob(
  cluster: ClusterRecord,
  launch: LaunchChange,
  summary: { jobName: string; resources: string },
  timeline: JobTimeline,
): ClusterJob {
  return {
    clusterName: cluster.name,
    jobId: 1,
    jobName: summary.jobName,
    userHash: cluster.userHash,
    userName: cluster.userName,
    submittedAt: launch.at,
    startAt: timeline.startAt,
    endAt: timeline.endAt,
    resources: summary.resources,
    status: timeline.status,
    logPath: `~/sky_logs/${cluster.name}/1/run.log`,
    metadata: {},
  };
}
