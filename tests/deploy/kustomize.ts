/**
 * Renders deploy/k8s kustomizations as `kubectl apply -k` would, for the few kustomize features they
 * use: `resources` (files, or directories with their own kustomization), `images` (newName, newTag,
 * digest) and `namespace`. kubectl is not on every machine this project is tested on, so rather than
 * guess at the rest, a kustomization using anything else is refused here (a test says which).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export const SUPPORTED_KEYS = ['apiVersion', 'kind', 'resources', 'images', 'namespace'];

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

interface Kustomization {
  apiVersion: string;
  kind: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  namespace?: string;
}

export function readKustomization(dir: string): Kustomization {
  const kustomization = YAML.parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const unsupported = Object.keys(kustomization).filter((k) => !SUPPORTED_KEYS.includes(k));
  if (unsupported.length)
    throw new Error(`${dir}/kustomization.yaml uses ${unsupported.join(', ')}, which tests/deploy/kustomize.ts does not render`);
  return kustomization;
}

/** Every container of a workload's pod template. */
export function containersOf(manifest: Manifest): { name: string; image: string }[] {
  const pod = (manifest.spec as { template?: { spec?: { containers?: []; initContainers?: [] } } } | undefined)?.template?.spec;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])];
}

/** `name[:tag][@digest]` with the image transformer's rules: the name matches without tag or digest. */
function retag(image: string, rules: NonNullable<Kustomization['images']>): string {
  const match = /^(.+?)(?::([\w][\w.-]*))?(?:@(.+))?$/.exec(image)!;
  const rule = rules.find((r) => r.name === match[1]);
  if (!rule) return image;
  const name = rule.newName ?? match[1];
  if (rule.digest) return `${name}@${rule.digest}`;
  const tag = rule.newTag ?? match[2];
  return tag ? `${name}:${tag}` : name;
}

export function render(dir: string): Manifest[] {
  const kustomization = readKustomization(dir);
  const manifests = (kustomization.resources ?? []).flatMap((resource) => {
    const full = path.join(dir, resource);
    return fs.statSync(full).isDirectory()
      ? render(full)
      : YAML.parseAllDocuments(fs.readFileSync(full, 'utf8')).map((doc) => doc.toJS() as Manifest);
  });
  for (const manifest of manifests) {
    if (kustomization.namespace) manifest.metadata.namespace = kustomization.namespace;
    for (const container of containersOf(manifest)) container.image = retag(container.image, kustomization.images ?? []);
  }
  return manifests;
}
