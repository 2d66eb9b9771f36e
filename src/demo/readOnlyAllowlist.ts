/**
 * What a demo visitor may do: every visitor is a viewer, and nothing else is allowed. The list is
 * derived from the endpoint table (src/routes/endpoints.ts and the unsupported endpoints): every
 * entry a viewer may call, which a structure test holds to be reads only and compares with
 * upstream's viewer allowlist entry by entry. Anything not listed is refused, including endpoints
 * added later without `role: 'viewer'`. Reads that are POSTs in SkyPilot (`/status`, `/queue`, `/logs`,
 * ...) are listed by method. `/api/cancel` and every write are absent because the table says so; the
 * server config, which the table keeps from viewers as upstream does, is a read the demo adds
 * (DEMO_ONLY_READS).
 */
import { accessOf } from '../http/endpoint';
import { ALL_ENDPOINTS } from '../routes/endpoints';
import { unsupportedEndpoints } from '../routes/unsupportedRoutes';

/**
 * Not endpoints of the table: the dashboard's entry, the icon every page asks for, and the Grafana
 * probe (answered 204: there is no Grafana, a 200 would make the official dashboard embed one, and a
 * 404 is logged in the browser's console).
 * Upstream's viewer list has them as `GET /dashboard/*`.
 */
export const DASHBOARD_PAGES: ReadonlyArray<readonly ['GET', string]> = [
  ['GET', '/'],
  ['GET', '/dashboard'],
  ['GET', '/favicon.ico'],
  ['GET', '/grafana/api/health'],
];

/** The table's entries a viewer may call (probes included), as method and path. */
export const VIEWER_ENDPOINTS: ReadonlyArray<readonly ['GET' | 'POST', string]> = [...ALL_ENDPOINTS, ...unsupportedEndpoints]
  .filter((e) => {
    const { role } = accessOf(e);
    return role === 'viewer' || role === 'public';
  })
  .map((e) => [e.method as 'GET' | 'POST', e.path] as const);

/** What a viewer may call: the table's viewer entries and the dashboard's pages (held to upstream's list). */
export const VIEWER_READS: ReadonlyArray<readonly ['GET' | 'POST', string]> = [...VIEWER_ENDPOINTS, ...DASHBOARD_PAGES];

/**
 * Reads the demo allows beyond a viewer's. The server config (`GET /workspaces/config`): upstream
 * keeps it from viewers for its secrets, but the demo's config may hold none (a secret-looking key
 * fails the fixture load, src/demo/fixtureSchema.ts) and the answer is redacted anyway; the official
 * dashboard's settings page reads it on load without asking the role first, and a refusal is four
 * console errors and an error box on that page.
 */
export const DEMO_ONLY_READS: ReadonlyArray<readonly ['GET' | 'POST', string]> = [['GET', '/workspaces/config']];

export const ALLOWED_READS: ReadonlyArray<readonly ['GET' | 'POST', string]> = [...VIEWER_READS, ...DEMO_ONLY_READS];

/** Static files: GET and HEAD only, anything under this prefix. */
export const STATIC_PREFIX = '/dashboard/';
