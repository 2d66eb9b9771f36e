/**
 * A session's enabled infra per workspace, after the visitor created or updated workspaces. Upstream
 * recomputes a workspace's enabled clouds (`sky check`) from the clouds the server has credentials
 * for, less those its config disables (`<cloud>: {disabled: true}`). Here the server's clouds are
 * the demo world's, every cloud some workspace of the fixtures enables; a workspace the session did
 * not touch keeps the fixtures' list, a deleted one has none.
 */
import type { Cloud } from '../state/clouds';
import type { WorkspacesMap } from '../vocab/workspaces';

/** Every cloud some workspace enables, first seen first (the default workspace's come first). */
function serverClouds(base: Readonly<Record<string, Cloud[]>>): Cloud[] {
  const seen = new Map<string, Cloud>();
  for (const list of Object.values(base)) for (const cloud of list) if (!seen.has(cloud.name)) seen.set(cloud.name, cloud);
  return [...seen.values()];
}

function disables(config: unknown, cloud: Cloud): boolean {
  const section = config && typeof config === 'object' ? (config as Record<string, unknown>)[cloud.canonicalName] : undefined;
  return !!section && typeof section === 'object' && (section as { disabled?: unknown }).disabled === true;
}

/** `base` with the workspaces in `changed` recomputed against `workspaces` (the session's). */
export function sessionEnabledClouds(
  base: Readonly<Record<string, Cloud[]>>,
  workspaces: WorkspacesMap,
  changed: Iterable<string>,
): Record<string, Cloud[]> {
  const all = serverClouds(base);
  const result = { ...base };
  for (const name of changed) {
    if (!Object.hasOwn(workspaces, name)) delete result[name];
    else result[name] = all.filter((cloud) => !disables(workspaces[name], cloud));
  }
  return result;
}
