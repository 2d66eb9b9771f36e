/**
 * `sky api stop`: stop the local API server — the one `sky api start` recorded in its pid file, else
 * whatever skypilot-ts server answers on the endpoint (e.g. `npm start`). Exit 0 when no server is
 * left running, 1 with one line saying why when one is and it cannot be stopped.
 */
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { findEndpointServer } from '../endpointServer';
import { CliError } from '../errors';
import { stopServer, terminate } from '../serverProcess';

async function runApiStop(ctx: CliContext): Promise<number> {
  const fromPidFile = await ctx.spin('Stopping the SkyPilot API server', () => stopServer(ctx.env));
  if (fromPidFile.stopped) {
    ctx.out(`SkyPilot API server stopped (pid ${fromPidFile.pid}).`);
    return 0;
  }
  const found = await findEndpointServer(ctx.io, ctx.env);
  if (found.kind === 'not-running') {
    ctx.out(`No SkyPilot API server is running at ${found.endpoint}.`);
    return 0;
  }
  if (found.kind === 'refused') throw new CliError(found.reason);
  await ctx.spin('Stopping the SkyPilot API server', () => terminate(found.pid));
  ctx.out(`SkyPilot API server at ${found.endpoint} stopped (pid ${found.pid}).`);
  return 0;
}

export const apiStopCommand: CommandSpec<[]> = {
  name: 'stop',
  description: 'Stop the local API server (started by `sky api start`, or any skypilot-ts server on the endpoint).',
  run: runApiStop,
};
