/**
 * Cluster endpoints: `/status` and the cluster lifecycle (`/stop`, `/start`, `/down`, `/autostop`),
 * cluster jobs (`/queue`, `/job_status`, `/logs`), `/cost_report` and `/cluster_events`.
 * This build provisions nothing itself: stop/start/down change the recorded state, as SkyPilot's
 * state module sees them after the cloud calls succeed.
 */
import { Router } from 'express';
import { z } from 'zod';
import { toClusterJobRecord, toCostReportRecord, toStatusRecord } from '../api/wireRecords';
import { HttpError, SkyPilotError, clusterDoesNotExist } from '../errors';
import type { AppContext } from '../http/appContext';
import { scheduled } from '../http/scheduled';
import { baseBody, clusterName, jobId, parseInput } from '../http/validate';
import { globalUserState } from '../state/globalUserState';
import { globToRegExp } from '../state/globPattern';
import type { ClusterRecord } from '../state/records';
import { streamText, tailLines } from '../http/streamText';

const refresh = z.union([z.enum(['NONE', 'AUTO', 'FORCE']), z.boolean()]).nullish();

const statusBody = z.looseObject({
  ...baseBody,
  cluster_names: z.union([z.array(z.string().min(1)), z.string().min(1)]).nullish(),
  refresh,
  all_users: z.boolean().nullish(),
  include_credentials: z.boolean().nullish(),
  summary_response: z.boolean().nullish(),
  include_handle: z.boolean().nullish(),
});

const clusterBody = z.looseObject({ ...baseBody, cluster_name: clusterName, purge: z.boolean().nullish() });

const startBody = z.looseObject({
  ...baseBody,
  cluster_name: clusterName,
  idle_minutes_to_autostop: z.number().int().min(-1).nullish(),
  down: z.boolean().nullish(),
  retry_until_up: z.boolean().nullish(),
  force: z.boolean().nullish(),
});

const autostopBody = z.looseObject({
  ...baseBody,
  cluster_name: clusterName,
  idle_minutes: z.number().int().min(-1, 'idle_minutes must be -1 (off) or more'),
  down: z.boolean().nullish(),
});

const queueBody = z.looseObject({
  ...baseBody, cluster_name: clusterName, skip_finished: z.boolean().nullish(), all_users: z.boolean().nullish(),
});

const jobStatusBody = z.looseObject({ ...baseBody, cluster_name: clusterName, job_ids: z.array(jobId).nullish() });

const logsBody = z.looseObject({
  ...baseBody,
  cluster_name: clusterName,
  job_id: jobId.nullish(),
  follow: z.boolean().nullish(),
  tail: z.number().int().nullish(),
});

const costReportBody = z.looseObject({
  ...baseBody,
  days: z.number().int().positive().nullish(),
  dashboard_summary_response: z.boolean().nullish(),
  cluster_hashes: z.array(z.string()).nullish(),
});

const eventsBody = z.looseObject({
  ...baseBody,
  cluster_name: z.string().nullish(),
  cluster_hash: z.string().nullish(),
  event_type: z.enum(['STATUS_CHANGE', 'DEBUG']).nullish(),
  include_timestamps: z.boolean().nullish(),
  limit: z.number().int().positive().nullish(),
});

async function requireCluster(name: string): Promise<ClusterRecord> {
  const record = await globalUserState.getClusterFromName(name);
  if (!record) throw clusterDoesNotExist(name);
  return record;
}

/** A started cluster gets addresses again; this build assigns stable private ones from its hash. */
function addressesFor(record: ClusterRecord): [string, string][] {
  const seed = parseInt(record.clusterHash.replace(/-/g, '').slice(0, 4), 16) || 1;
  return Array.from({ length: record.handle.launchedNodes }, (_, i) =>
    [`10.${seed % 250}.${i}.${(seed >> 8) + 2}`, `192.0.2.${(seed + i) % 250 + 1}`]);
}

export function clusterRoutes(app: AppContext): Router {
  const router = Router();

  router.post('/status', scheduled(app, {
    name: 'sky.status',
    schema: statusBody,
    run: async (body, ctx) => {
      const names = typeof body.cluster_names === 'string' ? [body.cluster_names] : body.cluster_names ?? null;
      const all = await globalUserState.getClusters({
        userHashes: body.all_users === false ? [ctx.user.id] : null,
      });
      const matching = names ? all.filter((c) => names.some((n) => globToRegExp(n).test(c.name))) : all;
      const records = matching.map((c) => toStatusRecord(c, { includeHandle: body.include_handle === true }));
      if (body.include_credentials) {
        // SSH credentials are the caller's own: other users' clusters get none.
        const keys = await globalUserState.getSshKeys(ctx.user.id);
        records.forEach((r, i) => {
          r.credentials = keys && matching[i].userHash === ctx.user.id
            ? { ssh_user: matching[i].handle.sshUser, ssh_private_key: keys.privateKey } : null;
        });
      }
      return records;
    },
  }));

  router.post('/stop', scheduled(app, {
    name: 'sky.stop',
    schema: clusterBody,
    clusterName: (b) => b.cluster_name,
    run: async (body) => {
      const record = await requireCluster(body.cluster_name);
      if (record.status !== 'STOPPED') await globalUserState.removeCluster(record.name, false);
      return null;
    },
  }));

  router.post('/down', scheduled(app, {
    name: 'sky.down',
    schema: clusterBody,
    clusterName: (b) => b.cluster_name,
    run: async (body) => {
      const record = await requireCluster(body.cluster_name);
      await globalUserState.removeCluster(record.name, true);
      await globalUserState.removeClusterJobs(record.name);
      return null;
    },
  }));

  router.post('/start', scheduled(app, {
    name: 'sky.start',
    schema: startBody,
    scheduleType: 'long',
    clusterName: (b) => b.cluster_name,
    run: async (body, ctx) => {
      const record = await requireCluster(body.cluster_name);
      if (record.status === 'UP' && !body.force) {
        ctx.log(`Cluster ${record.name} is already up.\n`);
      } else {
        const handle = record.handle;
        handle.stableInternalExternalIps = addressesFor(record);
        await globalUserState.addOrUpdateCluster({
          clusterName: record.name, handle, requestedResources: null, ready: true, isLaunch: true,
          command: `sky start ${record.name}`, userHash: record.userHash,
        });
        ctx.log(`Cluster ${record.name} started.\n`);
      }
      if (body.idle_minutes_to_autostop != null) {
        await globalUserState.setClusterAutostopValue(record.name, body.idle_minutes_to_autostop, body.down === true);
      }
      const started = await requireCluster(record.name);
      return started.handle.toJSON();
    },
  }));

  router.post('/autostop', scheduled(app, {
    name: 'sky.autostop',
    schema: autostopBody,
    clusterName: (b) => b.cluster_name,
    run: async (body) => {
      const record = await requireCluster(body.cluster_name);
      if (record.status !== 'UP') {
        throw new SkyPilotError('ClusterNotUpError',
          `Cluster '${record.name}' is ${record.status}: autostop needs a cluster that is UP.`);
      }
      await globalUserState.setClusterAutostopValue(record.name, body.idle_minutes, body.down === true);
      return null;
    },
  }));

  router.post('/queue', scheduled(app, {
    name: 'sky.queue',
    schema: queueBody,
    clusterName: (b) => b.cluster_name,
    run: async (body, ctx) => {
      await requireCluster(body.cluster_name);
      let jobs = await globalUserState.getClusterJobs(body.cluster_name);
      if (body.all_users === false) jobs = jobs.filter((j) => j.userHash === ctx.user.id);
      if (body.skip_finished) jobs = jobs.filter((j) => ['INIT', 'PENDING', 'SETTING_UP', 'RUNNING'].includes(j.status));
      return jobs.map(toClusterJobRecord);
    },
  }));

  router.post('/job_status', scheduled(app, {
    name: 'sky.job_status',
    schema: jobStatusBody,
    clusterName: (b) => b.cluster_name,
    run: async (body) => {
      await requireCluster(body.cluster_name);
      const jobs = await globalUserState.getClusterJobs(body.cluster_name);
      const ids = body.job_ids ?? (jobs.length ? [jobs[0].jobId] : []);
      return Object.fromEntries(ids.map((id) => [String(id), jobs.find((j) => j.jobId === id)?.status ?? null]));
    },
  }));

  // Streams the job's log in the POST response, as SkyPilot's `/logs` does.
  router.post('/logs', async (req, res) => {
    const body = parseInput(logsBody, req.body);
    await requireClusterForStream(body.cluster_name);
    const jobs = await globalUserState.getClusterJobs(body.cluster_name);
    const id = body.job_id ?? jobs[0]?.jobId;
    const log = id == null ? null : await globalUserState.getClusterJobLog(body.cluster_name, id);
    if (log == null) {
      throw new HttpError(404, 'job_not_found', 'JobNotFoundError',
        `Job ${id ?? '(latest)'} not found on cluster '${body.cluster_name}'.`);
    }
    streamText(res, tailLines(log, body.tail ?? 0));
  });

  router.post('/cost_report', scheduled(app, {
    name: 'sky.cost_report',
    schema: costReportBody,
    run: async (body) => {
      let history = await globalUserState.getClustersFromHistory({ days: body.days ?? 30 });
      if (body.cluster_hashes) history = history.filter((h) => body.cluster_hashes!.includes(h.clusterHash));
      return history.map((h) => {
        const record = toCostReportRecord(h);
        if (body.dashboard_summary_response) delete record.usage_intervals;
        return record;
      });
    },
  }));

  router.post('/cluster_events', scheduled(app, {
    name: 'sky.cluster_events',
    schema: eventsBody,
    run: async (body) => {
      const key = body.cluster_hash ?? body.cluster_name;
      if (!key) throw new SkyPilotError('NotSupportedError', 'cluster_name or cluster_hash is required.');
      let events = await globalUserState.getClusterEvents(key, body.event_type ?? 'STATUS_CHANGE');
      if (body.limit) events = events.slice(-body.limit);
      return events.map((e) => (body.include_timestamps
        ? { reason: e.reason, transitioned_at: e.transitionedAt, starting_status: e.startingStatus, ending_status: e.endingStatus }
        : e.reason));
    },
  }));

  return router;
}

async function requireClusterForStream(name: string): Promise<void> {
  if (!(await globalUserState.getClusterFromName(name))) {
    throw new HttpError(404, 'cluster_not_found', 'ClusterDoesNotExist', `Cluster '${name}' does not exist.`);
  }
}
