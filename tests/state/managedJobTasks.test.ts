/**
 * Managed jobs with tasks (pipelines), as upstream stores and answers them: one record per task in
 * task order, the job's status its first not-succeeded task's, pages and totals counting jobs.
 */
import { jobStatusFromTasks } from '../../src/state/managedJobStatus';
import { managedJobsState } from '../../src/state/managedJobsState';
import { stateQueries } from '../../src/state/stateQueries';
import type { ManagedJobStatus } from '../../src/vocab/statuses';
import { USER_A } from '../helpers/fixtures';
import { useTempStateDb } from '../helpers/tempState';

useTempStateDb();

describe('a job’s status from its tasks', () => {
  const cases: [ManagedJobStatus[], ManagedJobStatus | null][] = [
    [[], null],
    [['PENDING'], 'PENDING'],
    [['SUCCEEDED'], 'SUCCEEDED'],
    [['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'], 'SUCCEEDED'],
    [['SUCCEEDED', 'RUNNING', 'PENDING'], 'RUNNING'],
    [['SUCCEEDED', 'PENDING', 'PENDING'], 'PENDING'],
    [['RUNNING', 'PENDING'], 'RUNNING'],
    [['SUCCEEDED', 'FAILED', 'CANCELLED'], 'FAILED'],
    [['CANCELLED', 'CANCELLED'], 'CANCELLED'],
    [['SUCCEEDED', 'RECOVERING'], 'RECOVERING'],
  ];
  it.each(cases)('%j -> %s', (statuses, expected) => {
    // Given out of order: task ids, not list order, decide.
    const tasks = statuses.map((status, taskId) => ({ taskId, status })).reverse();
    expect(jobStatusFromTasks(tasks)).toBe(expected);
  });
});

async function tasksOf(jobId: number) {
  return (await managedJobsState.getJobs({ jobIds: [jobId] })).jobs.map((t) => [t.taskId, t.taskName, t.status]);
}

async function pipeline(name: string, workspace: string, tasks: string[]): Promise<number> {
  return managedJobsState.addJob({
    name,
    userHash: USER_A,
    workspace,
    resources: '1x[CPU:2]',
    tasks: tasks.map((t, i) => ({ name: t, resources: `${i + 1}x[CPU:2]`, numNodes: i + 1 })),
  });
}

describe('a pipeline moves task by task', () => {
  it('adds one record per task, in order, each with its own resources', async () => {
    const id = await pipeline('etl', 'p-add', ['extract', 'transform', 'load']);
    const page = await managedJobsState.getJobs({ jobIds: [id] });
    expect(page.total).toBe(1);
    expect(page.jobs.map((t) => [t.jobId, t.taskId, t.name, t.taskName, t.resources, t.numNodes])).toEqual([
      [id, 0, 'etl', 'extract', '1x[CPU:2]', 1],
      [id, 1, 'etl', 'transform', '2x[CPU:2]', 2],
      [id, 2, 'etl', 'load', '3x[CPU:2]', 3],
    ]);
    expect(page.jobs.every((t) => t.status === 'PENDING' && t.scheduleState === 'WAITING')).toBe(true);
  });

  it('moves the current task; the job is where its first unfinished task is', async () => {
    const id = await pipeline('train-eval', 'p-move', ['train', 'eval']);
    await managedJobsState.setJobStatus(id, 'RUNNING');
    expect(await tasksOf(id)).toEqual([
      [0, 'train', 'RUNNING'],
      [1, 'eval', 'PENDING'],
    ]);
    await managedJobsState.setJobStatus(id, 'SUCCEEDED');
    // Between tasks: the job waits on its next task, and its controller is still alive.
    expect(await stateQueries.getManagedJob(id)).toMatchObject({ taskId: 1, status: 'PENDING', scheduleState: 'ALIVE' });
    await managedJobsState.setJobStatus(id, 'RUNNING');
    expect(await stateQueries.getManagedJob(id)).toMatchObject({ taskId: 1, status: 'RUNNING' });
    await managedJobsState.setJobStatus(id, 'SUCCEEDED');
    expect(await stateQueries.getManagedJob(id)).toMatchObject({ taskId: 1, status: 'SUCCEEDED', scheduleState: 'DONE' });
    expect(await tasksOf(id)).toEqual([
      [0, 'train', 'SUCCEEDED'],
      [1, 'eval', 'SUCCEEDED'],
    ]);
  });

  it('a failure or cancellation ends every unfinished task, finished ones keep theirs', async () => {
    const failed = await pipeline('f', 'p-end', ['a', 'b', 'c']);
    await managedJobsState.setJobStatus(failed, 'SUCCEEDED');
    await managedJobsState.setJobStatus(failed, 'RUNNING');
    await managedJobsState.setJobStatus(failed, 'FAILED', 'exit 1');
    expect(await tasksOf(failed)).toEqual([
      [0, 'a', 'SUCCEEDED'],
      [1, 'b', 'FAILED'],
      [2, 'c', 'FAILED'],
    ]);
    expect(await stateQueries.getManagedJob(failed)).toMatchObject({ status: 'FAILED', failureReason: 'exit 1', scheduleState: 'DONE' });
    const cancelled = await pipeline('c', 'p-end', ['a', 'b']);
    await managedJobsState.setJobStatus(cancelled, 'CANCELLED');
    expect((await tasksOf(cancelled)).map((t) => t[2])).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it('moves a named task, and refuses a task the job does not have', async () => {
    const id = await pipeline('named', 'p-named', ['a', 'b']);
    await managedJobsState.setJobStatus(id, 'RUNNING', null, 1);
    expect((await tasksOf(id)).map((t) => t[2])).toEqual(['PENDING', 'RUNNING']);
    await expect(managedJobsState.setJobStatus(id, 'RUNNING', null, 2)).rejects.toMatchObject({ type: 'ManagedJobNotFoundError' });
  });
});

describe('the queue pages and counts jobs, not tasks', () => {
  const ws = 'p-queue';
  let ids: number[];
  beforeAll(async () => {
    const one = await pipeline('one', ws, ['only']);
    const three = await pipeline('three', ws, ['a', 'b', 'c']);
    const two = await pipeline('two', ws, ['a', 'b']);
    await managedJobsState.setJobStatus(three, 'SUCCEEDED'); // a done, b next
    await managedJobsState.setJobStatus(two, 'SUCCEEDED');
    await managedJobsState.setJobStatus(two, 'SUCCEEDED'); // all done
    await managedJobsState.setJobStatus(one, 'RUNNING');
    ids = [one, three, two];
  });

  it('lists newest job first, its tasks in order; totals count jobs, status counts count tasks', async () => {
    const page = await managedJobsState.getJobs({ workspaces: [ws] });
    const [one, three, two] = ids;
    expect(page.jobs.map((t) => [t.jobId, t.taskId])).toEqual([
      [two, 0],
      [two, 1],
      [three, 0],
      [three, 1],
      [three, 2],
      [one, 0],
    ]);
    expect(page.total).toBe(3);
    expect(page.totalNoFilter).toBe(3);
    expect(page.statusCounts).toEqual({ SUCCEEDED: 3, PENDING: 2, RUNNING: 1 });
  });

  it('never splits a job across pages', async () => {
    const [one, three, two] = ids;
    const pages = await Promise.all([1, 2, 3, 4].map((page) => managedJobsState.getJobs({ workspaces: [ws], page, limit: 1 })));
    expect(pages.map((p) => p.jobs.map((t) => t.jobId))).toEqual([[two, two], [three, three, three], [one], []]);
    for (const p of pages) expect(p.total).toBe(3);
  });

  it('skipFinished keeps every task of a job that has one unfinished, drops finished jobs', async () => {
    const [one, three] = ids;
    const page = await managedJobsState.getJobs({ workspaces: [ws], skipFinished: true });
    expect(page.jobs.map((t) => [t.jobId, t.status])).toEqual([
      [three, 'SUCCEEDED'],
      [three, 'PENDING'],
      [three, 'PENDING'],
      [one, 'RUNNING'],
    ]);
    expect(page.total).toBe(2);
  });

  it('the status filter keeps matching tasks and counts their jobs', async () => {
    const [, three, two] = ids;
    const page = await managedJobsState.getJobs({ workspaces: [ws], statuses: ['SUCCEEDED'] });
    expect(page.jobs.map((t) => [t.jobId, t.taskId])).toEqual([
      [two, 0],
      [two, 1],
      [three, 0],
    ]);
    expect(page.total).toBe(2);
  });
});
