/**
 * Managed jobs (SkyPilot's `jobs/state`): jobs that a controller launches, recovers and tears down.
 * Statuses run PENDING -> STARTING -> RUNNING (-> RECOVERING -> RUNNING) -> a terminal status.
 * `jobDuration` excludes provisioning and recovery: stored duration + (end or now - last recovery).
 *
 * A seam of its own, like `globalUserState`. Queries filter, count and page in SQL, so a long job
 * history costs one page, not a scan; `queryManagedJobs` is the same rule over a list (the demo's
 * world), and a contract test holds the two to the same answers.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import { SkyPilotError } from '../errors';
import {
  MANAGED_JOB_STATUSES,
  type ManagedJobScheduleState,
  type ManagedJobStatus,
  TERMINAL_MANAGED_JOB_STATUSES,
  isTerminalManagedJob,
} from '../vocab/statuses';
import { DEFAULT_WORKSPACE } from '../vocab/workspaces';
import type { ManagedJob, ManagedJobPage, ManagedJobQuery, NewManagedJob } from './records';
import { Resources, type ResourcesJSON } from './resources';
import { mapInSlices } from './mapInSlices';
import { parseJson } from './rowCodecs';
import type { StateContext } from './stateContext';
import type { ManagedJobsTable, StateSchema } from './stateSchema';

type JobRow = Omit<Selectable<ManagedJobsTable>, 'log'> & { user_name: string | null };

function nowFloat(): number {
  return Date.now() / 1000;
}

function jobFromRow(r: JobRow, now: number): ManagedJob {
  const running = r.status === 'RUNNING' && r.last_recovered_at > 0;
  return {
    jobId: r.job_id,
    taskId: r.task_id,
    name: r.name,
    taskName: r.task_name,
    userHash: r.user_hash,
    userName: r.user_name,
    workspace: r.workspace,
    entrypoint: r.entrypoint,
    userYaml: r.user_yaml,
    status: r.status as ManagedJobStatus,
    scheduleState: r.schedule_state as ManagedJobScheduleState,
    submittedAt: r.submitted_at,
    startAt: r.start_at,
    endAt: r.end_at,
    lastRecoveredAt: r.last_recovered_at,
    recoveryCount: r.recovery_count,
    jobDuration: r.job_duration + (running ? Math.max(0, (r.end_at ?? now) - r.last_recovered_at) : 0),
    failureReason: r.failure_reason,
    resources: r.resources,
    numNodes: r.num_nodes,
    launchedResources: r.launched_resources
      ? Resources.fromJSON(parseJson<ResourcesJSON>(r.launched_resources, {} as ResourcesJSON))
      : null,
    priority: r.priority,
    pool: r.pool,
    currentClusterName: r.current_cluster_name,
  };
}

/** `%`, `_` and `\` in a user's text match themselves. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
}

const NOTHING = sql<boolean>`1 = 0`;

function baseQuery(db: Kysely<StateSchema>, query: ManagedJobQuery) {
  let q = db.selectFrom('managed_jobs as j').leftJoin('users as u', 'u.id', 'j.user_hash');
  // An empty filter list matches nothing, as SkyPilot's do.
  if (query.userHashes) q = query.userHashes.length ? q.where('j.user_hash', 'in', query.userHashes) : q.where(NOTHING);
  if (query.workspaces) q = query.workspaces.length ? q.where('j.workspace', 'in', query.workspaces) : q.where(NOTHING);
  if (query.jobIds) q = query.jobIds.length ? q.where('j.job_id', 'in', query.jobIds) : q.where(NOTHING);
  if (query.skipFinished) q = q.where('j.status', 'not in', [...TERMINAL_MANAGED_JOB_STATUSES]);
  return q;
}

function matchQuery(q: ReturnType<typeof baseQuery>, query: ManagedJobQuery) {
  const like = (column: string, text: string) => sql<boolean>`lower(${sql.ref(column)}) like ${containsPattern(text)} escape '\\'`;
  if (query.nameMatch) q = q.where(like('j.name', query.nameMatch));
  if (query.userMatch) {
    const text = query.userMatch;
    q = q.where((eb) => eb.or([like('u.name', text), like('j.user_hash', text)]));
  }
  if (query.workspaceMatch) q = q.where(like('j.workspace', query.workspaceMatch));
  return q;
}

export function createManagedJobsState(ctx: StateContext) {
  return {
    /** Newest first: `totalNoFilter` before the text filters, `statusCounts` before the status filter. */
    async getJobs(query: ManagedJobQuery = {}): Promise<ManagedJobPage> {
      const db = await ctx.read();
      const visible = baseQuery(db, query);
      const filtered = matchQuery(visible, query);
      const byStatus = !query.statuses
        ? filtered
        : query.statuses.length
          ? filtered.where('j.status', 'in', query.statuses)
          : filtered.where(NOTHING);
      const [{ n: totalNoFilter }] = await visible.select((eb) => eb.fn.countAll<number>().as('n')).execute();
      const counts = await filtered
        .select(['j.status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('j.status')
        .execute();
      const statusCounts: ManagedJobPage['statusCounts'] = {};
      for (const { status, n } of counts) statusCounts[status as ManagedJobStatus] = Number(n);
      const total = query.statuses
        ? query.statuses.reduce((sum, s) => sum + (statusCounts[s] ?? 0), 0)
        : counts.reduce((sum, c) => sum + Number(c.n), 0);
      let page = byStatus
        .select([
          'j.job_id',
          'j.task_id',
          'j.name',
          'j.task_name',
          'j.user_hash',
          'u.name as user_name',
          'j.workspace',
          'j.entrypoint',
          'j.user_yaml',
          'j.status',
          'j.schedule_state',
          'j.submitted_at',
          'j.start_at',
          'j.end_at',
          'j.last_recovered_at',
          'j.recovery_count',
          'j.job_duration',
          'j.failure_reason',
          'j.resources',
          'j.num_nodes',
          'j.launched_resources',
          'j.priority',
          'j.pool',
          'j.current_cluster_name',
        ])
        .orderBy('j.job_id', 'desc');
      if (query.limit != null) page = page.limit(query.limit).offset((Math.max(1, query.page ?? 1) - 1) * query.limit);
      const now = nowFloat();
      const jobs = await mapInSlices(await page.execute(), (r) => jobFromRow(r as JobRow, now));
      return { jobs, total, totalNoFilter: Number(totalNoFilter), statusCounts };
    },

    async addJob(job: NewManagedJob): Promise<number> {
      return ctx.write(async (trx) => {
        const row = await trx
          .insertInto('managed_jobs')
          .values({
            task_id: 0,
            name: job.name,
            task_name: job.name,
            user_hash: job.userHash,
            workspace: job.workspace ?? DEFAULT_WORKSPACE,
            entrypoint: job.entrypoint ?? '',
            user_yaml: job.userYaml ?? null,
            status: 'PENDING',
            schedule_state: 'WAITING',
            submitted_at: nowFloat(),
            start_at: null,
            end_at: null,
            last_recovered_at: -1,
            recovery_count: 0,
            job_duration: 0,
            failure_reason: null,
            resources: job.resources,
            num_nodes: job.numNodes ?? 1,
            launched_resources: job.launchedResources ? JSON.stringify(job.launchedResources) : null,
            priority: job.priority ?? 0,
            pool: job.pool ?? null,
            current_cluster_name: null,
            log: '',
          })
          .returning('job_id')
          .executeTakeFirstOrThrow();
        return Number(row.job_id);
      });
    },

    /** Moves a job to `status`, keeping the timing columns consistent. */
    async setJobStatus(jobId: number, status: ManagedJobStatus, failureReason: string | null = null): Promise<void> {
      if (!MANAGED_JOB_STATUSES.includes(status)) {
        throw new SkyPilotError('NotSupportedError', `Unknown managed job status '${status}'.`);
      }
      await ctx.write(async (trx) => {
        const row = await trx.selectFrom('managed_jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
        if (!row) throw new SkyPilotError('ManagedJobNotFoundError', `Managed job ${jobId} does not exist.`);
        const now = nowFloat();
        const terminal = isTerminalManagedJob(status);
        let duration = row.job_duration;
        let lastRecoveredAt = row.last_recovered_at;
        let recoveries = row.recovery_count;
        if (row.status === 'RUNNING' && lastRecoveredAt > 0 && status !== 'RUNNING') {
          duration += now - lastRecoveredAt; // bank the running time that just ended
        }
        if (status === 'RUNNING' && row.status !== 'RUNNING') lastRecoveredAt = now;
        if (status === 'RECOVERING' && row.status !== 'RECOVERING') recoveries += 1;
        await trx
          .updateTable('managed_jobs')
          .set({
            status,
            failure_reason: failureReason ?? row.failure_reason,
            start_at: row.start_at ?? (status === 'RUNNING' ? now : null),
            end_at: terminal ? now : null,
            job_duration: duration,
            last_recovered_at: lastRecoveredAt,
            recovery_count: recoveries,
            schedule_state: terminal ? 'DONE' : status === 'PENDING' ? 'WAITING' : 'ALIVE',
          })
          .where('job_id', '=', jobId)
          .execute();
      });
    },

    async appendJobLog(jobId: number, text: string): Promise<void> {
      await ctx.write((trx) =>
        trx
          .updateTable('managed_jobs')
          .set({ log: sql<string>`${sql.ref('log')} || ${text}` })
          .where('job_id', '=', jobId)
          .execute(),
      );
    },

    async getJobLog(jobId: number): Promise<string | null> {
      const db = await ctx.read();
      const row = await db.selectFrom('managed_jobs').select('log').where('job_id', '=', jobId).executeTakeFirst();
      return row ? row.log : null;
    },
  };
}

export type ManagedJobsFamily = ReturnType<typeof createManagedJobsState>;
