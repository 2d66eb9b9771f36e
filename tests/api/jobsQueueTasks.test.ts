/**
 * A managed job of several tasks on the wire, as upstream answers it: `/jobs/queue/v2` and
 * `/jobs/queue` list one record per task (same `job_id` and `job_name`, its own `task_id`,
 * `task_name`, status and resources), a job's tasks together in task order; `total` counts jobs and
 * a page holds whole jobs.
 */
import type { ManagedJobRecord, ManagedJobsPage } from '../../src/api/wireTypes';
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import { call, useApiHarness } from '../helpers/api';
import { USER_A } from '../helpers/fixtures';

const h = useApiHarness();
let single: number;
let pipeline: number;

beforeAll(async () => {
  await globalUserState.addOrUpdateUser({ id: USER_A, name: 'alice' });
  single = await managedJobsState.addJob({ name: 'solo', userHash: USER_A, resources: '1x[CPU:2]' });
  pipeline = await managedJobsState.addJob({
    name: 'rlhf',
    userHash: USER_A,
    resources: '1x[A100:8]',
    tasks: [
      { name: 'sft', resources: '1x[A100:8]' },
      { name: 'reward', resources: '2x[A100:8]', numNodes: 2 },
      { name: 'ppo', resources: '4x[H100:8]', numNodes: 4 },
    ],
  });
  await managedJobsState.setJobStatus(pipeline, 'RUNNING');
  await managedJobsState.setJobStatus(pipeline, 'SUCCEEDED');
  await managedJobsState.setJobStatus(pipeline, 'RUNNING');
});

const summary = (jobs: Partial<ManagedJobRecord>[]) => jobs.map((j) => [j.job_id, j.task_id, j.job_name, j.task_name, j.status]);

describe('managed jobs with tasks on the wire', () => {
  it('/jobs/queue/v2 lists each task; totals count jobs; status counts count tasks', async () => {
    const page = await call<ManagedJobsPage>(h.app, '/jobs/queue/v2', { body: {} });
    expect(summary(page.jobs)).toEqual([
      [pipeline, 0, 'rlhf', 'sft', 'SUCCEEDED'],
      [pipeline, 1, 'rlhf', 'reward', 'RUNNING'],
      [pipeline, 2, 'rlhf', 'ppo', 'PENDING'],
      [single, 0, 'solo', 'solo', 'PENDING'],
    ]);
    expect(page.jobs.map((j) => j.resources)).toEqual(['1x[A100:8]', '2x[A100:8]', '4x[H100:8]', '1x[CPU:2]']);
    expect(page.total).toBe(2);
    expect(page.total_no_filter).toBe(2);
    expect(page.status_counts).toEqual({ SUCCEEDED: 1, RUNNING: 1, PENDING: 2 });
  });

  it('a page of one job holds all its tasks', async () => {
    const first = await call<ManagedJobsPage>(h.app, '/jobs/queue/v2', { body: { page: 1, limit: 1 } });
    expect(summary(first.jobs).map((r) => r[1])).toEqual([0, 1, 2]);
    const second = await call<ManagedJobsPage>(h.app, '/jobs/queue/v2', { body: { page: 2, limit: 1 } });
    expect(summary(second.jobs)).toEqual([[single, 0, 'solo', 'solo', 'PENDING']]);
    for (const p of [first, second]) expect(p.total).toBe(2);
  });

  it('/jobs/queue (the legacy list) lists each task too, skip_finished keeping a running pipeline whole', async () => {
    const jobs = await call<ManagedJobRecord[]>(h.app, '/jobs/queue', { body: { skip_finished: true } });
    expect(summary(jobs).filter((r) => r[0] === pipeline)).toHaveLength(3);
  });
});
