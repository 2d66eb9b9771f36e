/**
 * Kubernetes has no instance types, so SkyPilot synthesises `<cpus>CPU--<mem>GB`, optionally followed by
 * `--<accelerator>:<count>` (current form) or `--<count><accelerator>` (legacy form, still accepted).
 * Spaces in accelerator names travel as `_`.
 */
import { SkyPilotError } from '../errors';

const CURRENT = /^(\d+(?:\.\d+)?)CPU--(\d+(?:\.\d+)?)GB(?:--([\w-]+):(\d+))?$/;
const LEGACY = /^(\d+(?:\.\d+)?)CPU--(\d+(?:\.\d+)?)GB--(\d+)(\S+)$/;

export const KUBERNETES_INSTANCE_TYPE_FORMAT = '<cpus>CPU--<memory>GB[--<accelerator>:<count>], e.g. 4CPU--16GB or 4CPU--16GB--H100:1';

export class KubernetesInstanceType {
  constructor(
    readonly cpus: number,
    readonly memoryGb: number,
    readonly acceleratorType: string | null = null,
    readonly acceleratorCount = 0,
  ) {}

  static isValid(name: string): boolean {
    return CURRENT.test(name) || LEGACY.test(name);
  }

  static parse(name: string): KubernetesInstanceType {
    const current = CURRENT.exec(name);
    if (current) {
      const [, cpus, mem, acc, count] = current;
      return new KubernetesInstanceType(Number(cpus), Number(mem), acc ? acc.replace(/_/g, ' ') : null, count ? Number(count) : 0);
    }
    const legacy = LEGACY.exec(name);
    if (legacy) {
      const [, cpus, mem, count, acc] = legacy;
      return new KubernetesInstanceType(Number(cpus), Number(mem), acc.replace(/_/g, ' '), Number(count));
    }
    throw new SkyPilotError(
      'InvalidInstanceTypeError',
      `Invalid Kubernetes instance type '${name}': expected ${KUBERNETES_INSTANCE_TYPE_FORMAT}.`,
    );
  }

  /** The current form; counts round up as SkyPilot does. */
  get name(): string {
    const base = `${this.cpus}CPU--${this.memoryGb}GB`;
    if (!this.acceleratorType || this.acceleratorCount <= 0) return base;
    return `${base}--${this.acceleratorType.replace(/ /g, '_')}:${Math.ceil(this.acceleratorCount)}`;
  }
}
