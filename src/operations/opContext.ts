/** What an operation receives besides its input: the caller and, for scheduled ones, the run. */
import type { Caller } from '../http/caller';
import type { RequestExecutor, RunContext } from '../requests/executor';
import type { RequestStore } from '../requests/requestStore';

export interface OpContext extends RunContext {
  caller: Caller;
  /** The request machinery, for the operations on requests themselves (`/api/cancel`). */
  requests: { store: RequestStore; executor: RequestExecutor };
}
