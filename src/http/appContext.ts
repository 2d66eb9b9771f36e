/** What endpoint code receives from `createApp`: the request machinery and settings, no globals. */
import type { RequestExecutor } from '../requests/executor';
import type { RequestStore } from '../requests/requestStore';
import type { TrustProxy } from './clientAddress';
import type { CorsPolicy } from './cors';
import type { HookContext, RequestExtensions } from './extensions';
import type { HttpCall } from './httpCall';
import type { RateLimit } from './rateLimit';

export interface AppContext {
  store: RequestStore;
  executor: RequestExecutor;
  /** How long `/api/get` waits for a request before answering 504 (clients retry 504). */
  getTimeoutMs: number;
  authUserHeader: string | null;
  /** Service-account bearer tokens authenticate (`SKYPILOT_SERVICE_ACCOUNTS`, upstream's `ENABLE_SERVICE_ACCOUNTS`). */
  serviceAccounts: boolean;
  /** `METHOD /path` of the endpoints anyone may call (the table's `public` ones: the probes). */
  publicRoutes: ReadonlySet<string>;
  cors: CorsPolicy;
  trustProxy: TrustProxy;
  rateLimit: RateLimit | null;
  bodyLimitBytes: number;
  /** The extensions' hooks and visitor naming (the app's `appExtensions`, read per request). */
  extensions: RequestExtensions;
  /** How a request refused before routing is answered (the app knows its endpoint table). */
  refusalFor(call: HttpCall, address: string): HookContext['refuse'];
  /** True once a graceful shutdown has begun: readiness fails, live requests finish. */
  draining(): boolean;
}
