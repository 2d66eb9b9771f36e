/**
 * Cross-origin policy. The dashboard is served by this server (same origin) and the CLI is not a
 * browser, so by default no cross-origin access is granted. An operator who serves a dashboard from
 * another origin lists it (`SKYPILOT_CORS_ORIGINS=https://dash.example.com,...`): such an origin is
 * reflected with credentials allowed, as upstream does for its allowed origins. `*` allows any origin
 * but never with credentials (browsers refuse `*` with credentials, and reflecting any origin with
 * credentials would let any site act with a visitor's cookies).
 */
import { EXPOSED_HEADERS } from '../vocab/headers';

export type CorsPolicy = { kind: 'none' } | { kind: 'any' } | { kind: 'list'; origins: ReadonlySet<string> };

export function parseCorsOrigins(value: string | undefined): CorsPolicy {
  const items = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!items.length) return { kind: 'none' };
  if (items.includes('*')) return { kind: 'any' };
  for (const origin of items) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new Error(`SKYPILOT_CORS_ORIGINS: '${origin}' is not an origin like https://dashboard.example.com`);
    }
    if (parsed.origin !== origin.replace(/\/$/, '')) {
      throw new Error(`SKYPILOT_CORS_ORIGINS: '${origin}' is not an origin (scheme, host and port only)`);
    }
  }
  return { kind: 'list', origins: new Set(items.map((o) => o.replace(/\/$/, ''))) };
}

/** The CORS headers for a request from `origin` (none when the origin is not allowed). */
export function corsHeaders(policy: CorsPolicy, origin: string | undefined): Record<string, string> {
  if (!origin || policy.kind === 'none') return {};
  const exposed = EXPOSED_HEADERS.join(', ');
  if (policy.kind === 'any') return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': exposed };
  if (!policy.origins.has(origin)) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': exposed,
    Vary: 'Origin',
  };
}
