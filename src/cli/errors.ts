/** Turning any failure into exactly one readable stderr line and an exit code. */
import { ApiError } from '../client/apiError';

/** Exit codes: 1 for API and runtime errors, 2 for usage errors. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

/** An error the CLI raises itself, with the exit code it implies. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_ERROR,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\s+$/, '');
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

export function errorLine(err: unknown): string {
  return `sky: error: ${oneLine(messageOf(err))}`;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  return EXIT_ERROR;
}

/** The stack trace, for `SKY_DEBUG=1`, as lines (each printed line is one line; see context.ts). */
export function debugDetails(err: unknown): string[] {
  if (!(err instanceof Error)) return [];
  const extra =
    err instanceof ApiError
      ? ` [status=${err.status} type=${err.type} code=${err.code}${err.requestId ? ` request_id=${err.requestId}` : ''}]`
      : '';
  return `${err.stack ?? err.message}${extra}`.split('\n');
}
