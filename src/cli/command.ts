/** The shape every command module exports: a function adding its sub-command to a parent. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliContext } from './context';
import { jsonSafe } from './sanitize';

/** Records the exit code of the command that ran. */
export type ExitSetter = (code: number) => void;

export type RegisterCommand = (parent: Command, ctx: CliContext, done: ExitSetter) => void;

/** commander argument parser for non-negative integers. */
export function parseNonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('Not a non-negative integer.');
  return Number.parseInt(value, 10);
}

/** commander argument parser for integers (negative allowed, e.g. `-1` cancels autostop). */
export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('Not an integer.');
  return Number.parseInt(value, 10);
}

/** Pretty JSON, line by line; control characters stay JSON escapes, so the data is exact and inert. */
export function printJson(ctx: CliContext, value: unknown): void {
  for (const line of jsonSafe(JSON.stringify(value, null, 2) ?? 'null').split('\n')) ctx.out(line);
}
