/** Cluster endpoints: `/status`, the lifecycle, cluster jobs and logs, cost report and events. */
import { z } from 'zod';
import { type Endpoint, scheduledEndpoint } from '../http/endpoint';
import { streamedRequestEndpoint } from '../http/streamedRequest';
import { streamText } from '../http/streamText';
import { baseBody, clusterName, jobId, optionalFlag, parseInput, queryBool } from '../http/validate';
import * as clusters from '../operations/clusters';
import { resolveCaller } from '../http/caller';
import { assertClusterInScope } from '../http/workspaceScope';
import { MAX_PATTERN_LENGTH } from '../state/clusterNamePattern';
import { CLUSTER_EVENT_TYPES, STATUS_REFRESH_MODES } from '../vocab/statuses';

const refresh = z.union([z.enum(STATUS_REFRESH_MODES), z.boolean()]).nullish();
const pattern = z.string().min(1).max(MAX_PATTERN_LENGTH, `at most ${MAX_PATTERN_LENGTH} characters`);

const statusBody = z.looseObject({
  ...baseBody,
  cluster_names: z.union([z.array(pattern).max(100), pattern]).nullish(),
  refresh,
  all_users: optionalFlag,
  include_credentials: optionalFlag,
  summary_response: optionalFlag,
  include_handle: optionalFlag,
});

const clusterBody = z.looseObject({ ...baseBody, cluster_name: clusterName, purge: optionalFlag });

const startBody = z.looseObject({
  ...baseBody,
  cluster_name: clusterName,
  idle_minutes_to_autostop: z.number().int().min(-1).nullish(),
  down: optionalFlag,
  retry_until_up: optionalFlag,
  force: optionalFlag,
});

const autostopBody = z.looseObject({
  ...baseBody,
  cluster_name: clusterName,
  idle_minutes: z.number().int().min(-1, 'idle_minutes must be -1 (off) or more'),
  down: optionalFlag,
});

const queueBody = z.looseObject({
  ...baseBody,
  cluster_name: clusterName,
  skip_finished: optionalFlag,
  all_users: optionalFlag,
});

const jobStatusBody = z.looseObject({ ...baseBody, cluster_name: clusterName, job_ids: z.array(jobId).max(1000).nullish() });

const logsBody = z.looseObject({
  ...baseBody,
  cluster_name: clusterName,
  job_id: jobId.nullish(),
  follow: optionalFlag,
  tail: z.number().int().nullish(),
});

const costReportBody = z.looseObject({
  ...baseBody,
  days: z.number().int().positive().nullish(),
  dashboard_summary_response: optionalFlag,
  cluster_hashes: z.array(z.string()).max(10_000).nullish(),
  cluster_names: z.array(z.string()).max(10_000).nullish(),
});

const eventsBody = z.looseObject({
  ...baseBody,
  cluster_name: z.string().max(255).nullish(),
  cluster_hash: z.string().max(255).nullish(),
  event_type: z.enum(CLUSTER_EVENT_TYPES).nullish(),
  include_timestamps: optionalFlag,
  limit: z.number().int().positive().nullish(),
});

const cancelBody = z.looseObject({
  ...baseBody,
  cluster_name: clusterName,
  job_ids: z.array(jobId).max(1000).nullish(),
  all: optionalFlag,
  all_users: optionalFlag,
  try_cancel_if_cluster_is_init: optionalFlag,
});

const endpointsBody = z.looseObject({
  ...baseBody,
  cluster: clusterName,
  port: z.union([z.number().int().min(1).max(65535), z.string().regex(/^\d{1,5}$/)]).nullish(),
});

const provisionLogsBody = z.looseObject({ ...baseBody, cluster_name: clusterName, worker: z.number().int().min(0).nullish() });
const provisionLogsQuery = z.looseObject({ follow: queryBool.nullish(), tail: z.coerce.number().int().min(0).nullish() });

const downloadLogsBody = z.looseObject({
  ...baseBody,
  cluster_name: clusterName,
  job_ids: z
    .array(z.union([z.string().max(32), z.number().int()]).transform(String))
    .max(1000)
    .nullish(),
  local_dir: z.string().max(4096).nullish(),
});

const byName = (b: { cluster_name: string }) => b.cluster_name;

export const statusSpec = {
  role: 'viewer',
  name: 'sky.status',
  effect: 'read',
  schema: statusBody,
  run: clusters.status,
  fromSnapshot: clusters.statusFromSnapshot,
} as const;

export const clusterEndpoints: Endpoint[] = [
  scheduledEndpoint('POST', '/status', statusSpec),
  scheduledEndpoint('POST', '/stop', { name: 'sky.stop', effect: 'write', schema: clusterBody, clusterName: byName, run: clusters.stop }),
  scheduledEndpoint('POST', '/down', { name: 'sky.down', effect: 'write', schema: clusterBody, clusterName: byName, run: clusters.down }),
  scheduledEndpoint('POST', '/start', {
    name: 'sky.start',
    effect: 'write',
    schema: startBody,
    scheduleType: 'long',
    clusterName: byName,
    run: clusters.start,
  }),
  scheduledEndpoint('POST', '/autostop', {
    name: 'sky.autostop',
    effect: 'write',
    schema: autostopBody,
    clusterName: byName,
    run: clusters.autostop,
  }),
  scheduledEndpoint('POST', '/queue', {
    role: 'viewer',
    name: 'sky.queue',
    effect: 'read',
    schema: queueBody,
    clusterName: byName,
    run: clusters.queue,
  }),
  scheduledEndpoint('POST', '/job_status', {
    role: 'viewer',
    name: 'sky.job_status',
    effect: 'read',
    schema: jobStatusBody,
    clusterName: byName,
    run: clusters.jobStatus,
  }),
  // Streams the job's log in the POST response, as SkyPilot's `/logs` does, behind a stored request.
  streamedRequestEndpoint('/logs', { role: 'viewer', name: 'sky.logs', schema: logsBody, clusterName: byName, produce: clusters.jobLog }),
  scheduledEndpoint('POST', '/cost_report', {
    role: 'viewer',
    name: 'sky.cost_report',
    effect: 'read',
    schema: costReportBody,
    run: clusters.costReport,
  }),
  scheduledEndpoint('POST', '/cancel', {
    name: 'sky.cancel',
    effect: 'write',
    schema: cancelBody,
    clusterName: byName,
    run: clusters.cancel,
  }),
  scheduledEndpoint('POST', '/endpoints', {
    role: 'viewer',
    name: 'sky.endpoints',
    effect: 'read',
    schema: endpointsBody,
    clusterName: (b) => b.cluster,
    run: clusters.endpoints,
  }),
  scheduledEndpoint('POST', '/download_logs', {
    role: 'viewer',
    name: 'sky.download_logs',
    effect: 'read',
    schema: downloadLogsBody,
    clusterName: byName,
    run: clusters.downloadLogs,
  }),
  {
    // A plain stream with no request behind it, as upstream's (the CLI passes no request id).
    method: 'POST',
    path: '/provision_logs',
    role: 'viewer',
    effect: 'read',
    stream: async (call, app, res) => {
      const body = parseInput(provisionLogsBody, call.body);
      const query = parseInput(provisionLogsQuery, call.query, 'query');
      await assertClusterInScope(body.cluster_name, await resolveCaller(call, app), true);
      streamText(res, await clusters.provisionLog({ ...body, tail: query.tail ?? 0 }));
    },
  },
  scheduledEndpoint('POST', '/cluster_events', {
    role: 'viewer',
    name: 'sky.cluster_events',
    effect: 'read',
    schema: eventsBody,
    run: clusters.clusterEvents,
  }),
];
