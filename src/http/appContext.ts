/** What route modules receive from `createApp`: the request machinery and settings, no globals. */
import type { RequestExecutor } from '../requests/executor';
import type { RequestStore } from '../requests/requestStore';

export interface AppContext {
  store: RequestStore;
  executor: RequestExecutor;
  /** How long `/api/get` waits for a request before answering 504 (clients retry 504). */
  getTimeoutMs: number;
  authUserHeader: string | null;
}
