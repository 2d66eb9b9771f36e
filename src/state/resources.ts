/**
 * Resources: what a cluster asked for or was launched on (SkyPilot's `sky.Resources`).
 * `repr()` is SkyPilot's `Resources` repr (`AWS(p3.2xlarge[Spot], {'V100': 1})`); the status and cost
 * pages print the legacy readable form `<nodes>x <repr>` (`1x AWS(m6i.2xlarge)`), one family for every
 * record. JSON is snake_case, as SkyPilot names the fields, with the cloud as its display name.
 */
import { SkyPilotError } from '../errors';
import { type Cloud, Kubernetes, cloudRegistry } from './clouds';

export const DEFAULT_DISK_SIZE_GB = 256;

export interface ResourcesJSON {
  cloud: string | null;
  instance_type: string | null;
  accelerators: Record<string, number> | null;
  cpus: string | null;
  memory: string | null;
  region: string | null;
  zone: string | null;
  use_spot: boolean;
  disk_size: number;
  disk_tier: string | null;
  image_id: string | null;
  labels: Record<string, string> | null;
  ports: string[] | null;
}

export interface ResourcesInit {
  cloud?: Cloud | null;
  instanceType?: string | null;
  accelerators?: Record<string, number> | string | null;
  cpus?: string | number | null;
  memory?: string | number | null;
  region?: string | null;
  zone?: string | null;
  useSpot?: boolean;
  diskSize?: number;
  diskTier?: string | null;
  imageId?: string | null;
  labels?: Record<string, string> | null;
  ports?: string[] | null;
}

/** `'V100:2'` or `'V100'` (count 1) to `{V100: 2}`. */
export function parseAccelerators(spec: string): Record<string, number> {
  const match = /^([A-Za-z0-9_ .-]+?)(?::(\d+(?:\.\d+)?))?$/.exec(spec.trim());
  if (!match) {
    throw new SkyPilotError('NotSupportedError', `Invalid accelerators '${spec}': expected <name>[:<count>], e.g. V100:2.`);
  }
  return { [match[1]]: match[2] ? Number(match[2]) : 1 };
}

/** Python's `repr` of a str: single quotes unless the text has one and no double quote. */
function pythonStr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

/** Python's `repr` of an accelerators dict: `{'A100': 8}`, as upstream prints and stores it. */
function pythonDict(acc: Record<string, number>): string {
  return `{${Object.entries(acc)
    .map(([k, v]) => `${pythonStr(k)}: ${v}`)
    .join(', ')}}`;
}

export class Resources {
  readonly cloud: Cloud | null;
  readonly instanceType: string | null;
  readonly cpus: string | null;
  readonly memory: string | null;
  readonly region: string | null;
  readonly zone: string | null;
  readonly useSpot: boolean;
  readonly diskSize: number;
  readonly diskTier: string | null;
  readonly imageId: string | null;
  readonly labels: Record<string, string> | null;
  readonly ports: string[] | null;
  private readonly explicitAccelerators: Record<string, number> | null;

  constructor(init: ResourcesInit = {}) {
    this.cloud = init.cloud ?? null;
    this.instanceType = init.instanceType ?? null;
    if (this.cloud && this.instanceType) this.cloud.validateInstanceType(this.instanceType);
    this.explicitAccelerators = typeof init.accelerators === 'string' ? parseAccelerators(init.accelerators) : (init.accelerators ?? null);
    this.cpus = init.cpus == null ? null : String(init.cpus);
    this.memory = init.memory == null ? null : String(init.memory);
    this.region = init.region ?? null;
    this.zone = init.zone ?? null;
    this.useSpot = init.useSpot ?? false;
    this.diskSize = init.diskSize ?? DEFAULT_DISK_SIZE_GB;
    this.diskTier = init.diskTier ?? null;
    this.imageId = init.imageId ?? null;
    this.labels = init.labels ?? null;
    this.ports = init.ports ?? null;
  }

  /** Explicit accelerators, else what the instance type carries. */
  get accelerators(): Record<string, number> | null {
    if (this.explicitAccelerators) return { ...this.explicitAccelerators };
    const info = this.instanceType ? this.cloud?.instanceTypeInfo(this.instanceType) : null;
    return info?.accelerators ? { ...info.accelerators } : null;
  }

  /** vCPUs as SkyPilot shows them: the request, else the instance type's. */
  get cpusDisplay(): string | null {
    if (this.cpus) return this.cpus;
    const info = this.instanceType ? this.cloud?.instanceTypeInfo(this.instanceType) : null;
    return info ? String(info.cpus) : null;
  }

  get memoryDisplay(): string | null {
    if (this.memory) return this.memory;
    const info = this.instanceType ? this.cloud?.instanceTypeInfo(this.instanceType) : null;
    return info ? String(info.memoryGb) : null;
  }

  /**
   * The Python dict repr `{'A100': 8}`, or null without accelerators: what upstream's `/status` and
   * cost report carry, and what the official dashboard parses (quotes swapped, then JSON) to count GPUs.
   */
  get acceleratorsRepr(): string | null {
    const acc = this.accelerators;
    return acc ? pythonDict(acc) : null;
  }

  /** `A100:8`, or null without accelerators. */
  get acceleratorsDisplay(): string | null {
    const acc = this.accelerators;
    return acc
      ? Object.entries(acc)
          .map(([k, v]) => `${k}:${v}`)
          .join(', ')
      : null;
  }

  /** `<region>` for clouds; the context for Kubernetes (SkyPilot keeps the context in `region`). */
  get infra(): string {
    const cloud = this.cloud ? this.cloud.canonicalName : '*';
    return [cloud, this.region, this.zone].filter(Boolean).join('/');
  }

  hourlyCost(): number {
    return this.cloud ? this.cloud.hourlyCost(this.instanceType, this.useSpot) : 0;
  }

  repr(full = false): string {
    const details: string[] = [];
    if (this.instanceType) details.push(`${this.instanceType}${this.useSpot ? '[Spot]' : ''}`);
    else if (this.useSpot) details.push('[Spot]');
    if (full) {
      if (this.cpusDisplay) details.push(`cpus=${this.cpusDisplay}`);
      if (this.memoryDisplay) details.push(`mem=${this.memoryDisplay}`);
    } else if (!this.instanceType) {
      if (this.cpus) details.push(`cpus=${this.cpus}`);
      if (this.memory) details.push(`mem=${this.memory}`);
    }
    // A Kubernetes pseudo instance type already names its accelerators.
    const acc = this.accelerators;
    if (acc && !(this.cloud instanceof Kubernetes && this.instanceType)) details.push(pythonDict(acc));
    if (this.diskSize !== DEFAULT_DISK_SIZE_GB || full) details.push(`disk_size=${this.diskSize}`);
    if (this.ports?.length) details.push(`ports=[${this.ports.map(pythonStr).join(', ')}]`);
    return `${this.cloud ? this.cloud.name : 'Resources'}(${details.join(', ')})`;
  }

  /** SkyPilot's readable form: `1x AWS(m6i.2xlarge)`. */
  readable(nodes: number, full = false): string {
    return `${nodes}x ${this.repr(full)}`;
  }

  toString(): string {
    return this.repr();
  }

  toJSON(): ResourcesJSON {
    return {
      cloud: this.cloud ? this.cloud.name : null,
      instance_type: this.instanceType,
      accelerators: this.explicitAccelerators,
      cpus: this.cpus,
      memory: this.memory,
      region: this.region,
      zone: this.zone,
      use_spot: this.useSpot,
      disk_size: this.diskSize,
      disk_tier: this.diskTier,
      image_id: this.imageId,
      labels: this.labels,
      ports: this.ports,
    };
  }

  /** A field missing from `json` (an older row) takes the constructor's default. */
  static fromJSON(json: Partial<ResourcesJSON>): Resources {
    return new Resources({
      cloud: json.cloud ? cloudRegistry.fromName(json.cloud) : null,
      instanceType: json.instance_type,
      accelerators: json.accelerators,
      cpus: json.cpus,
      memory: json.memory,
      region: json.region,
      zone: json.zone,
      useSpot: json.use_spot,
      diskSize: json.disk_size,
      diskTier: json.disk_tier,
      imageId: json.image_id,
      labels: json.labels,
      ports: json.ports,
    });
  }
}
