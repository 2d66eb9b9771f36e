/** `sky api info [--json]`: endpoint, server version, API version, user. */
import { printJson, type RegisterCommand } from '../command';
import type { CliContext } from '../context';

export interface ApiInfo {
  endpoint: string;
  status: string;
  version: string | null;
  api_version: number;
  commit: string | null;
  user: { name: string; id: string };
}

export function formatApiInfo(info: ApiInfo): string[] {
  const commit = info.commit ? `, commit: ${info.commit}` : '';
  return [
    `Using SkyPilot API server: ${info.endpoint}`,
    `├── Status: ${info.status}, version: ${info.version ?? 'unknown'}, api version: ${info.api_version}${commit}`,
    `└── User: ${info.user.name} (${info.user.id})`,
  ];
}

export async function runApiInfo(ctx: CliContext, args: { json?: boolean }): Promise<number> {
  const client = await ctx.client();
  const version = await client.serverVersion();
  const health = await client.health();
  const info: ApiInfo = {
    endpoint: client.endpoint,
    status: health.status ?? 'unknown',
    version: version.version,
    api_version: version.apiVersion,
    commit: version.commit,
    user: health.user ?? { name: client.identity.name, id: client.identity.hash },
  };
  if (args.json) printJson(ctx, info);
  else for (const line of formatApiInfo(info)) ctx.out(line);
  return 0;
}

export const registerApiInfo: RegisterCommand = (parent, ctx, done) => {
  parent
    .command('info')
    .description('Show the API server in use and who you are to it.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      done(await runApiInfo(ctx, opts));
    });
};
