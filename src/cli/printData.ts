/** How the read commands print what they fetched: the data itself with `--json`, else lines for people. */
import type { CliContext } from './context';
import { jsonSafe } from './sanitize';

/** Pretty JSON, line by line; control characters stay JSON escapes, so the data is exact and inert. */
export function printJson(ctx: CliContext, value: unknown): void {
  for (const line of jsonSafe(JSON.stringify(value, null, 2) ?? 'null').split('\n')) ctx.out(line);
}

/** `--json` prints `data` as it came; otherwise the lines `format` makes of it. The exit code: 0. */
export function printData<T>(ctx: CliContext, json: boolean | undefined, data: T, format: (data: T) => readonly string[]): number {
  if (json) printJson(ctx, data);
  else for (const line of format(data)) ctx.out(line);
  return 0;
}
