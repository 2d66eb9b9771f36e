/**
 * Probes for a load balancer or Kubernetes: liveness (`/healthz`: the process answers) and readiness
 * (`/readyz`: both stores answer a cheap query and the server is not shutting down). Readiness fails
 * with 503 so a balancer stops sending traffic to a replica that is draining or has lost its
 * database, while liveness keeps it from being killed for that.
 */
import type { Endpoint } from '../http/endpoint';
import { globalUserState } from '../state/globalUserState';

export const probeEndpoints: Endpoint[] = [
  { method: 'GET', path: '/healthz', role: 'public', effect: 'read', direct: () => ({ status: 200, json: { status: 'ok' } }) },
  {
    method: 'GET',
    path: '/readyz',
    role: 'public',
    effect: 'read',
    direct: async (_call, app) => {
      if (app.draining()) return { status: 503, json: { status: 'draining' } };
      const checks = await Promise.allSettled([globalUserState.ping(), app.store.db.ping()]);
      const failed = checks.map((c, i) => (c.status === 'rejected' ? ['state', 'requests'][i] : null)).filter(Boolean);
      return failed.length ? { status: 503, json: { status: 'unavailable', failed } } : { status: 200, json: { status: 'ready' } };
    },
  },
];
