/**
 * `POST /launch` in a sandbox session: one of the demo's recipes, on the infrastructure sandbox.yaml
 * gives it. The task is `recipes:<name>`, the recipe's YAML as the recipe page shows it, or the
 * official CLI's dump of the task it built from the recipe (recipeTask.ts); anything else is refused, naming what can be launched. The
 * request finishes at once, as the launch is recorded; the cluster then provisions (INIT -> UP) and
 * its job runs (PENDING -> RUNNING -> SUCCEEDED, log lines appearing) on the clock, in the session.
 * Upstream's answer is `encode_launch`'s `{job_id, handle}`; so is this one. It never bundles SSH
 * credentials (API 50's `include_credentials`): nothing here can be reached by SSH, and a client
 * given no `credentials` key takes its pre-50 path. A recipe launch needs a client of API 33 or more,
 * as upstream's `check_recipe_launch` says.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { encodeHandle, objectEncodingFor } from '../api/objectEncoding';
import { SkyPilotError } from '../errors';
import { type Endpoint, scheduledEndpoint } from '../http/endpoint';
import { baseBody, clusterName } from '../http/validate';
import { userWorkspace } from '../operations/workspaceMembership';
import { PREFERRED_WORKSPACE_MIN_API_VERSION, RECIPE_LAUNCH_MIN_API_VERSION } from '../vocab/versions';
import { DEFAULT_WORKSPACE } from '../vocab/workspaces';
import { DemoModeError } from '../demo/demoModeError';
import type { WorldCache } from '../demo/worldCache';
import type { SessionSettings } from './sessionSettings';
import { recipeOfTask } from './recipeTask';
import { recordChange } from './sessionWrites';

const MAX_TASK_BYTES = 64 * 1024;

const launchBody = z.looseObject({
  ...baseBody,
  task: z
    .string()
    .min(1)
    .max(MAX_TASK_BYTES, `at most ${MAX_TASK_BYTES / 1024} KiB`),
  cluster_name: clusterName.nullish(),
});

/** Upstream's resolver for a client of API 53+: the note says why when it cannot pick one. */
async function resolvedWorkspace(caller: Parameters<typeof userWorkspace>[0]): Promise<string> {
  const resolved = await userWorkspace(caller, null);
  if (!resolved.workspace) throw new SkyPilotError('PermissionDeniedError', resolved.note ?? 'No workspace to launch into.');
  return resolved.workspace;
}

export function launchEndpoint(settings: SessionSettings, world: WorldCache): Endpoint {
  return scheduledEndpoint('POST', '/launch', {
    name: 'sky.launch',
    effect: 'write',
    schema: launchBody,
    scheduleType: 'long',
    clusterName: (b) => b.cluster_name ?? null,
    run: async (input, ctx) => {
      const launchable = Object.keys(settings.launch);
      const recipe = recipeOfTask(input.task, world.current().recipes);
      if (!recipe || !settings.launch[recipe]) {
        throw new DemoModeError(`only the demo's recipes can be launched: ${launchable.map((r) => `recipes:${r}`).join(', ')}`);
      }
      const version = ctx.caller.clientApiVersion;
      if (version !== null && version < RECIPE_LAUNCH_MIN_API_VERSION) {
        // Upstream's words, raised as RuntimeError through the request, which old clients handle.
        throw new SkyPilotError(
          'ClientTooOld',
          'Launching recipes requires a newer SkyPilot client. Please upgrade your SkyPilot installation.',
        );
      }
      const name = input.cluster_name ?? `${recipe}-${randomBytes(2).toString('hex')}`;
      if (world.current().clusters.some((c) => c.name === name)) {
        throw new SkyPilotError(
          'NotSupportedError',
          `Cluster '${name}' already exists in this session: pick another name, or down it first.`,
        );
      }
      const wanted = input.override_skypilot_config?.active_workspace;
      const workspace =
        typeof wanted === 'string' && wanted
          ? wanted
          : version !== null && version >= PREFERRED_WORKSPACE_MIN_API_VERSION
            ? await resolvedWorkspace(ctx.caller.identity)
            : DEFAULT_WORKSPACE;
      if (!Object.hasOwn(world.current().workspaces, workspace)) {
        throw new SkyPilotError('WorkspaceNotFoundError', `Workspace '${workspace}' does not exist.`);
      }
      await recordChange('launch', { kind: 'launch', cluster: name, recipe, workspace });
      const spec = settings.launch[recipe];
      ctx.log(
        `Launching recipes:${recipe} as cluster ${name} on ${spec.cloud} ${spec.region} (${spec.nodes}x ${spec.instance_type}).\n` +
          `Provisioning takes about ${spec.provision_seconds}s; follow it with \`sky status ${name}\` and \`sky logs ${name} 1\`.\n`,
      );
      const cluster = world.current().clusters.find((c) => c.name === name);
      if (!cluster) throw new SkyPilotError('ClusterDoesNotExist', `Cluster '${name}' could not be launched.`);
      return { job_id: 1, handle: encodeHandle(cluster.handle, objectEncodingFor(ctx.caller)) };
    },
  });
}
