/**
 * Test only, never part of the server: a write whose change commits long before its request
 * finishes, so a crash test can kill the server between the two (the window is otherwise a few
 * milliseconds). Preloaded like slowEndpoint.js, it adds `POST /test/write_then_wait
 * {"workspace_name": ..., "seconds": n}`: creates the workspace through the state seam, as
 * `/workspaces/create` does, then waits `seconds` before answering.
 */
const { z } = require('zod');
const { appExtensions } = require('../../dist/src/appExtensions');
const { scheduledEndpoint } = require('../../dist/src/http/endpoint');
const { globalUserState } = require('../../dist/src/state/globalUserState');

const writeThenWait = scheduledEndpoint('POST', '/test/write_then_wait', {
  name: 'test.write_then_wait',
  effect: 'write',
  schema: z.looseObject({ workspace_name: z.string(), seconds: z.number().min(0).max(120) }),
  run: async (input) => {
    await globalUserState.setWorkspace(input.workspace_name, {});
    await new Promise((resolve) => setTimeout(resolve, input.seconds * 1000));
    return { wrote: input.workspace_name };
  },
});

appExtensions.endpoints = [...appExtensions.endpoints, writeThenWait];
