/**
 * A database that stays locked by someone else must not stall the server: a write waits in short
 * async retries, between which the connection is free for everyone else and the event loop keeps
 * serving; past the deadline the caller gets this typed 503 with `Retry-After`, never a frozen process.
 */
import { HttpError } from '../errors';
import { countDbError } from './dbErrors';

export class DatabaseBusyError extends HttpError {
  constructor(what: string, waitedMs: number) {
    super(
      503,
      'database_busy',
      'DatabaseBusy',
      `The ${what} is locked by another process (waited ${waitedMs} ms); try again shortly.`,
      undefined,
      1,
    );
  }
}

const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);

export function isSqliteBusy(error: unknown): boolean {
  return typeof error === 'object' && error !== null && BUSY_CODES.has((error as { code?: string }).code ?? '');
}

export const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Runs `attempt` (a whole transaction) until it does not fail with DatabaseBusyError, sleeping a
 * little longer each time, for at most `deadlineMs`; then the error names how long it waited.
 */
export async function retryWhileBusy<T>(what: string, deadlineMs: number, attempt: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (let round = 0; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof DatabaseBusyError)) throw error;
      const waited = Date.now() - started;
      if (waited >= deadlineMs) {
        countDbError(what, 'busy');
        throw new DatabaseBusyError(what, waited);
      }
      await sleep(Math.min(2 ** round, 25, deadlineMs - waited) * (0.5 + Math.random()));
    }
  }
}
