/** `sky users ls [--json]` */
import type { UserRecord } from '../../api/wireTypes';
import type { CommandSpec } from '../command';
import type { CliContext } from '../context';
import { JSON_OPTION } from '../parameters';
import { printData } from '../printData';
import { formatRelative } from '../relativeTime';
import { formatTable } from '../table';

export function formatUsers(users: readonly UserRecord[], now: Date): string[] {
  if (users.length === 0) return ['No users.'];
  const rows = users.map((u) => [u.name, u.id, u.role || '-', formatRelative(u.created_at, now)]);
  return formatTable(['NAME', 'ID', 'ROLE', 'CREATED'], rows);
}

async function runUsersLs(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const client = await ctx.client();
  const users = await client.users();
  return printData(ctx, opts.json, users, (us) => formatUsers(us, ctx.now));
}

export const usersLsCommand: CommandSpec<[{ json?: boolean }]> = {
  name: 'ls',
  description: 'List users.',
  options: [JSON_OPTION],
  run: runUsersLs,
};
