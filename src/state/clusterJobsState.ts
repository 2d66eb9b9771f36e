/**
 * Jobs on a cluster (SkyPilot keeps them on the cluster, in the skylet's job table; this server keeps
 * its own copy) and their logs. Job ids count from 1 per cluster.
 */
import { sql } from 'kysely';
import { type ClusterJobStatus, isActiveClusterJob } from '../vocab/statuses';
import type { ClusterJob } from './records';
import { nowSeconds, parseJson } from './rowCodecs';
import type { StateContext } from './stateContext';

export interface NewClusterJob {
  clusterName: string;
  jobName: string;
  userHash: string;
  resources: string;
  status?: ClusterJobStatus;
  metadata?: Record<string, unknown>;
}

export function createClusterJobsState(ctx: StateContext) {
  return {
    /** Newest first. */
    async getClusterJobs(clusterName: string): Promise<ClusterJob[]> {
      const db = await ctx.read();
      const rows = await db
        .selectFrom('cluster_jobs as j')
        .leftJoin('users as u', 'u.id', 'j.user_hash')
        .select([
          'j.cluster_name',
          'j.job_id',
          'j.job_name',
          'j.user_hash',
          'u.name as user_name',
          'j.submitted_at',
          'j.start_at',
          'j.end_at',
          'j.resources',
          'j.status',
          'j.log_path',
          'j.metadata',
        ])
        .where('j.cluster_name', '=', clusterName)
        .orderBy('j.job_id', 'desc')
        .execute();
      return rows.map((r) => ({
        clusterName: r.cluster_name,
        jobId: r.job_id,
        jobName: r.job_name,
        userHash: r.user_hash,
        userName: r.user_name,
        submittedAt: r.submitted_at,
        startAt: r.start_at,
        endAt: r.end_at,
        resources: r.resources,
        status: r.status as ClusterJobStatus,
        logPath: r.log_path,
        metadata: parseJson<Record<string, unknown>>(r.metadata, {}),
      }));
    },

    async addClusterJob(job: NewClusterJob): Promise<number> {
      return ctx.write(async (trx) => {
        const row = await trx
          .selectFrom('cluster_jobs')
          .select((eb) => eb.fn.max('job_id').as('m'))
          .where('cluster_name', '=', job.clusterName)
          .executeTakeFirst();
        const jobId = Number(row?.m ?? 0) + 1;
        await trx
          .insertInto('cluster_jobs')
          .values({
            cluster_name: job.clusterName,
            job_id: jobId,
            job_name: job.jobName,
            user_hash: job.userHash,
            submitted_at: nowSeconds(),
            start_at: null,
            end_at: null,
            resources: job.resources,
            status: job.status ?? 'PENDING',
            log_path: `~/sky_logs/${job.clusterName}/${jobId}/run.log`,
            metadata: JSON.stringify(job.metadata ?? {}),
            log: '',
          })
          .execute();
        return jobId;
      });
    },

    async setClusterJobStatus(clusterName: string, jobId: number, status: ClusterJobStatus): Promise<void> {
      await ctx.write(async (trx) => {
        const row = await trx
          .selectFrom('cluster_jobs')
          .select(['start_at', 'end_at'])
          .where('cluster_name', '=', clusterName)
          .where('job_id', '=', jobId)
          .executeTakeFirst();
        if (!row) return;
        const now = nowSeconds();
        await trx
          .updateTable('cluster_jobs')
          .set({
            status,
            start_at: status === 'RUNNING' && row.start_at == null ? now : row.start_at,
            end_at: isActiveClusterJob(status) ? row.end_at : now,
          })
          .where('cluster_name', '=', clusterName)
          .where('job_id', '=', jobId)
          .execute();
      });
    },

    async appendClusterJobLog(clusterName: string, jobId: number, text: string): Promise<void> {
      await ctx.write((trx) =>
        trx
          .updateTable('cluster_jobs')
          .set({ log: sql<string>`${sql.ref('log')} || ${text}` })
          .where('cluster_name', '=', clusterName)
          .where('job_id', '=', jobId)
          .execute(),
      );
    },

    /** Null when the job does not exist. */
    async getClusterJobLog(clusterName: string, jobId: number): Promise<string | null> {
      const db = await ctx.read();
      const row = await db
        .selectFrom('cluster_jobs')
        .select('log')
        .where('cluster_name', '=', clusterName)
        .where('job_id', '=', jobId)
        .executeTakeFirst();
      return row ? row.log : null;
    },

    async removeClusterJobs(clusterName: string): Promise<void> {
      await ctx.write((trx) => trx.deleteFrom('cluster_jobs').where('cluster_name', '=', clusterName).execute());
    },
  };
}

export type ClusterJobsState = ReturnType<typeof createClusterJobsState>;
