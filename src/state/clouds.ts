/**
 * Clouds. A cloud object knows its display name, its catalog of instance types (a small, realistic
 * subset: enough to describe and price the clusters this server tracks) and how to validate them.
 * Records always carry cloud objects; names appear only on the wire and in SQLite, and come back
 * through `cloudRegistry.fromName`.
 */
import { SkyPilotError } from '../errors';
import { KubernetesInstanceType } from './kubernetesInstanceType';

export interface InstanceTypeInfo {
  cpus: number;
  memoryGb: number;
  accelerators?: Record<string, number>;
  /** On-demand USD per hour; spot is priced at a fixed discount. */
  pricePerHour: number;
}

export const SPOT_DISCOUNT = 0.35;

export abstract class Cloud {
  /** Display name as SkyPilot prints it (`AWS`, `GCP`, `Kubernetes`). */
  abstract readonly name: string;
  protected abstract readonly catalog: Readonly<Record<string, InstanceTypeInfo>>;
  /** The region the catalog's prices are for (upstream lists each type's cheapest region). */
  readonly catalogRegion: string | null = null;

  /** Every instance type of the catalog, for listings (`sky gpus list`). */
  instanceTypes(): [string, InstanceTypeInfo][] {
    return Object.entries(this.catalog);
  }

  /** SkyPilot's canonical lower-case identifier (`aws`, `kubernetes`). */
  get canonicalName(): string {
    return this.name.toLowerCase();
  }

  instanceTypeInfo(instanceType: string): InstanceTypeInfo | null {
    return this.catalog[instanceType] ?? null;
  }

  validateInstanceType(instanceType: string): void {
    if (!this.instanceTypeInfo(instanceType)) {
      throw new SkyPilotError(
        'InvalidInstanceTypeError',
        `Unknown ${this.name} instance type '${instanceType}'; known: ${Object.keys(this.catalog).join(', ')}.`,
      );
    }
  }

  hourlyCost(instanceType: string | null, useSpot: boolean): number {
    const info = instanceType ? this.instanceTypeInfo(instanceType) : null;
    if (!info) return 0;
    return useSpot ? info.pricePerHour * SPOT_DISCOUNT : info.pricePerHour;
  }

  toString(): string {
    return this.name;
  }

  toJSON(): string {
    return this.name;
  }
}

export class AWS extends Cloud {
  readonly name = 'AWS';
  override readonly catalogRegion = 'us-east-1';
  protected readonly catalog = {
    'm6i.large': { cpus: 2, memoryGb: 8, pricePerHour: 0.096 },
    'm6i.2xlarge': { cpus: 8, memoryGb: 32, pricePerHour: 0.384 },
    'm6i.4xlarge': { cpus: 16, memoryGb: 64, pricePerHour: 0.768 },
    'g5.xlarge': { cpus: 4, memoryGb: 16, accelerators: { A10G: 1 }, pricePerHour: 1.006 },
    'g6.2xlarge': { cpus: 8, memoryGb: 32, accelerators: { L4: 1 }, pricePerHour: 0.978 },
    'p3.2xlarge': { cpus: 8, memoryGb: 61, accelerators: { V100: 1 }, pricePerHour: 3.06 },
    'p4d.24xlarge': { cpus: 96, memoryGb: 1152, accelerators: { A100: 8 }, pricePerHour: 32.77 },
    'p5.48xlarge': { cpus: 192, memoryGb: 2048, accelerators: { H100: 8 }, pricePerHour: 98.32 },
  };
}

export class GCP extends Cloud {
  readonly name = 'GCP';
  override readonly catalogRegion = 'us-central1';
  protected readonly catalog = {
    'n2-standard-8': { cpus: 8, memoryGb: 32, pricePerHour: 0.388 },
    'n1-standard-4': { cpus: 4, memoryGb: 15, pricePerHour: 0.19 },
    'a2-highgpu-1g': { cpus: 12, memoryGb: 85, accelerators: { A100: 1 }, pricePerHour: 3.67 },
    'a2-ultragpu-8g': { cpus: 96, memoryGb: 1360, accelerators: { 'A100-80GB': 8 }, pricePerHour: 40.55 },
    'a2-highgpu-8g': { cpus: 96, memoryGb: 680, accelerators: { A100: 8 }, pricePerHour: 29.39 },
    'a3-highgpu-8g': { cpus: 208, memoryGb: 1872, accelerators: { H100: 8 }, pricePerHour: 88.25 },
    'g2-standard-8': { cpus: 8, memoryGb: 32, accelerators: { L4: 1 }, pricePerHour: 0.85 },
  };
}

export class Azure extends Cloud {
  readonly name = 'Azure';
  override readonly catalogRegion = 'eastus';
  protected readonly catalog = {
    Standard_D8s_v5: { cpus: 8, memoryGb: 32, pricePerHour: 0.384 },
    Standard_NC24ads_A100_v4: { cpus: 24, memoryGb: 220, accelerators: { A100: 1 }, pricePerHour: 3.67 },
    Standard_ND96asr_v4: { cpus: 96, memoryGb: 900, accelerators: { A100: 8 }, pricePerHour: 27.2 },
  };
}

export class Lambda extends Cloud {
  readonly name = 'Lambda';
  override readonly catalogRegion = 'us-east-1';
  protected readonly catalog = {
    gpu_1x_a10: { cpus: 30, memoryGb: 200, accelerators: { A10: 1 }, pricePerHour: 0.75 },
    gpu_1x_a100_sxm4: { cpus: 30, memoryGb: 200, accelerators: { A100: 1 }, pricePerHour: 1.29 },
    gpu_8x_a100_80gb_sxm4: { cpus: 240, memoryGb: 1800, accelerators: { 'A100-80GB': 8 }, pricePerHour: 14.32 },
    gpu_8x_h100_sxm5: { cpus: 208, memoryGb: 1800, accelerators: { H100: 8 }, pricePerHour: 23.92 },
  };
}

export class Nebius extends Cloud {
  readonly name = 'Nebius';
  override readonly catalogRegion = 'eu-north1';
  protected readonly catalog = {
    'cpu-d3_4vcpu-16gb': { cpus: 4, memoryGb: 16, pricePerHour: 0.1 },
    'gpu-h100-sxm_1gpu-16vcpu-200gb': { cpus: 16, memoryGb: 200, accelerators: { H100: 1 }, pricePerHour: 2.95 },
    'gpu-h100-sxm_8gpu-128vcpu-1600gb': { cpus: 128, memoryGb: 1600, accelerators: { H100: 8 }, pricePerHour: 23.6 },
  };
}

/** Kubernetes pseudo instance types are parsed, not looked up; SkyPilot prices Kubernetes at zero. */
export class Kubernetes extends Cloud {
  readonly name: string = 'Kubernetes';
  protected readonly catalog = {};

  override instanceTypeInfo(instanceType: string): InstanceTypeInfo | null {
    if (!KubernetesInstanceType.isValid(instanceType)) return null;
    const t = KubernetesInstanceType.parse(instanceType);
    const accelerators = t.acceleratorType ? { [t.acceleratorType]: t.acceleratorCount } : undefined;
    return { cpus: t.cpus, memoryGb: t.memoryGb, accelerators, pricePerHour: 0 };
  }

  override validateInstanceType(instanceType: string): void {
    KubernetesInstanceType.parse(instanceType);
  }
}

/** SSH node pools behave like Kubernetes contexts named `ssh-<pool>`. */
export class SSH extends Kubernetes {
  override readonly name = 'SSH';
}

type CloudClass = new () => Cloud;

const CLOUD_CLASSES: readonly CloudClass[] = [AWS, GCP, Azure, Lambda, Nebius, Kubernetes, SSH];

export const cloudRegistry = {
  names(): string[] {
    return CLOUD_CLASSES.map((C) => new C().name);
  },
  /** Case-insensitive, as SkyPilot's registry is; throws a typed error naming the known clouds. */
  fromName(name: string): Cloud {
    const wanted = name.trim().toLowerCase();
    for (const C of CLOUD_CLASSES) {
      const cloud = new C();
      if (cloud.canonicalName === wanted) return cloud;
    }
    throw new SkyPilotError('NotSupportedError', `Unknown cloud '${name}'; known clouds: ${cloudRegistry.names().join(', ')}.`);
  },
  isKnown(name: string): boolean {
    return CLOUD_CLASSES.some((C) => new C().canonicalName === name.trim().toLowerCase());
  },
};
