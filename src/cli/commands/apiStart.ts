/** `sky api start [--port N]`: start a local API server in the background. */
import { DEFAULT_ENDPOINT, isLocalEndpoint } from '../../client/endpoint';
import type { CommandSpec } from '../command';
import { answers, type CliContext, newClient } from '../context';
import { CliError } from '../errors';
import { parseNonNegativeInt } from '../parsers';
import { spawnLocalServer } from '../serverProcess';

async function runApiStart(ctx: CliContext, args: { port?: number }): Promise<number> {
  const configured = newClient(ctx.io, ctx.env, false).endpoint;
  if (args.port === undefined && !isLocalEndpoint(configured)) {
    throw new CliError(`The configured API server ${configured} is not local; \`sky api start\` only starts local servers.`);
  }
  const base = new URL(isLocalEndpoint(configured) ? configured : DEFAULT_ENDPOINT);
  const port = args.port ?? (base.port ? Number(base.port) : 46580);
  const url = `http://127.0.0.1:${port}`;
  const env = { ...ctx.env, SKYPILOT_API_SERVER_ENDPOINT: url };
  if (await answers(ctx.io, env)) {
    ctx.out(`SkyPilot API server is already running at ${url}.`);
    return 0;
  }
  const started = await ctx.spin('Starting the SkyPilot API server', () =>
    spawnLocalServer({ env: ctx.env, host: '127.0.0.1', port, isHealthy: () => answers(ctx.io, env) }),
  );
  ctx.out(`SkyPilot API server started at ${url} (pid ${started.pid}); log: ${started.log}`);
  return 0;
}

export const apiStartCommand: CommandSpec<[{ port?: number }]> = {
  name: 'start',
  description: 'Start a local API server in the background.',
  options: [{ flags: '--port <port>', description: 'port (default: from the endpoint, else 46580)', parse: parseNonNegativeInt }],
  run: runApiStart,
};
