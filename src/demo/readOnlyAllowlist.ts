/**
 * What a demo visitor may do: an explicit list of (method, path) reads. Anything not listed is
 * refused, including endpoints added later. Reads that are POSTs in SkyPilot (`/status`, `/queue`,
 * `/logs`, ...) are listed by method. `/api/cancel`, every write and every sensitive read
 * (`/workspaces/config`, `/users/export`, token endpoints) are absent on purpose.
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
  ['GET', '/api/completion/cluster_name'],
  // Clusters and their jobs.
  ['POST', '/status'],
  ['POST', '/queue'],
  ['POST', '/job_status'],
  ['POST', '/logs'],
  ['POST', '/cost_report'],
  ['POST', '/cluster_events'],
  // Managed jobs.
  ['POST', '/jobs/queue'],
  ['POST', '/jobs/queue/v2'],
  ['POST', '/jobs/logs'],
  ['POST', '/jobs/pool_status'],
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
  // The dashboard's entry.
  ['GET', '/'],
  ['GET', '/dashboard'],
];

/** Static files: GET and HEAD only, anything under this prefix. */
export const STATIC_PREFIX = '/dashboard/';
