/**
 * A `sky` command as data: its name, help, positional arguments, options and what it runs.
 * `addCommand` is the one place that turns a spec into a commander sub-command, so every command
 * parses, documents itself and reports its exit code the same way.
 */
import { Argument, type Command, Option } from 'commander';
import type { CliContext } from './context';

/** Records the exit code of the command that ran. */
export type ExitSetter = (code: number) => void;

/** A positional argument in commander's syntax: `<cluster>` (required), `[job_id]`, `<clusters...>`. */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly parse?: (value: string) => unknown;
}

/** An option in commander's syntax: `--json`, `-a, --all-users`, `--tail <lines>`, `--no-follow`. */
export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  readonly parse?: (value: string) => unknown;
}

export interface CommandSpec<Values extends unknown[] = unknown[]> {
  readonly name: string;
  readonly description: string;
  readonly arguments?: readonly ArgumentSpec[];
  readonly options?: readonly OptionSpec[];
  /** Gets commander's values (each argument in order, then the options object); resolves to the exit code. */
  run(ctx: CliContext, ...values: Values): Promise<number>;
}

/** A command that only groups others: `sky jobs queue`, `sky api start`. */
export interface CommandGroup {
  readonly name: string;
  readonly description: string;
  readonly commands: readonly CommandSpec[];
}

export function addCommand(parent: Command, spec: CommandSpec | CommandGroup, ctx: CliContext, done: ExitSetter): void {
  const command = parent.command(spec.name).description(spec.description);
  if ('commands' in spec) {
    for (const sub of spec.commands) addCommand(command, sub, ctx, done);
    return;
  }
  for (const { name, description, parse } of spec.arguments ?? []) {
    const argument = new Argument(name, description);
    command.addArgument(parse ? argument.argParser(parse) : argument);
  }
  for (const { flags, description, parse } of spec.options ?? []) {
    const option = new Option(flags, description);
    command.addOption(parse ? option.argParser(parse) : option);
  }
  // The root's `--demo-session` is also accepted after the command: root options are positional (so
  // `-v` after a command is the command's own, as upstream's), and this one is worth typing anywhere.
  command.addOption(new Option('--demo-session <id>', 'act in this sandbox session of a demo server').hideHelp());
  command.action(async (...values: unknown[]) => {
    // commander passes the arguments, the options object, then the command itself.
    const options = values[values.length - 2] as { demoSession?: string };
    if (options.demoSession !== undefined) ctx.env = { ...ctx.env, SKYPILOT_DEMO_SESSION: options.demoSession };
    delete options.demoSession;
    done(await spec.run(ctx, ...values.slice(0, -1)));
  });
}
