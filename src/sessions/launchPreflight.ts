/**
 * What the official CLI's `sky launch` calls before `/launch` (upstream `sdk._launch`), in a sandbox
 * session: `POST /validate` with the task it built (a direct call: 200 and `null` when valid, else a
 * 400 whose `detail` is the serialized exception the client raises), and, unless `-y`, `POST
 * /optimize` (a request whose log the client streams as the plan; upstream ignores its return
 * value, so it is `null`). Both accept exactly the tasks `/launch` would launch, the demo's launchable
 * recipes, and refuse anything else with the same sentence. Neither changes the session.
 */
import { z } from 'zod';
import type { Endpoint } from '../http/endpoint';
import { scheduledEndpoint } from '../http/endpoint';
import { exceptionDetailReply } from '../http/errorReply';
import { baseBody } from '../http/validate';
import { DemoModeError } from '../demo/demoModeError';
import type { WorldCache } from '../demo/worldCache';
import { recipeOfTask } from './recipeTask';
import type { SessionSettings } from './sessionSettings';

const MAX_DAG_BYTES = 64 * 1024;
const dagText = z
  .string()
  .min(1)
  .max(MAX_DAG_BYTES, `at most ${MAX_DAG_BYTES / 1024} KiB`);
const validateBody = z.looseObject({ ...baseBody, dag: dagText });
const optimizeBody = z.looseObject({ ...baseBody, dag: dagText });

/** The launchable recipe `dag` is, or the refusal `/launch` would give it. */
function launchableRecipe(dag: string, settings: SessionSettings, world: WorldCache): string | DemoModeError {
  const recipe = recipeOfTask(dag, world.current().recipes);
  if (recipe && settings.launch[recipe]) return recipe;
  const launchable = Object.keys(settings.launch).map((r) => `recipes:${r}`);
  return new DemoModeError(`only the demo's recipes can be launched: ${launchable.join(', ')}`);
}

export function launchPreflightEndpoints(settings: SessionSettings, world: WorldCache): Endpoint[] {
  return [
    {
      method: 'POST',
      path: '/validate',
      effect: 'write',
      direct: (call) => {
        const body = validateBody.safeParse(call.body);
        if (!body.success) {
          return exceptionDetailReply(new DemoModeError(`the task to validate is missing or too large (${body.error.issues[0]?.message})`));
        }
        const found = launchableRecipe(body.data.dag, settings, world);
        return typeof found === 'string' ? { status: 200, json: null } : exceptionDetailReply(found);
      },
    },
    scheduledEndpoint('POST', '/optimize', {
      name: 'sky.optimize',
      effect: 'write',
      schema: optimizeBody,
      run: async (input, ctx) => {
        const found = launchableRecipe(input.dag, settings, world);
        if (typeof found !== 'string') throw found;
        const spec = settings.launch[found];
        ctx.log(
          `Considered resources (${spec.nodes} node${spec.nodes === 1 ? '' : 's'}): ${spec.cloud} ${spec.region}, ${spec.instance_type}\n` +
            `The sandbox launches recipes:${found} there; nothing is provisioned.\n`,
        );
        return null;
      },
    }),
  ];
}
