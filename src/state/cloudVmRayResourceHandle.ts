/**
 * The backend's record of a provisioned cluster (SkyPilot's `CloudVmRayResourceHandle`). Upstream
 * pickles it; here it is stored as JSON with upstream's field names and always comes back as an
 * instance of this class (`fromJSON`), so callers get `headIp`, `hourlyPrice` and friends.
 *
 * Vocabulary: `stableInternalExternalIps` holds `[internal, external]` per node, head first, and is
 * null while the cluster is stopped; `clusterYaml` is the generated cluster config path, home as `~`.
 */
import { Resources } from './resources';

export const HANDLE_VERSION = 12;

/** The stored form: upstream's field names, as `toJSON` writes it. */
export type HandleJSON = ReturnType<CloudVmRayResourceHandle['toJSON']>;

/** The fields a handle cannot be made without. */
type RequiredField = 'clusterName' | 'clusterNameOnCloud' | 'launchedNodes' | 'launchedResources';
/** The fields that default (to null, or false) when a handle is made without them. */
type DefaultedField = 'clusterYaml' | 'stableInternalExternalIps' | 'stableSshPorts' | 'sshUser' | 'dockerUser' | 'isGrpcEnabled';

export type HandleInit = Pick<CloudVmRayResourceHandle, RequiredField> & Partial<Pick<CloudVmRayResourceHandle, DefaultedField>>;

export class CloudVmRayResourceHandle {
  readonly version = HANDLE_VERSION;
  clusterName: string;
  clusterNameOnCloud: string;
  clusterYaml: string | null;
  launchedNodes: number;
  launchedResources: Resources;
  stableInternalExternalIps: [string, string][] | null;
  stableSshPorts: number[] | null;
  sshUser: string | null;
  dockerUser: string | null;
  isGrpcEnabled: boolean;

  constructor(init: HandleInit) {
    this.clusterName = init.clusterName;
    this.clusterNameOnCloud = init.clusterNameOnCloud;
    this.clusterYaml = init.clusterYaml ?? null;
    this.launchedNodes = init.launchedNodes;
    this.launchedResources = init.launchedResources;
    this.stableInternalExternalIps = init.stableInternalExternalIps ?? null;
    this.stableSshPorts = init.stableSshPorts ?? null;
    this.sshUser = init.sshUser ?? null;
    this.dockerUser = init.dockerUser ?? null;
    this.isGrpcEnabled = init.isGrpcEnabled ?? false;
  }

  get headIp(): string | null {
    return this.stableInternalExternalIps?.[0]?.[1] ?? null;
  }

  get headSshPort(): number | null {
    return this.stableSshPorts?.[0] ?? null;
  }

  internalIps(): string[] | null {
    return this.stableInternalExternalIps?.map(([internal]) => internal) ?? null;
  }

  externalIps(): string[] | null {
    return this.stableInternalExternalIps?.map(([, external]) => external) ?? null;
  }

  /** USD per hour for the whole cluster. */
  get hourlyPrice(): number {
    return this.launchedResources.hourlyCost() * this.launchedNodes;
  }

  /** A stopped cluster keeps its disks but loses its addresses. */
  clearCachedIps(): void {
    this.stableInternalExternalIps = null;
  }

  toJSON() {
    return {
      _version: this.version,
      cluster_name: this.clusterName,
      cluster_name_on_cloud: this.clusterNameOnCloud,
      _cluster_yaml: this.clusterYaml,
      launched_nodes: this.launchedNodes,
      launched_resources: this.launchedResources.toJSON(),
      stable_internal_external_ips: this.stableInternalExternalIps,
      stable_ssh_ports: this.stableSshPorts,
      ssh_user: this.sshUser,
      docker_user: this.dockerUser,
      is_grpc_enabled: this.isGrpcEnabled,
    };
  }

  static fromJSON(json: HandleJSON): CloudVmRayResourceHandle {
    return new CloudVmRayResourceHandle({
      clusterName: json.cluster_name,
      clusterNameOnCloud: json.cluster_name_on_cloud,
      clusterYaml: json._cluster_yaml,
      launchedNodes: json.launched_nodes,
      launchedResources: Resources.fromJSON(json.launched_resources),
      stableInternalExternalIps: json.stable_internal_external_ips,
      stableSshPorts: json.stable_ssh_ports,
      sshUser: json.ssh_user,
      dockerUser: json.docker_user,
      isGrpcEnabled: json.is_grpc_enabled ?? false,
    });
  }
}
