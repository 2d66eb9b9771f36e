/**
 * One cluster record from a cluster's description, for the fixture clusters (clusters.yaml) and the
 * living world's launched ones alike: a fresh `CloudVmRayResourceHandle` each time, addresses by
 * the cluster's place in the list, IPs only while it has instances.
 */
import { CloudVmRayResourceHandle } from '../state/cloudVmRayResourceHandle';
import { cloudRegistry } from '../state/clouds';
import { userHashForName } from '../state/currentUser';
import type { ClusterRecord } from '../state/records';
import { Resources } from '../state/resources';
import type { ClusterStatus } from '../vocab/statuses';

export interface ClusterSpec {
  name: string;
  user: string;
  userHash: string;
  workspace: string;
  status: ClusterStatus;
  launchedAt: number;
  statusUpdatedAt: number;
  lastEvent: string;
  cloud: string;
  region?: string | null;
  zone?: string | null;
  instance_type: string;
  nodes: number;
  autostop: number;
  autostop_down?: boolean;
  ports?: string[];
  /** The task YAML's text, if any. */
  yaml: string | null;
  command: string;
  provisionLogPath: string | null;
}

/** The addresses' third-from-last octet goes up to 203.0.113.255: 14 clusters' worth of blocks. */
const ADDRESS_BLOCKS = 14;

export function clusterRecord(c: ClusterSpec, index: number): ClusterRecord {
  const block = index % ADDRESS_BLOCKS;
  const resources = new Resources({
    cloud: cloudRegistry.fromName(c.cloud),
    instanceType: c.instance_type,
    region: c.region ?? null,
    zone: c.zone ?? null,
    ports: c.ports ?? null,
  });
  const up = c.status !== 'STOPPED';
  const handle = new CloudVmRayResourceHandle({
    clusterName: c.name,
    clusterNameOnCloud: `${c.name}-${c.userHash.slice(0, 4)}`,
    clusterYaml: `~/.sky/generated/${c.name}.yml`,
    launchedNodes: c.nodes,
    launchedResources: resources,
    stableInternalExternalIps: up
      ? Array.from({ length: c.nodes }, (_, n): [string, string] => [`10.${block + 1}.0.${n + 2}`, `203.0.113.${block * 16 + n + 10}`])
      : null,
    stableSshPorts: Array.from({ length: c.nodes }, () => 22),
    sshUser: c.cloud === 'Kubernetes' ? 'sky' : c.cloud === 'GCP' ? 'gcpuser' : 'ubuntu',
  });
  return {
    name: c.name,
    launchedAt: c.launchedAt,
    handle,
    lastUse: c.command,
    status: c.status,
    autostop: c.autostop,
    toDown: c.autostop_down ?? false,
    owner: [c.userHash],
    metadata: {},
    clusterHash: hashOf(c.name),
    clusterEverUp: c.status !== 'INIT',
    statusUpdatedAt: c.statusUpdatedAt,
    configHash: null,
    userHash: c.userHash,
    userName: c.user,
    workspace: c.workspace,
    lastCreationYaml: c.yaml,
    lastCreationCommand: c.command,
    isManaged: false,
    provisionLogPath: c.provisionLogPath,
    lastEvent: c.lastEvent,
  };
}

export function hashOf(text: string): string {
  // A stable uuid-shaped id per name, so a cluster keeps its hash across reloads.
  const hex = Array.from({ length: 4 }, (_, i) => userHashForName(`${text}#${i}`)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
