/** Managed-job endpoints: the queue (legacy list and paged v2), cancel, logs, pools. */
import { z } from 'zod';
import { type Endpoint, scheduledEndpoint } from '../http/endpoint';
import { streamedRequestEndpoint } from '../http/streamedRequest';
import { baseBody, jobId, optionalFlag } from '../http/validate';
import * as managedJobs from '../operations/managedJobs';
import { MANAGED_JOB_STATUSES } from '../vocab/statuses';

const queueBody = z.looseObject({
  ...baseBody,
  refresh: optionalFlag,
  skip_finished: optionalFlag,
  all_users: optionalFlag,
  job_ids: z.array(jobId).max(1000).nullish(),
  user_match: z.string().max(256).nullish(),
  workspace_match: z.string().max(256).nullish(),
  name_match: z.string().max(256).nullish(),
  pool_match: z.string().max(256).nullish(),
  page: z.number().int().positive().nullish(),
  limit: z.number().int().positive().max(1000).nullish(),
  statuses: z.array(z.enum(MANAGED_JOB_STATUSES)).max(100).nullish(),
  fields: z.array(z.string().max(64)).max(100).nullish(),
});

const cancelBody = z.looseObject({
  ...baseBody,
  name: z.string().max(256).nullish(),
  job_ids: z.array(jobId).max(1000).nullish(),
  all: optionalFlag,
  all_users: optionalFlag,
  pool: z.string().nullish(),
});

const logsBody = z.looseObject({
  ...baseBody,
  name: z.string().max(256).nullish(),
  job_id: jobId.nullish(),
  follow: optionalFlag,
  controller: optionalFlag,
  refresh: optionalFlag,
  tail: z.number().int().nullish(),
});

export const jobsEndpoints: Endpoint[] = [
  scheduledEndpoint('POST', '/jobs/queue', {
    role: 'viewer',
    name: 'sky.jobs.queue',
    effect: 'read',
    schema: queueBody,
    run: managedJobs.queue,
  }),
  scheduledEndpoint('POST', '/jobs/queue/v2', {
    role: 'viewer',
    name: 'sky.jobs.queue_v2',
    effect: 'read',
    schema: queueBody,
    run: managedJobs.queueV2,
  }),
  scheduledEndpoint('POST', '/jobs/cancel', { name: 'sky.jobs.cancel', effect: 'write', schema: cancelBody, run: managedJobs.cancel }),
  streamedRequestEndpoint('/jobs/logs', { role: 'viewer', name: 'sky.jobs.logs', schema: logsBody, produce: managedJobs.jobLog }),
  scheduledEndpoint('POST', '/jobs/download_logs', {
    role: 'viewer',
    name: 'sky.jobs.download_logs',
    effect: 'read',
    schema: z.looseObject({
      ...baseBody,
      name: z.string().max(256).nullish(),
      job_id: jobId.nullish(),
      refresh: optionalFlag,
      controller: optionalFlag,
      local_dir: z.string().max(4096).nullish(),
    }),
    run: managedJobs.downloadLogs,
  }),
  // This build runs no pools or services: both listings are empty, which the CLI prints as "none".
  scheduledEndpoint('POST', '/jobs/pool_status', {
    role: 'viewer',
    name: 'sky.jobs.pool_status',
    effect: 'read',
    schema: z.looseObject({ ...baseBody, pool_names: z.union([z.array(z.string()), z.string()]).nullish() }),
    run: async () => [],
  }),
];
