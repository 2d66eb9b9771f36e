/** commander parsers for numeric arguments and options; a bad value is a usage error (exit 2). */
import { InvalidArgumentError } from 'commander';

export function parseNonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('Not a non-negative integer.');
  return Number.parseInt(value, 10);
}

/** Negative allowed, e.g. `-1` cancels autostop. */
export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('Not an integer.');
  return Number.parseInt(value, 10);
}
