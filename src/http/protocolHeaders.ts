/**
 * Headers every answer carries: the server's version pair, which SkyPilot clients check, and the
 * CORS headers the policy grants. Preflights (`OPTIONS`) are answered here. Also the dashboard
 * prefix: `/internal/dashboard/<rest>` is handled exactly as `/<rest>`, as upstream does.
 */
import { HEADERS } from '../vocab/headers';
import { API_VERSION, MIN_COMPATIBLE_API_VERSION, parseApiVersion, VERSION } from '../vocab/versions';
import { type CorsPolicy, corsHeaders } from './cors';
import { header, type HttpCall, type HttpReply } from './httpCall';

export const DASHBOARD_API_PREFIX = '/internal/dashboard';

const VERSION_HEADERS = { [HEADERS.apiVersion]: String(API_VERSION), [HEADERS.version]: VERSION };

export function protocolHeadersFor(call: Pick<HttpCall, 'headers'>, cors: CorsPolicy): Record<string, string> {
  const origin = header(call, 'origin');
  return origin ? { ...corsHeaders(cors, origin), ...VERSION_HEADERS } : VERSION_HEADERS;
}

/**
 * Upstream's version check at the server (`check_compatibility_at_server`): a client declaring both
 * version headers with an API version below the minimum gets a 400 `{error: 'version_mismatch',
 * message}`, which its `get_api_server_status` prints. A request without the headers (scripts, old
 * dashboards) is not checked, as upstream does.
 */
export function versionMismatchReply(call: Pick<HttpCall, 'headers'>): HttpReply | null {
  const declared = header(call, HEADERS.apiVersion);
  const version = header(call, HEADERS.version);
  if (declared === undefined || version === undefined) return null;
  const apiVersion = parseApiVersion(declared);
  if (apiVersion === undefined || apiVersion >= MIN_COMPATIBLE_API_VERSION) return null;
  return {
    status: 400,
    json: {
      error: 'version_mismatch',
      message:
        `Your SkyPilot client version is too old: ${version.slice(0, 64)}\n` +
        `The server is running on ${VERSION} and the minimum compatible API version is ${MIN_COMPATIBLE_API_VERSION}.\n` +
        'Upgrade your client with:\npip install -U skypilot-nightly',
    },
  };
}

/** The preflight answer, or null when the request is not a preflight. */
export function preflightReply(call: Pick<HttpCall, 'method' | 'headers'>, cors: CorsPolicy): HttpReply | null {
  if (call.method !== 'OPTIONS') return null;
  const granted = corsHeaders(cors, header(call, 'origin'))['Access-Control-Allow-Origin'] !== undefined;
  return {
    status: 204,
    headers: granted
      ? {
          'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
          'Access-Control-Allow-Headers': header(call, 'access-control-request-headers') ?? 'Content-Type',
          'Access-Control-Max-Age': '600',
        }
      : {},
  };
}

/** The path as routes see it: the dashboard prefix removed (any case, as Express routes). */
export function stripDashboardPrefix(url: string): string {
  const lower = url.toLowerCase();
  if (lower === DASHBOARD_API_PREFIX || lower.startsWith(`${DASHBOARD_API_PREFIX}/`) || lower.startsWith(`${DASHBOARD_API_PREFIX}?`)) {
    const rest = url.slice(DASHBOARD_API_PREFIX.length);
    return rest.startsWith('/') ? rest : `/${rest}`;
  }
  return url;
}
