/** Managed jobs: the queue (legacy list and paged v2), cancel, logs, pools (none in this build). */
import { Router } from 'express';
import { z } from 'zod';
import { toManagedJobRecord } from '../api/wireRecords';
import type { ManagedJobRecord } from '../api/wireTypes';
import { HttpError, SkyPilotError } from '../errors';
import type { AppContext } from '../http/appContext';
import { scheduled } from '../http/scheduled';
import { streamText, tailLines } from '../http/streamText';
import { baseBody, jobId, parseInput } from '../http/validate';
import { MANAGED_JOB_STATUSES, TERMINAL_MANAGED_JOB_STATUSES } from '../state/clusterStatus';
import { managedJobsState } from '../state/managedJobsState';

const queueBody = z.looseObject({
  ...baseBody,
  refresh: z.boolean().nullish(),
  skip_finished: z.boolean().nullish(),
  all_users: z.boolean().nullish(),
  job_ids: z.array(jobId).nullish(),
  user_match: z.string().nullish(),
  workspace_match: z.string().nullish(),
  name_match: z.string().nullish(),
  pool_match: z.string().nullish(),
  page: z.number().int().positive().nullish(),
  limit: z.number().int().positive().max(1000).nullish(),
  statuses: z.array(z.enum(MANAGED_JOB_STATUSES as unknown as [string, ...string[]])).nullish(),
  fields: z.array(z.string()).nullish(),
});

const cancelBody = z.looseObject({
  ...baseBody,
  name: z.string().nullish(),
  job_ids: z.array(jobId).nullish(),
  all: z.boolean().nullish(),
  all_users: z.boolean().nullish(),
  pool: z.string().nullish(),
});

const logsBody = z.looseObject({
  ...baseBody,
  name: z.string().nullish(),
  job_id: jobId.nullish(),
  follow: z.boolean().nullish(),
  controller: z.boolean().nullish(),
  refresh: z.boolean().nullish(),
  tail: z.number().int().nullish(),
});

type QueueBody = z.infer<typeof queueBody>;

async function queue(body: QueueBody, userId: string) {
  return managedJobsState.getJobs({
    userHashes: body.all_users === false ? [userId] : null,
    jobIds: body.job_ids ?? null,
    skipFinished: body.skip_finished === true,
    nameMatch: body.name_match,
    userMatch: body.user_match,
    workspaceMatch: body.workspace_match,
    statuses: (body.statuses ?? null) as ManagedJobRecord['status'][] | null,
    page: body.page,
    limit: body.limit,
  });
}

function pick(record: ManagedJobRecord, fields: string[] | null | undefined): Partial<ManagedJobRecord> {
  if (!fields?.length) return record;
  // The dashboard always needs the identity and status of a row.
  const keep = new Set([...fields, 'job_id', '_job_id', 'job_name', 'status']);
  return Object.fromEntries(Object.entries(record).filter(([k]) => keep.has(k))) as Partial<ManagedJobRecord>;
}

export function jobsRoutes(app: AppContext): Router {
  const router = Router();

  router.post('/jobs/queue', scheduled(app, {
    name: 'sky.jobs.queue',
    schema: queueBody,
    run: async (body, ctx) => (await queue(body, ctx.user.id)).jobs.map(toManagedJobRecord),
  }));

  router.post('/jobs/queue/v2', scheduled(app, {
    name: 'sky.jobs.queue_v2',
    schema: queueBody,
    run: async (body, ctx) => {
      const page = await queue(body, ctx.user.id);
      return {
        jobs: page.jobs.map((j) => pick(toManagedJobRecord(j), body.fields)),
        total: page.total,
        total_no_filter: page.totalNoFilter,
        status_counts: page.statusCounts,
      };
    },
  }));

  router.post('/jobs/cancel', scheduled(app, {
    name: 'sky.jobs.cancel',
    schema: cancelBody,
    run: async (body, ctx) => {
      if (!body.job_ids?.length && !body.name && !body.all) {
        throw new SkyPilotError('NotSupportedError', 'Specify job_ids, name or all to cancel managed jobs.');
      }
      const { jobs } = await managedJobsState.getJobs({
        userHashes: body.all_users ? null : [ctx.user.id], skipFinished: true,
      });
      const targets = jobs.filter((j) => body.all || body.job_ids?.includes(j.jobId) || (body.name && j.name === body.name));
      const missing = (body.job_ids ?? []).filter((id) => !targets.some((j) => j.jobId === id));
      if (missing.length) {
        throw new SkyPilotError('ManagedJobNotFoundError',
          `No cancellable managed job with id ${missing.join(', ')} (it may have finished or belong to another user).`);
      }
      for (const job of targets) await managedJobsState.setJobStatus(job.jobId, 'CANCELLED');
      ctx.log(`Cancelled managed job(s): ${targets.map((j) => j.jobId).join(', ') || 'none'}\n`);
      return targets.map((j) => j.jobId);
    },
  }));

  router.post('/jobs/logs', async (req, res) => {
    const body = parseInput(logsBody, req.body);
    const { jobs } = await managedJobsState.getJobs(body.job_id != null ? { jobIds: [body.job_id] } : {});
    const job = body.name ? jobs.find((j) => j.name === body.name) : jobs[0];
    if (!job) throw new HttpError(404, 'managed_job_not_found', 'ManagedJobNotFoundError', 'Managed job not found.');
    const log = (await managedJobsState.getJobLog(job.jobId)) ?? '';
    const footer = TERMINAL_MANAGED_JOB_STATUSES.has(job.status) ? `\nJob ${job.jobId} ${job.status}.\n` : '';
    streamText(res, tailLines(log, body.tail ?? 0) + footer);
  });

  router.post('/jobs/pool_status', scheduled(app, {
    name: 'sky.jobs.pool_status',
    schema: z.looseObject({ ...baseBody, pool_names: z.union([z.array(z.string()), z.string()]).nullish() }),
    run: async () => [],
  }));

  return router;
}
