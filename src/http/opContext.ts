/**
 * What an operation receives besides its input: the caller and, for scheduled ones, the run. Built by
 * the request plumbing (scheduled.ts), so its shape lives here, below the operations that read it.
 */
import type { RequestExecutor, RunContext } from '../requests/executor';
import type { RequestStore } from '../requests/requestStore';
import type { Caller } from './caller';

export interface OpContext extends RunContext {
  caller: Caller;
  /** The request machinery, for the operations on requests themselves (`/api/cancel`). */
  requests: { store: RequestStore; executor: RequestExecutor };
}
