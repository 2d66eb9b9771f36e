/**
 * Clouds. A cloud object knows its display name, its catalog of instance types (a small, realistic
 * subset, kept as data in cloudCatalogs.json: enough to describe and price the clusters this server
 * tracks) and how to validate them.
 * Records always carry cloud objects; names appear only on the wire and in SQLite, and come back
 * through `cloudRegistry.fromName`.
 */
import { SkyPilotError } from '../errors';
import CATALOGS from './cloudCatalogs.json';
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

type CatalogCloudName = keyof typeof CATALOGS;

/** A cloud whose instance types and prices are its catalog's (cloudCatalogs.json), for one region. */
function catalogCloud(name: CatalogCloudName) {
  const { region, instanceTypes } = CATALOGS[name];
  return class extends Cloud {
    readonly name: string = name;
    override readonly catalogRegion: string = region;
    protected readonly catalog: Readonly<Record<string, InstanceTypeInfo>> = instanceTypes;
  };
}

export class AWS extends catalogCloud('AWS') {}
export class GCP extends catalogCloud('GCP') {}
export class Azure extends catalogCloud('Azure') {}
export class Lambda extends catalogCloud('Lambda') {}
export class Nebius extends catalogCloud('Nebius') {}

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
