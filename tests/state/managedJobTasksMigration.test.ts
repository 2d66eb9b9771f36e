/**
 * Migration 8 (managed jobs gain tasks) keeps every job, on SQLite and PostgreSQL: a store at
 * version 7, seeded with jobs in the old one-row-per-job schema, opens at the newest version with
 * each job answered as a job of one task carrying the very values it had, its log kept, and new
 * jobs numbered after the old ones.
 */
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import { stateQueries } from '../../src/state/stateQueries';
import { USER_A, USER_B } from '../helpers/fixtures';
import { writeOldState } from '../helpers/oldStateStore';
import { makeTempDir, removeDir } from '../helpers/tempState';
import { createTestDatabase, type TestDatabase } from '../helpers/testBackend';

/** Rows as version 7 stored them: one per job, its only task's columns beside the job's. */
const OLD_JOBS = [
  ['train', USER_A, 'default', 'SUCCEEDED', 'DONE', 100, 110, 400, 110, 0, 290, null, '1x[A100:8]', 2, 5, 'pool-a', null],
  ['eval', USER_B, 'ml', 'RUNNING', 'ALIVE', 200, 210, null, 250, 1, 30, null, '1x[CPU:4]', 1, 0, null, 'eval-7'],
  ['sweep', USER_A, 'ml', 'FAILED', 'DONE', 300, 305, 320, 305, 0, 15, 'Job exited with code 1.', '4x[H100:8]', 4, -3, null, null],
  ['queued', USER_B, 'default', 'PENDING', 'WAITING', 400, null, null, -1, 0, 0, null, '1x[CPU:2]', 1, 0, null, null],
].map(([name, user, ws, status, sched, sub, start, end, rec, recoveries, dur, reason, res, nodes, prio, pool, cluster], i) => ({
  task_id: 0,
  name: name as string,
  task_name: `${name}-task`,
  user_hash: user as string,
  workspace: ws as string,
  entrypoint: `sky jobs launch ${name}.yaml`,
  user_yaml: `name: ${name}\n`,
  status: status as string,
  schedule_state: sched as string,
  submitted_at: (sub as number) + 0.5,
  start_at: start as number | null,
  end_at: end as number | null,
  last_recovered_at: rec as number,
  recovery_count: recoveries as number,
  job_duration: dur as number,
  failure_reason: reason as string | null,
  resources: res as string,
  num_nodes: nodes as number,
  launched_resources: null,
  priority: prio as number,
  pool: pool as string | null,
  current_cluster_name: cluster as string | null,
  log: `log of job ${i + 1}\n`,
}));

let dir: string;
let database: TestDatabase;
beforeAll(async () => {
  dir = makeTempDir('skyts-jobtasks-');
  database = await createTestDatabase(dir, 'v7.db');
  await writeOldState(database, 8, async (db) => {
    for (const row of OLD_JOBS) await db.insertInto('managed_jobs').values(row).execute();
    await db.insertInto('users').values({ id: USER_A, name: 'alice', user_type: 'legacy' }).execute();
  });
  await globalUserState.init({ target: database.target });
});
afterAll(async () => {
  await globalUserState.close();
  await database?.drop();
  removeDir(dir);
});

describe('migration 8: managed jobs gain tasks', () => {
  it('answers every old job as a job of one task with the values it had', async () => {
    const page = await managedJobsState.getJobs({});
    expect(page.total).toBe(OLD_JOBS.length);
    expect(page.jobs).toHaveLength(OLD_JOBS.length);
    const byName = new Map(page.jobs.map((j) => [j.name, j]));
    OLD_JOBS.forEach((old, i) => {
      const job = byName.get(old.name)!;
      expect(job).toMatchObject({
        jobId: i + 1,
        taskId: 0,
        taskName: old.task_name,
        userHash: old.user_hash,
        userName: old.user_hash === USER_A ? 'alice' : null,
        workspace: old.workspace,
        entrypoint: old.entrypoint,
        userYaml: old.user_yaml,
        status: old.status,
        scheduleState: old.schedule_state,
        submittedAt: old.submitted_at,
        startAt: old.start_at,
        endAt: old.end_at,
        lastRecoveredAt: old.last_recovered_at,
        recoveryCount: old.recovery_count,
        failureReason: old.failure_reason,
        resources: old.resources,
        numNodes: old.num_nodes,
        launchedResources: null,
        priority: old.priority,
        pool: old.pool,
        currentClusterName: old.current_cluster_name,
      });
      // A running job's duration keeps counting from its last recovery; the others are as stored.
      if (old.status !== 'RUNNING') expect(job.jobDuration).toBe(old.job_duration);
      else expect(job.jobDuration).toBeGreaterThan(old.job_duration);
    });
    expect(page.statusCounts).toEqual({ SUCCEEDED: 1, RUNNING: 1, FAILED: 1, PENDING: 1 });
  });

  it('keeps each job log and filters as before', async () => {
    for (let id = 1; id <= OLD_JOBS.length; id++) expect(await managedJobsState.getJobLog(id)).toBe(`log of job ${id}\n`);
    expect((await managedJobsState.getJobs({ skipFinished: true })).jobs.map((j) => j.name)).toEqual(['queued', 'eval']);
    expect((await managedJobsState.getJobs({ workspaces: ['ml'], statuses: ['FAILED'] })).jobs.map((j) => j.name)).toEqual(['sweep']);
  });

  it('numbers new jobs after the old ones and moves the old ones on', async () => {
    const id = await managedJobsState.addJob({ name: 'after', userHash: USER_A, resources: '1x[CPU:1]' });
    expect(id).toBe(OLD_JOBS.length + 1);
    await managedJobsState.setJobStatus(2, 'SUCCEEDED');
    expect((await stateQueries.getManagedJob(2))!).toMatchObject({ status: 'SUCCEEDED', scheduleState: 'DONE' });
  });
});
