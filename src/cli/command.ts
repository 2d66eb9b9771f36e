/** The shape every command module exports: a function adding its sub-command to a parent. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliContext } from './context';

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

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.out(JSON.stringify(value, null, 2));
}
