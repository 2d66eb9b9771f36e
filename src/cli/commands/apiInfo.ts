/** `sky api info [--json]`: endpoint and mode (demo, sandbox or nightly), server version, API version, user. */
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { JSON_OPTION } from '../parameters';
import { printData } from '../printData';

export interface ApiInfo {
  endpoint: string;
  status: string;
  version: string | null;
  api_version: number;
  commit: string | null;
  /** demo (read-only fake world), sandbox (a visitor's session of it) or nightly (real state). */
  mode: string;
  user: { name: string; id: string };
}

export function formatApiInfo(info: ApiInfo): string[] {
  const commit = info.commit ? `, commit: ${info.commit}` : '';
  return [
    `Using SkyPilot API server: ${info.endpoint} (${info.mode})`,
    `├── Status: ${info.status}, version: ${info.version ?? 'unknown'}, api version: ${info.api_version}${commit}`,
    `└── User: ${info.user.name} (${info.user.id})`,
  ];
}

async function runApiInfo(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const client = await ctx.client();
  const version = await client.serverVersion();
  const health = await client.health();
  const info: ApiInfo = {
    endpoint: client.endpoint,
    status: health.status ?? 'unknown',
    version: version.version,
    api_version: version.apiVersion,
    commit: version.commit,
    mode: version.mode ?? 'nightly',
    user: health.user ?? { name: client.identity.name, id: client.identity.hash },
  };
  return printData(ctx, opts.json, info, formatApiInfo);
}

export const apiInfoCommand: CommandSpec<[{ json?: boolean }]> = {
  name: 'info',
  description: 'Show the API server in use and who you are to it.',
  options: [JSON_OPTION],
  run: runApiInfo,
};
