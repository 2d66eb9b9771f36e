/** What endpoint code receives from `createApp`: the request machinery and settings, no globals. */
import type { RequestExecutor } from '../requests/executor';
import type { RequestStore } from '../requests/requestStore';
import type { TrustProxy } from './clientAddress';
import type { CorsPolicy } from './cors';
import type { RateLimit } from './rateLimit';

export interface AppContext {
  store: RequestStore;
  executor: RequestExecutor;
  /** How long `/api/get` waits for a request before answering 504 (clients retry 504). */
  getTimeoutMs: number;
  authUserHeader: string | null;
  /** `METHOD /path` of the endpoints anyone may call (the table's `public` ones: the probes). */
  publicRoutes: ReadonlySet<string>;
  cors: CorsPolicy;
  trustProxy: TrustProxy;
  rateLimit: RateLimit | null;
  bodyLimitBytes: number;
  /** True once a graceful shutdown has begun: readiness fails, live requests finish. */
  draining(): boolean;
}
