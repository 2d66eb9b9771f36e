/** `sky api stop`: stop the server `sky api start` started (pid file). */
import { RegisterCommand } from '../command';
import type { CliContext } from '../context';
import { serverFiles, stopServer } from '../serverProcess';

export async function runApiStop(ctx: CliContext): Promise<number> {
  const result = await ctx.spin('Stopping the SkyPilot API server', () => stopServer(ctx.env));
  if (result.stopped) ctx.out(`SkyPilot API server stopped (pid ${result.pid}).`);
  else ctx.out(`No local SkyPilot API server is running (pid file: ${serverFiles(ctx.env).pid}).`);
  return 0;
}

export const registerApiStop: RegisterCommand = (parent, ctx, done) => {
  parent
    .command('stop')
    .description('Stop the local API server started by `sky api start`.')
    .action(async () => {
      done(await runApiStop(ctx));
    });
};
