/**
 * Kubernetes manifests checked against the API's own schemas, offline: kubernetes-models ships the
 * Kubernetes OpenAPI definitions compiled into JSON-schema validators (types, required fields,
 * formats such as resource quantities, enums).
 *
 * Those schemas allow fields they do not define, as the API server does, but `kubectl apply`
 * rejects them (strict field validation), and a misspelt probe or limit would otherwise be silently
 * dropped. So the validator is also watched: each object it is given is a proxy recording which
 * fields it reads, and a field the schema never looked at is a field Kubernetes does not know.
 */
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Secret, Service } from 'kubernetes-models/v1';
import type { Manifest } from './kustomize';

const MODELS: Record<string, { prototype: { validate(): void } }> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'v1/Service': Service,
  'v1/Secret': Secret,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

function watched<T>(value: T, at: string, read: Set<string>): T {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver) as unknown;
      if (typeof key !== 'string') return child;
      read.add(`${at}/${key}`);
      return watched(child, `${at}/${key}`, read);
    },
  }) as T;
}

/** Fields the validator never read (the outermost of each unknown subtree only). */
function unread(value: unknown, read: Set<string>, at = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    read.has(`${at}/${key}`) ? unread(child, read, `${at}/${key}`) : [`${at}/${key}`],
  );
}

/** Schema errors and unknown fields of one manifest, as `kind name: message` lines. */
export function checkManifest(manifest: Manifest): string[] {
  const where = `${manifest.kind} ${manifest.metadata?.name}`;
  const model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!model) return [`${where}: no schema here for ${manifest.apiVersion} ${manifest.kind}`];
  const read = new Set<string>();
  const problems: string[] = [];
  try {
    model.prototype.validate.call(watched(manifest, '', read));
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`);
  }
  for (const field of unread(manifest, read)) problems.push(`${where}: unknown field ${field}`);
  return problems;
}
