/**
 * Headers every answer carries, and the dashboard prefix. CORS allows any origin and exposes the
 * request-id headers (the dashboard reads them); every response carries the server's version pair,
 * which SkyPilot clients check. Client version headers are accepted, never required.
 */
import type { RequestHandler } from 'express';
import { API_VERSION, VERSION } from '../version';

export const DASHBOARD_API_PREFIX = '/internal/dashboard';

export const protocolHeaders: RequestHandler = (req, res, next) => {
  const origin = req.get('Origin');
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Access-Control-Expose-Headers',
    'X-Skypilot-Request-ID, X-Request-ID, X-SkyPilot-API-Version, X-SkyPilot-Version, X-SkyPilot-Stream-Request-ID');
  res.setHeader('X-SkyPilot-API-Version', String(API_VERSION));
  res.setHeader('X-SkyPilot-Version', VERSION);
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', req.get('Access-Control-Request-Headers') ?? 'Content-Type');
    res.status(204).end();
    return;
  }
  next();
};

/** `/internal/dashboard/<rest>` is handled exactly as `/<rest>`, as upstream does. */
export const stripDashboardPrefix: RequestHandler = (req, _res, next) => {
  const lower = req.url.toLowerCase();
  if (lower === DASHBOARD_API_PREFIX || lower.startsWith(`${DASHBOARD_API_PREFIX}/`) || lower.startsWith(`${DASHBOARD_API_PREFIX}?`)) {
    const rest = req.url.slice(DASHBOARD_API_PREFIX.length);
    req.url = rest.startsWith('/') ? rest : `/${rest}`;
  }
  next();
};
