/**
 * One endpoint table decides. Every endpoint, the extensions' included, declares its effect and the
 * role it needs; the demo's read-only list and the viewer role's list are one list derived from the
 * table; the sessions' lists name only what the table says they are. And that one list is held to
 * upstream's viewer allowlist (`_DEFAULT_VIEWER_ALLOWLIST` in sky/users/rbac.py, PR #9681), entry by
 * entry, each difference with its reason.
 */
import { appExtensions } from '../../src/appExtensions';
import { ALLOWED_READS, DASHBOARD_PAGES, DEMO_ONLY_READS, VIEWER_ENDPOINTS, VIEWER_READS } from '../../src/demo/readOnlyAllowlist';
import { SESSION_API, SESSION_WRITES } from '../../src/sessions/sessionAllowlist';
import { accessOf, type Endpoint } from '../../src/http/endpoint';
import { ALL_ENDPOINTS } from '../../src/routes/endpoints';
import { unsupportedEndpoints } from '../../src/routes/unsupportedRoutes';
import { startSandboxApp, type SandboxApp } from '../sandbox/sandboxApp';

const key = (e: { method: string; path: string }) => `${e.method} ${e.path}`;

/** Upstream's viewer allowlist (zpoint/skypilot 059757f, sky/users/rbac.py), as method and path. */
const UPSTREAM_VIEWER = [
  'GET /users/role',
  'GET /users/me/workspace',
  'GET /token',
  'GET /auth/authorize',
  'POST /status',
  'POST /endpoints',
  'POST /cost_report',
  'POST /cluster_events',
  'POST /queue',
  'POST /job_status',
  'POST /logs',
  'POST /download_logs',
  'POST /download',
  'POST /provision_logs',
  'POST /hook_logs',
  'POST /jobs/queue',
  'POST /jobs/queue/v2',
  'POST /jobs/wait',
  'POST /jobs/logs',
  'POST /jobs/download_logs',
  'POST /jobs/pool_status',
  'POST /jobs/pool_logs',
  'POST /jobs/pool_sync-down-logs',
  'POST /jobs/events',
  'POST /serve/status',
  'POST /serve/logs',
  'POST /serve/sync-down-logs',
  'GET /workspaces',
  'GET /volumes',
  'POST /volumes/validate',
  'GET /recipes',
  'POST /recipes/list',
  'POST /recipes/get',
  'GET /ssh_node_pools',
  'GET /ssh_node_pools/:pool_name/status',
  'GET /enabled_clouds',
  'GET /enabled_clouds/batch',
  'POST /realtime_kubernetes_gpu_availability',
  'POST /kubernetes_node_info',
  'POST /slurm_gpu_availability',
  'GET /slurm_node_info',
  'POST /slurm_node_info',
  'GET /status_kubernetes',
  'GET /all_contexts',
  'POST /list_accelerators',
  'POST /list_accelerator_counts',
  'POST /validate',
  'POST /optimize',
  'GET /users',
  'GET /users/service-account-tokens',
  'GET /storage/ls',
  'GET /upload_v2/blob',
  'POST /debug/dump_create',
  'GET /dashboard/*',
  'GET /dashboard_config',
  'GET /api/v1/auth/token',
  'GET /api/plugins',
];

const NOT_SERVED = 'not served by this build (404 for everyone), so nothing to allow';
/** Every entry on one list and not the other, and why. */
const DIFFERENCES: Record<string, string> = {
  // Upstream's, not ours.
  'GET /token': `${NOT_SERVED}: no browser login flow here, the proxy authenticates`,
  'GET /auth/authorize': `${NOT_SERVED}: no browser login flow here, the proxy authenticates`,
  'POST /volumes/validate': NOT_SERVED,
  'GET /recipes': NOT_SERVED,
  'GET /ssh_node_pools/:pool_name/status': NOT_SERVED,
  'GET /slurm_node_info': `${NOT_SERVED} as GET; the POST is on both lists`,
  'GET /upload_v2/blob': `${NOT_SERVED}: nothing is uploaded to a server that runs no task`,
  'POST /debug/dump_create': `${NOT_SERVED}; a debug dump is not something to hand a demo visitor either`,
  'GET /dashboard/*': 'the dashboard files: allowed by prefix (STATIC_PREFIX), not as a table entry',
  'POST /validate':
    'the first step of `sky launch`/`sky exec`, which this build does not run: it answers as the launch it precedes, refused to viewers as upstream refuses them the launch',
  'POST /optimize': 'the second step of `sky launch`: as /validate',
  // Ours, not upstream's.
  'GET /healthz': "our liveness probe; public, as upstream's /api/health",
  'GET /readyz': 'our readiness probe; public',
  'GET /api/health': 'upstream exempts /api/ from RBAC; public here, for clients to learn the version before they log in',
  'GET /api/get': "upstream exempts /api/ from RBAC; a caller only ever gets its own requests' results",
  'GET /api/status': 'upstream exempts /api/ from RBAC; a caller only lists its own requests',
  'GET /api/stream': "upstream exempts /api/ from RBAC; a caller only streams its own requests' logs",
  'GET /api/completion/cluster_name': 'upstream exempts /api/ from RBAC; cluster names, which /status shows a viewer anyway',
  'POST /check': 'here it reports the enabled clouds as stored and changes nothing (upstream re-checks credentials and writes)',
  'GET /': 'the dashboard entry (a redirect); upstream serves it under /dashboard/*',
  'GET /dashboard': 'the dashboard entry; upstream serves it under /dashboard/*',
  'GET /favicon.ico': 'the icon every page asks for; upstream serves it under /dashboard/*',
  'GET /grafana/api/health': 'answered 404 (no Grafana here); upstream proxies Grafana for its dashboard',
};

let sandbox: SandboxApp;
let extensionEndpoints: readonly Endpoint[];
beforeAll(async () => {
  sandbox = await startSandboxApp();
  extensionEndpoints = appExtensions.endpoints;
});
afterAll(async () => sandbox.close());

const table = () => [...ALL_ENDPOINTS, ...extensionEndpoints, ...unsupportedEndpoints];

describe('the endpoint table', () => {
  it('has extension endpoints to check (the sandbox is installed)', () => {
    expect(extensionEndpoints.map(key)).toEqual(expect.arrayContaining(['POST /demo/session', 'POST /launch']));
  });

  it('every endpoint declares an effect and a role', () => {
    const bad = table().filter((e) => {
      const { effect, role } = accessOf(e);
      return !['read', 'write'].includes(effect) || !['public', 'viewer', 'user', 'admin'].includes(role);
    });
    expect(bad.map(key)).toEqual([]);
  });

  it('an endpoint is one entry: no method and path twice (an extension may replace an unsupported one)', () => {
    const own = [...ALL_ENDPOINTS, ...extensionEndpoints].map(key);
    expect(own.filter((k, i) => own.indexOf(k) !== i)).toEqual([]);
  });

  it('what viewers and the public may call only reads', () => {
    const writes = table().filter((e) => ['viewer', 'public'].includes(accessOf(e).role) && accessOf(e).effect === 'write');
    // The visitor's own session (create, extend, reset, end) is the one write any visitor makes.
    expect(writes.map(key).filter((k) => !SESSION_API.some((s) => key({ method: s[0], path: s[1] }) === k))).toEqual([]);
  });

  it('user and workspace management needs an admin, as upstream blocks them for users', () => {
    for (const k of [
      'POST /users/create',
      'POST /users/delete',
      'POST /workspaces/create',
      'POST /workspaces/update',
      'POST /workspaces/delete',
      'POST /workspaces/config',
    ]) {
      const entry = ALL_ENDPOINTS.find((e) => key(e) === k);
      expect([k, entry && accessOf(entry).role]).toEqual([k, 'admin']);
    }
  });
});

describe('the allowlists are the table', () => {
  it("the viewer list is the table's viewer and public entries and the dashboard pages", () => {
    const fromTable = table()
      .filter((e) => ['viewer', 'public'].includes(accessOf(e).role) && !SESSION_API.some(([m, p]) => key(e) === `${m} ${p}`))
      .map(key);
    expect(VIEWER_READS.map(([m, p]) => `${m} ${p}`).sort()).toEqual(
      [...fromTable, ...DASHBOARD_PAGES.map(([m, p]) => `${m} ${p}`)].sort(),
    );
    expect(VIEWER_ENDPOINTS.length + DASHBOARD_PAGES.length).toBe(VIEWER_READS.length);
  });

  it("the demo's read-only list is the viewer list and its own reads, which are reads of the table", () => {
    expect(ALLOWED_READS).toEqual([...VIEWER_READS, ...DEMO_ONLY_READS]);
    const byKey = new Map(table().map((e) => [key(e), e] as const));
    for (const [m, p] of DEMO_ONLY_READS) {
      const entry = byKey.get(`${m} ${p}`);
      expect([`${m} ${p}`, entry && accessOf(entry).effect]).toEqual([`${m} ${p}`, 'read']);
    }
  });

  it('every session write is a write of the table, and every session endpoint one any visitor may call', () => {
    const byKey = new Map(table().map((e) => [key(e), e] as const));
    for (const [m, p] of SESSION_WRITES) {
      const entry = byKey.get(`${m} ${p}`);
      expect([`${m} ${p}`, entry && accessOf(entry).effect]).toEqual([`${m} ${p}`, 'write']);
    }
    for (const [m, p] of SESSION_API) {
      const entry = byKey.get(`${m} ${p}`);
      expect([`${m} ${p}`, entry && accessOf(entry).role]).toEqual([`${m} ${p}`, 'viewer']);
    }
  });
});

describe("our viewer list against upstream's", () => {
  const ours = new Set(VIEWER_READS.map(([m, p]) => `${m} ${p}`));
  const upstream = new Set(UPSTREAM_VIEWER);

  it.each(UPSTREAM_VIEWER)("upstream's %s: ours too, or a reason", (entry) => {
    expect(ours.has(entry) || DIFFERENCES[entry] !== undefined).toBe(true);
  });

  it.each([...ours])('our %s: upstream has it too, or a reason', (entry) => {
    expect(upstream.has(entry) || DIFFERENCES[entry] !== undefined).toBe(true);
  });

  it('gives no reason for an entry both lists have, nor for one neither has', () => {
    const stale = Object.keys(DIFFERENCES).filter((k) => ours.has(k) === upstream.has(k));
    expect(stale).toEqual([]);
  });

  it("keeps upstream's deliberate exclusions: the server config and SSH keys are not a viewer's", () => {
    expect(ours.has('GET /workspaces/config')).toBe(false);
    expect([...ours].some((k) => k.includes('/ssh_node_pools/keys'))).toBe(false);
  });
});
