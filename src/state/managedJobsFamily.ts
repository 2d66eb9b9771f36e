/**
 * Managed jobs (SkyPilot's `jobs/state`): jobs that a controller launches, recovers and tears down.
 * Statuses run PENDING -> STARTING -> RUNNING (-> RECOVERING -> RUNNING) -> a terminal status.
 * `jobDuration` excludes provisioning and recovery: stored duration + (end or now - last recovery).
 *
 * A job is a `managed_jobs` row (what its tasks share) and 1..n `managed_job_tasks` rows (status,
 * times and resources per task), as upstream's `job_info` and `spot`; answers list one record per
 * task, a job's tasks together in task order, and page and count jobs, not tasks (upstream's
 * `get_managed_jobs_with_filters`). The job's status is its current task's (managedJobStatus.ts).
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
import { currentTask, jobStatusFromTasks } from './managedJobStatus';
import type { ManagedJob, ManagedJobPage, ManagedJobQuery, NewManagedJob } from './records';
import type { Resources } from './resources';
import { resourcesDecoder } from './resourcesOnce';
import { mapInSlices } from './mapInSlices';
import type { StateContext } from './stateContext';
import type { ManagedJobTasksTable, ManagedJobsTable, StateSchema } from './stateSchema';

type JobRow = Selectable<ManagedJobTasksTable> & Omit<Selectable<ManagedJobsTable>, 'log'> & { user_name: string | null };
type TaskRow = Selectable<ManagedJobTasksTable>;

function nowFloat(): number {
  return Date.now() / 1000;
}

function jobFromRow(r: JobRow, now: number, resources: (text: string) => Resources): ManagedJob {
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
    launchedResources: r.launched_resources ? resources(r.launched_resources) : null,
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

/** One row per task, with its job's fields and owner's name. */
function baseQuery(db: Kysely<StateSchema>, query: ManagedJobQuery) {
  let q = db
    .selectFrom('managed_job_tasks as t')
    .innerJoin('managed_jobs as j', 'j.job_id', 't.job_id')
    .leftJoin('users as u', 'u.id', 'j.user_hash');
  // An empty filter list matches nothing, as SkyPilot's do.
  if (query.userHashes) q = query.userHashes.length ? q.where('j.user_hash', 'in', query.userHashes) : q.where(NOTHING);
  if (query.workspaces) q = query.workspaces.length ? q.where('j.workspace', 'in', query.workspaces) : q.where(NOTHING);
  if (query.jobIds) q = query.jobIds.length ? q.where('t.job_id', 'in', query.jobIds) : q.where(NOTHING);
  if (query.skipFinished) {
    // A job is unfinished while any task is: all its tasks stay listed, finished ones too (upstream).
    const unfinished = db
      .selectFrom('managed_job_tasks as o')
      .select('o.job_id')
      .where('o.status', 'not in', [...TERMINAL_MANAGED_JOB_STATUSES]);
    q = q.where('t.job_id', 'in', unfinished);
  }
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

/** A task's columns after it moves to `status`: running time banked, recoveries counted, times set. */
function taskTransition(row: TaskRow, status: ManagedJobStatus, failureReason: string | null, now: number) {
  const terminal = isTerminalManagedJob(status);
  let duration = row.job_duration;
  let lastRecoveredAt = row.last_recovered_at;
  let recoveries = row.recovery_count;
  if (row.status === 'RUNNING' && lastRecoveredAt > 0 && status !== 'RUNNING') {
    duration += now - lastRecoveredAt; // bank the running time that just ended
  }
  if (status === 'RUNNING' && row.status !== 'RUNNING') lastRecoveredAt = now;
  if (status === 'RECOVERING' && row.status !== 'RECOVERING') recoveries += 1;
  return {
    status,
    failure_reason: failureReason ?? row.failure_reason,
    start_at: row.start_at ?? (status === 'RUNNING' ? now : null),
    end_at: terminal ? now : null,
    job_duration: duration,
    last_recovered_at: lastRecoveredAt,
    recovery_count: recoveries,
  };
}

export function createManagedJobsState(ctx: StateContext) {
  return {
    /**
     * Newest job first, its tasks in order. `total` and `totalNoFilter` (before the text filters)
     * count jobs, and `page`/`limit` page jobs; `statusCounts` (before the status filter) counts
     * tasks by their status, as upstream's do. The status filter keeps the tasks in those statuses.
     */
    async getJobs(query: ManagedJobQuery = {}): Promise<ManagedJobPage> {
      const db = await ctx.read();
      const visible = baseQuery(db, query);
      const filtered = matchQuery(visible, query);
      const byStatus = !query.statuses
        ? filtered
        : query.statuses.length
          ? filtered.where('t.status', 'in', query.statuses)
          : filtered.where(NOTHING);
      // Jobs counted by their task 0 (every job has one, task ids run from 0), not with a costlier
      // `count(distinct)`; only the status filter, which may drop a job's task 0, needs that.
      const firstTasks = (q: typeof visible) =>
        q
          .where('t.task_id', '=', 0)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
      const textFilters = query.nameMatch || query.userMatch || query.workspaceMatch;
      // The counts and the page's ids do not depend on each other: asked at once, a pool answers them
      // side by side (on PostgreSQL each is a scan of every task, ~25 ms at 50,000 jobs).
      const [{ n: totalNoFilter }, filteredTotal, counts, ids] = await Promise.all([
        firstTasks(visible),
        query.statuses
          ? byStatus.select((eb) => eb.fn.count<number>('t.job_id').distinct().as('n')).executeTakeFirstOrThrow()
          : textFilters
            ? firstTasks(filtered)
            : null,
        filtered
          .select(['t.status', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('t.status')
          .execute(),
        // The page's jobs first, then all their (matching) tasks: a job is never split across pages.
        query.limit == null
          ? null
          : byStatus
              .select('t.job_id')
              .distinct()
              .orderBy('t.job_id', 'desc')
              .limit(query.limit)
              .offset((Math.max(1, query.page ?? 1) - 1) * query.limit)
              .execute(),
      ]);
      const total = filteredTotal?.n ?? totalNoFilter;
      const statusCounts: ManagedJobPage['statusCounts'] = {};
      for (const { status, n } of counts) statusCounts[status as ManagedJobStatus] = Number(n);
      let rows = byStatus;
      if (ids) {
        if (!ids.length) return { jobs: [], total: Number(total), totalNoFilter: Number(totalNoFilter), statusCounts };
        rows = rows.where(
          't.job_id',
          'in',
          ids.map((r) => r.job_id),
        );
      }
      const page = rows
        .select([
          't.job_id',
          't.task_id',
          'j.name',
          't.task_name',
          'j.user_hash',
          'u.name as user_name',
          'j.workspace',
          'j.entrypoint',
          'j.user_yaml',
          't.status',
          'j.schedule_state',
          't.submitted_at',
          't.start_at',
          't.end_at',
          't.last_recovered_at',
          't.recovery_count',
          't.job_duration',
          't.failure_reason',
          't.resources',
          't.num_nodes',
          't.launched_resources',
          'j.priority',
          'j.pool',
          'j.current_cluster_name',
        ])
        .orderBy('t.job_id', 'desc')
        .orderBy('t.task_id', 'asc');
      const now = nowFloat();
      const resources = resourcesDecoder();
      const jobs = await mapInSlices(await page.execute(), (r) => jobFromRow(r as JobRow, now, resources));
      return { jobs, total: Number(total), totalNoFilter: Number(totalNoFilter), statusCounts };
    },

    async addJob(job: NewManagedJob): Promise<number> {
      const tasks = job.tasks?.length
        ? job.tasks
        : [{ name: job.name, resources: job.resources, numNodes: job.numNodes, launchedResources: job.launchedResources }];
      return ctx.write(async (trx) => {
        const row = await trx
          .insertInto('managed_jobs')
          .values({
            name: job.name,
            user_hash: job.userHash,
            workspace: job.workspace ?? DEFAULT_WORKSPACE,
            entrypoint: job.entrypoint ?? '',
            user_yaml: job.userYaml ?? null,
            schedule_state: 'WAITING',
            priority: job.priority ?? 0,
            pool: job.pool ?? null,
            current_cluster_name: null,
            log: '',
          })
          .returning('job_id')
          .executeTakeFirstOrThrow();
        const jobId = Number(row.job_id);
        const submittedAt = nowFloat();
        await trx
          .insertInto('managed_job_tasks')
          .values(
            tasks.map((task, taskId) => ({
              job_id: jobId,
              task_id: taskId,
              task_name: task.name,
              status: 'PENDING',
              submitted_at: submittedAt,
              start_at: null,
              end_at: null,
              last_recovered_at: -1,
              recovery_count: 0,
              job_duration: 0,
              failure_reason: null,
              resources: task.resources,
              num_nodes: task.numNodes ?? 1,
              launched_resources: task.launchedResources ? JSON.stringify(task.launchedResources) : null,
            })),
          )
          .execute();
        return jobId;
      });
    },

    /**
     * Moves one task to `status`, keeping its timing columns consistent: task `taskId`, or else the
     * job's current task; a failure or cancellation without `taskId` ends every unfinished task, as
     * upstream's `set_failed`/`set_cancelled` do. The job's schedule state follows its tasks.
     */
    async setJobStatus(
      jobId: number,
      status: ManagedJobStatus,
      failureReason: string | null = null,
      taskId: number | null = null,
    ): Promise<void> {
      if (!MANAGED_JOB_STATUSES.includes(status)) {
        throw new SkyPilotError('NotSupportedError', `Unknown managed job status '${status}'.`);
      }
      await ctx.write(async (trx) => {
        const tasks = await trx.selectFrom('managed_job_tasks').selectAll().where('job_id', '=', jobId).orderBy('task_id').execute();
        const states = tasks.map((t) => ({ row: t, taskId: t.task_id, status: t.status as ManagedJobStatus }));
        const current = currentTask(states);
        if (!current) throw new SkyPilotError('ManagedJobNotFoundError', `Managed job ${jobId} does not exist.`);
        let targets = [current];
        if (taskId != null) {
          const task = states.find((t) => t.taskId === taskId);
          if (!task) throw new SkyPilotError('ManagedJobNotFoundError', `Managed job ${jobId} has no task ${taskId}.`);
          targets = [task];
        } else if (isTerminalManagedJob(status) && status !== 'SUCCEEDED') {
          const unfinished = states.filter((t) => !isTerminalManagedJob(t.status));
          if (unfinished.length) targets = unfinished;
        }
        const now = nowFloat();
        for (const target of targets) {
          await trx
            .updateTable('managed_job_tasks')
            .set(taskTransition(target.row, status, failureReason, now))
            .where('job_id', '=', jobId)
            .where('task_id', '=', target.taskId)
            .execute();
          target.status = status;
        }
        const jobStatus = jobStatusFromTasks(states)!;
        const notStarted = states.every((t) => t.status === 'PENDING');
        await trx
          .updateTable('managed_jobs')
          .set({ schedule_state: isTerminalManagedJob(jobStatus) ? 'DONE' : notStarted ? 'WAITING' : 'ALIVE' })
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
