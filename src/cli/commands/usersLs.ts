/** `sky users ls [--json]` */
import type { UserRecord } from '../../api/wireTypes';
import { printJson, type RegisterCommand } from '../command';
import type { CliContext } from '../context';
import { formatRelative } from '../relativeTime';
import { formatTable } from '../table';

export function formatUsers(users: readonly UserRecord[], now: Date): string[] {
  if (users.length === 0) return ['No users.'];
  const rows = users.map((u) => [u.name, u.id, u.role || '-', formatRelative(u.created_at, now)]);
  return formatTable(['NAME', 'ID', 'ROLE', 'CREATED'], rows);
}

export async function runUsersLs(ctx: CliContext, args: { json?: boolean }): Promise<number> {
  const client = await ctx.client();
  const users = await client.users();
  if (args.json) printJson(ctx, users);
  else for (const line of formatUsers(users, ctx.now)) ctx.out(line);
  return 0;
}

export const registerUsersLs: RegisterCommand = (parent, ctx, done) => {
  parent
    .command('ls')
    .description('List users.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      done(await runUsersLs(ctx, opts));
    });
};
