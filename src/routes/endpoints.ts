/** Every API endpoint, as one table: the Express router and the lean path both read it. */
import type { Endpoint } from '../http/endpoint';
import { apiEndpoints } from './apiRoutes';
import { clusterEndpoints } from './clusterRoutes';
import { dashboardConfigEndpoints } from './dashboardConfigRoutes';
import { infraEndpoints } from './infraRoutes';
import { downloadEndpoints } from './downloadRoutes';
import { jobsEndpoints } from './jobsRoutes';
import { newerApiEndpoints } from './newerApiRoutes';
import { probeEndpoints } from './probeRoutes';
import { recipeEndpoints } from './recipeRoutes';
import { serveEndpoints } from './serveRoutes';
import { serviceAccountEndpoints } from './serviceAccountRoutes';
import { userEndpoints } from './userRoutes';
import { workspaceEndpoints } from './workspaceRoutes';

export const ALL_ENDPOINTS: readonly Endpoint[] = [
  ...probeEndpoints,
  ...apiEndpoints,
  ...clusterEndpoints,
  ...infraEndpoints,
  ...jobsEndpoints,
  ...userEndpoints,
  ...serviceAccountEndpoints,
  ...workspaceEndpoints,
  ...recipeEndpoints,
  ...serveEndpoints,
  ...downloadEndpoints,
  ...newerApiEndpoints,
  ...dashboardConfigEndpoints,
];

export function findEndpoint(method: string, path: string): Endpoint {
  const endpoint = ALL_ENDPOINTS.find((e) => e.method === method && e.path === path);
  if (!endpoint) throw new Error(`no endpoint ${method} ${path}`);
  return endpoint;
}
