/**
 * The API app: SkyPilot's REST protocol over the state seams. `createApp` takes its dependencies
 * (request store, executor, settings); state is reached through `globalUserState` and its sibling
 * seams only.
 *
 * Order matters: extension middleware first (before CORS, body parsing and routing, so it sees every
 * request unparsed), then CORS and version headers, the `/internal/dashboard` prefix, the JSON body
 * parser, routes, the dashboard, the JSON 404, and the error boundary last.
 */
import express, { type Express } from 'express';
import path from 'node:path';
import { appExtensions } from './appExtensions';
import { createDashboardRouter } from './dashboard/dashboardRouter';
import { NotFoundError } from './errors';
import type { AppContext } from './http/appContext';
import { errorBoundary } from './http/errorBoundary';
import { protocolHeaders, stripDashboardPrefix } from './http/protocolHeaders';
import { RequestExecutor } from './requests/executor';
import type { RequestStore } from './requests/requestStore';
import { apiRoutes } from './routes/apiRoutes';
import { clusterRoutes } from './routes/clusterRoutes';
import { infraRoutes } from './routes/infraRoutes';
import { jobsRoutes } from './routes/jobsRoutes';
import { userRoutes } from './routes/userRoutes';
import { workspaceRoutes } from './routes/workspaceRoutes';

export interface AppDeps {
  requests: RequestStore;
  executor?: RequestExecutor;
  getTimeoutMs?: number;
  /** express.json limit; larger bodies get 413. */
  bodyLimit?: string;
  /** Trusted proxy header naming the authenticated user (SkyPilot's `SKYPILOT_AUTH_USER_HEADER`). */
  authUserHeader?: string | null;
  dashboard?: { builtDir: string; officialDir?: string | null };
}

export const DEFAULT_DASHBOARD_DIR = path.resolve(__dirname, '..', '..', 'dist', 'dashboard');

export function createApp(deps: AppDeps): Express & { locals: { context: AppContext } } {
  const context: AppContext = {
    store: deps.requests,
    executor: deps.executor ?? new RequestExecutor(deps.requests),
    getTimeoutMs: deps.getTimeoutMs ?? 60_000,
    authUserHeader: deps.authUserHeader ?? null,
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.locals.context = context;

  for (const middleware of appExtensions.firstMiddleware) app.use(middleware);
  app.use(protocolHeaders);
  app.use(stripDashboardPrefix);
  app.use(express.json({ limit: deps.bodyLimit ?? '1mb' }));

  app.use(apiRoutes(context));
  app.use(clusterRoutes(context));
  app.use(infraRoutes(context));
  app.use(jobsRoutes(context));
  app.use(userRoutes(context));
  app.use(workspaceRoutes(context));
  app.use(createDashboardRouter({
    builtDir: deps.dashboard?.builtDir ?? DEFAULT_DASHBOARD_DIR,
    officialDir: deps.dashboard?.officialDir ?? undefined,
  }));

  app.use((req) => {
    throw new NotFoundError(`No endpoint ${req.method} ${req.path}.`, 'unknown_endpoint');
  });
  app.use(errorBoundary);
  return app as Express & { locals: { context: AppContext } };
}
