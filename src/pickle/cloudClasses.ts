/**
 * Where each cloud's class lives in upstream SkyPilot (`sky/clouds/__init__.py` and the class
 * definitions), keyed by our canonical name (`Cloud.canonicalName`). A pickle names the defining
 * module, not the package that re-exports it, so `lambda` is `sky.clouds.lambda_cloud.Lambda`.
 * It lists more clouds than our registry has so a cloud added there only needs its row checked.
 */
import { PyGlobal } from './pickleValue';

const CLOUD_MODULES: Readonly<Record<string, readonly [module: string, className: string]>> = {
  aws: ['aws', 'AWS'],
  azure: ['azure', 'Azure'],
  cudo: ['cudo', 'Cudo'],
  do: ['do', 'DO'],
  fluidstack: ['fluidstack', 'Fluidstack'],
  gcp: ['gcp', 'GCP'],
  hyperbolic: ['hyperbolic', 'Hyperbolic'],
  ibm: ['ibm', 'IBM'],
  kubernetes: ['kubernetes', 'Kubernetes'],
  lambda: ['lambda_cloud', 'Lambda'],
  nebius: ['nebius', 'Nebius'],
  oci: ['oci', 'OCI'],
  paperspace: ['paperspace', 'Paperspace'],
  primeintellect: ['primeintellect', 'PrimeIntellect'],
  runpod: ['runpod', 'RunPod'],
  scp: ['scp', 'SCP'],
  seeweb: ['seeweb', 'Seeweb'],
  shadeform: ['shadeform', 'Shadeform'],
  slurm: ['slurm', 'Slurm'],
  ssh: ['ssh', 'SSH'],
  vast: ['vast', 'Vast'],
  vsphere: ['vsphere', 'Vsphere'],
};

/** Canonical names this table knows (for tests and error messages). */
export function knownCloudClassNames(): string[] {
  return Object.keys(CLOUD_MODULES);
}

/** The upstream class for a canonical cloud name; throws for a cloud upstream would not recognise. */
export function cloudClass(canonicalName: string): PyGlobal {
  const row = Object.hasOwn(CLOUD_MODULES, canonicalName) ? CLOUD_MODULES[canonicalName] : undefined;
  if (!row) {
    throw new TypeError(
      `pickle: no upstream SkyPilot class for cloud '${canonicalName}'; ` + `known: ${knownCloudClassNames().join(', ')}`,
    );
  }
  return new PyGlobal(`sky.clouds.${row[0]}`, row[1]);
}
