/**
 * What a demo visitor may do: an explicit list of (method, path) reads. Anything not listed is
 * refused, including endpoints added later. Reads that are POSTs in SkyPilot (`/status`, `/queue`,
 * `/logs`, ...) are listed by method. `/api/cancel`, every write and every sensitive read
 * (`/users/export`, token endpoints) are absent on purpose. `GET /workspaces/config` is listed: the
 * demo's config is a fixture that cannot hold secrets (fixtureSchema.ts refuses them).
 */
export const ALLOWED_READS: ReadonlyArray<readonly ['GET' | 'POST', string]> = [
  // The protocol itself, and the load balancer's probes.
  ['GET', '/api/health'],
  ['GET', '/healthz'],
  ['GET', '/readyz'],
  ['GET', '/api/get'],
  ['GET', '/api/status'],
  ['GET', '/api/stream'],
  ['GET', '/api/plugins'],
  ['GET', '/dashboard_config'],
  ['GET', '/api/completion/cluster_name'],
  // Clusters and their jobs.
  ['POST', '/status'],
  ['POST', '/queue'],
  ['POST', '/job_status'],
  ['POST', '/logs'],
  ['POST', '/cost_report'],
  ['POST', '/cluster_events'],
  ['POST', '/endpoints'],
  ['POST', '/provision_logs'],
  ['POST', '/download_logs'],
  ['POST', '/download'],
  // Managed jobs.
  ['POST', '/jobs/queue'],
  ['POST', '/jobs/queue/v2'],
  ['POST', '/jobs/logs'],
  ['POST', '/jobs/pool_status'],
  ['POST', '/jobs/download_logs'],
  ['POST', '/serve/status'],
  // Infrastructure, users, workspaces, volumes.
  ['GET', '/enabled_clouds'],
  ['GET', '/enabled_clouds/batch'],
  ['GET', '/all_contexts'],
  ['POST', '/kubernetes_node_info'],
  ['POST', '/realtime_kubernetes_gpu_availability'],
  ['POST', '/slurm_gpu_availability'],
  ['POST', '/slurm_node_info'],
  ['GET', '/ssh_node_pools'],
  ['GET', '/volumes'],
  ['GET', '/users'],
  ['GET', '/users/role'],
  ['GET', '/workspaces'],
  ['GET', '/workspaces/config'],
  ['POST', '/check'],
  ['POST', '/list_accelerators'],
  ['POST', '/list_accelerator_counts'],
  ['GET', '/storage/ls'],
  ['POST', '/recipes/list'],
  ['POST', '/recipes/get'],
  // Upstream reads this build lacks: their handler only records a request that failed with
  // NotSupportedError (src/routes/unsupportedRoutes.ts), so the demo says what the nightly says
  // instead of calling a read a change.
  ['GET', '/status_kubernetes'],
  ['POST', '/jobs/pool_logs'],
  ['POST', '/jobs/pool_sync-down-logs'],
  ['POST', '/serve/logs'],
  ['POST', '/serve/sync-down-logs'],
  // The dashboard's entry, the icon every page asks for, and the Grafana probe (answered 404:
  // there is no Grafana, and any 200 would make the official dashboard embed one).
  ['GET', '/'],
  ['GET', '/dashboard'],
  ['GET', '/favicon.ico'],
  ['GET', '/grafana/api/health'],
];

/** Static files: GET and HEAD only, anything under this prefix. */
export const STATIC_PREFIX = '/dashboard/';
