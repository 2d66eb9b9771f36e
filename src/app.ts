/**
 * The API app: SkyPilot's REST protocol over the state seams. `createApp` takes its dependencies
 * (request store, executor, settings) and returns a request listener: the lean path for the hottest
 * calls (src/http/fastPath.ts), then Express for everything else. State is reached through the seams
 * only.
 *
 * Express's order matters: admission first (extension hooks such as the demo's guard see every
 * request unparsed; then the rate limit, CORS and version headers), the `/internal/dashboard` prefix,
 * the bounded JSON body parser, the endpoint table (then upstream's endpoints this build answers as
 * not supported), the dashboard, the JSON 404, the error boundary.
 */
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import { appExtensions } from './appExtensions';
import { createDashboardRouter } from './dashboard/dashboardRouter';
import { HttpError, NotFoundError } from './errors';
import { admit } from './http/admit';
import type { AppContext } from './http/appContext';
import { clientAddress, type TrustProxy } from './http/clientAddress';
import type { CorsPolicy } from './http/cors';
import { accessOf, callFromExpress, mountEndpoints } from './http/endpoint';
import { errorBoundary, errorReply } from './http/errorReply';
import { capConnectionsPerAddress, SERVER_TIMEOUTS, type ServerTimeouts } from './http/connectionGuard';
import { createFastPath } from './http/fastPath';
import type { AccessLog } from './observability/accessLog';
import type { Metrics } from './observability/metrics';
import { labelEndpoint, observeRequests } from './observability/requestObserver';
import { writeReply } from './http/httpCall';
import { checkJsonDepth, DEFAULT_BODY_LIMIT_BYTES } from './http/jsonBody';
import { stripDashboardPrefix } from './http/protocolHeaders';
import { RateLimit, type RateLimitSpec } from './http/rateLimit';
import { RequestExecutor } from './requests/executor';
import type { RequestStore } from './requests/requestStore';
import { ALL_ENDPOINTS, findEndpoint } from './routes/endpoints';
import { refusalFor } from './routes/refusal';
import { unsupportedEndpoints } from './routes/unsupportedRoutes';

export interface AppDeps {
  requests: RequestStore;
  executor?: RequestExecutor;
  getTimeoutMs?: number;
  /** JSON body limit in bytes; larger bodies get 413. */
  bodyLimitBytes?: number;
  /** Trusted proxy header naming the authenticated user (SkyPilot's `SKYPILOT_AUTH_USER_HEADER`). */
  authUserHeader?: string | null;
  /** Service-account bearer tokens authenticate (off by default, as upstream). */
  serviceAccounts?: boolean;
  cors?: CorsPolicy;
  trustProxy?: TrustProxy;
  rateLimit?: RateLimitSpec | null;
  dashboard?: { builtDir: string; officialDir?: string | null };
  /** Prometheus metrics to record into (see observability/metrics.ts); none by default. */
  metrics?: Metrics | null;
  accessLog?: AccessLog | null;
  /** The slow-client timeouts of `listen`'s server (SERVER_TIMEOUTS by default; an embedder's own edge may differ). */
  serverTimeouts?: ServerTimeouts;
}

/** The app: a request listener (what `http.createServer` and supertest take) with its parts. */
export interface SkyApp {
  (req: IncomingMessage, res: ServerResponse): void;
  context: AppContext;
  express: Express;
  /**
   * Marks the app as shutting down: readiness answers 503, and so does any new request arriving on
   * a kept-alive connection (the server accepts no new connections), typed, with `Retry-After` and
   * `Connection: close`, so a balancer or client retries elsewhere. Requests in flight finish.
   */
  startDraining(): void;
  /** Resolves once no request is being answered, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void>;
  /** An HTTP server running this app, with the extensions' server hooks applied. */
  listen(port: number, host?: string): Server;
}

/** The answer to a new request while the server drains: try again, elsewhere (a balancer's other replica). */
export class ServerDrainingError extends HttpError {
  constructor() {
    super(503, 'server_draining', 'ServerDraining', 'The API server is shutting down; retry the request.', undefined, 1);
  }
}

/**
 * What a draining server still answers: its probes (liveness holds, readiness says draining) and the
 * results and logs of requests it already accepted, which are finishing. Nothing new starts.
 */
function answersWhileDraining(req: IncomingMessage): boolean {
  if (req.method !== 'GET') return false;
  const path = stripDashboardPrefix(req.url ?? '').split('?')[0];
  return path === '/healthz' || path === '/readyz' || path === '/api/get' || path === '/api/stream';
}

export const DEFAULT_DASHBOARD_DIR = path.resolve(__dirname, '..', '..', 'dist', 'dashboard');

function admission(context: AppContext): RequestHandler {
  return async (req, res, next) => {
    const result = await admit(callFromExpress(req), context);
    for (const [name, value] of Object.entries(result.headers)) res.setHeader(name, value);
    if (result.reply) {
      req.resume();
      writeReply(res, result.reply);
      return;
    }
    next();
  };
}

export function createApp(deps: AppDeps): SkyApp {
  const executor = deps.executor ?? new RequestExecutor(deps.requests);
  let draining = false;
  const mounted = [...ALL_ENDPOINTS, ...appExtensions.endpoints];
  const context: AppContext = {
    store: deps.requests,
    executor,
    getTimeoutMs: deps.getTimeoutMs ?? 60_000,
    authUserHeader: deps.authUserHeader ?? null,
    serviceAccounts: deps.serviceAccounts ?? false,
    publicRoutes: new Set(ALL_ENDPOINTS.filter((e) => accessOf(e).role === 'public').map((e) => `${e.method} ${e.path}`)),
    cors: deps.cors ?? { kind: 'none' },
    trustProxy: deps.trustProxy ?? null,
    rateLimit: deps.rateLimit ? new RateLimit(deps.rateLimit) : null,
    bodyLimitBytes: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    extensions: appExtensions,
    refusalFor: (call, address) => refusalFor(call, context, address, mounted),
    draining: () => draining,
  };
  const ex = express();
  ex.disable('x-powered-by');
  ex.set('etag', false);
  ex.use(admission(context));
  ex.use((req, _res, next) => {
    req.url = stripDashboardPrefix(req.url);
    next();
  });
  ex.use(express.json({ limit: context.bodyLimitBytes, verify: (_req, _res, buf) => checkJsonDepth(buf) }));
  // Upstream's endpoints this build lacks come last, so an extension may implement one (the sandbox's
  // `/launch`) and win.
  ex.use(mountEndpoints([...mounted, ...unsupportedEndpoints], context));
  ex.use((req, _res, next) => {
    if (req.path === '/' || req.path.toLowerCase().startsWith('/dashboard')) labelEndpoint(req, 'dashboard');
    next();
  });
  ex.use(
    createDashboardRouter({
      builtDir: deps.dashboard?.builtDir ?? DEFAULT_DASHBOARD_DIR,
      officialDir: deps.dashboard?.officialDir ?? undefined,
      officialHtmlInjection: () => appExtensions.officialHtmlInjection(),
    }),
  );
  ex.use((req) => {
    throw new NotFoundError(`No endpoint ${req.method} ${req.path}.`, 'unknown_endpoint');
  });
  ex.use(errorBoundary);

  const fastPath = createFastPath(context, { status: findEndpoint('POST', '/status'), apiGet: findEndpoint('GET', '/api/get') });
  const observe = observeRequests(deps.metrics ?? null, deps.accessLog ?? null, (req) => clientAddress(req, context.trustProxy));
  // Answers in progress, so a stop can let them go out before it closes every connection.
  const inFlight = new Set<ServerResponse>();
  const onSettled = new Set<() => void>();
  const listener = ((req: IncomingMessage, res: ServerResponse) => {
    observe?.(req, res);
    if (draining) {
      // Whatever is answered now closes its connection: this server is going away.
      res.shouldKeepAlive = false;
      if (!answersWhileDraining(req)) {
        req.resume();
        writeReply(res, errorReply(new ServerDrainingError()), { Connection: 'close' });
        return;
      }
    }
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (!inFlight.size) for (const wake of onSettled) wake();
    });
    if (!fastPath(req, res)) ex(req, res);
  }) as SkyApp;
  listener.context = context;
  listener.startDraining = () => {
    draining = true;
  };
  listener.settled = (timeoutMs) =>
    new Promise<void>((resolve) => {
      if (!inFlight.size) return resolve();
      const done = () => {
        clearTimeout(timer);
        onSettled.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      onSettled.add(done);
    });
  listener.express = ex;
  listener.listen = (port: number, host?: string) => {
    const server = http.createServer(deps.serverTimeouts ?? SERVER_TIMEOUTS, listener);
    capConnectionsPerAddress(server, context.trustProxy);
    for (const hook of appExtensions.serverHooks) hook(server);
    return host ? server.listen(port, host) : server.listen(port);
  };
  return listener;
}
