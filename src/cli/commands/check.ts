/**
 * `sky check [INFRA...] [-v] [--workspace NAME] [--json]`, as upstream's: the server's check report
 * (the request's log) as it is written, then the server it came from; `--json` prints the result,
 * `{workspace: {cloud: [capabilities]}}`, instead.
 */
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { JSON_OPTION } from '../parameters';
import { printData } from '../printData';

export interface CheckArgs {
  verbose?: boolean;
  workspace?: string;
  json?: boolean;
}

async function runCheck(ctx: CliContext, infra: string[], args: CheckArgs): Promise<number> {
  const client = await ctx.client();
  const requestId = await client.checkRequest({
    clouds: infra.length ? infra : undefined,
    workspace: args.workspace,
    verbose: args.verbose,
  });
  if (args.json) {
    const result = await client.getRequest(requestId);
    return printData(ctx, true, result, () => []);
  }
  // Line by line, so the server's text is sanitized as every other line we print.
  let report = '';
  for await (const chunk of client.requestLog(requestId)) report += chunk;
  for (const line of report.replace(/\n$/, '').split('\n')) ctx.out(line);
  ctx.out('');
  ctx.out(`Using SkyPilot API server: ${client.endpoint}`);
  return 0;
}

export const checkCommand: CommandSpec<[string[], CheckArgs]> = {
  name: 'check',
  description: 'Show which infra (clouds, Kubernetes) is enabled, per workspace.',
  arguments: [{ name: '[infra...]', description: 'only these (e.g. aws kubernetes)' }],
  options: [
    { flags: '-v, --verbose', description: 'show the activated account for each cloud' },
    { flags: '--workspace <name>', description: 'only this workspace (default: all)' },
    JSON_OPTION,
  ],
  run: runCheck,
};
