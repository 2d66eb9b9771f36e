/**
 * Which program is calling, by what it declares in `X-SkyPilot-API-Version` and `X-SkyPilot-Version`.
 * The number alone does not tell: the official dashboard declares upstream's API version too (53 from
 * June 2026, with `dashboard;` as its version, connectors/constants.jsx), yet reads every answer as
 * JSON and never decodes a pickle. Upstream's own server gives both the same bytes; this one answers
 * each as it reads (src/api/objectEncoding.ts):
 * - `python`: the official Python client (and our typed client): a number and a version string;
 * - `dashboard`: the official dashboard: a number and a version starting with `dashboard`;
 * - `undeclared`: no number: scripts, curl, our own dashboard, official dashboards before API 53.
 */
type ClientKind = 'python' | 'dashboard' | 'undeclared';

/** What the official dashboard sends as `X-SkyPilot-Version` (`dashboard;`, any case). */
const DASHBOARD_VERSION_PREFIX = 'dashboard';

export function clientKind(declared: { clientApiVersion: number | null; clientVersion: string | null }): ClientKind {
  if (declared.clientApiVersion === null) return 'undeclared';
  return (declared.clientVersion ?? '').trim().toLowerCase().startsWith(DASHBOARD_VERSION_PREFIX) ? 'dashboard' : 'python';
}
