/** Managed jobs: status transitions with their timing columns, and the paged, filtered queue. */
import sinon from 'sinon';
import { TERMINAL_MANAGED_JOB_STATUSES } from '../../src/vocab/statuses';
import { stateQueries } from '../../src/state/stateQueries';
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import { USER_A, USER_B } from '../helpers/fixtures';
import { useTempStateDb } from '../helpers/tempState';

useTempStateDb();

const T0 = Date.UTC(2025, 9, 1, 12, 0, 0) / 1000;

describe('managed job transitions', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0 * 1000, toFake: ['Date'] });
  });
  afterEach(() => clock.restore());

  it('PENDING -> RUNNING -> RECOVERING -> RUNNING -> SUCCEEDED keeps counters and times', async () => {
    const id = await managedJobsState.addJob({ name: 'train', userHash: USER_A, resources: '1x[A100:8]' });
    let job = (await stateQueries.getManagedJob(id))!;
    expect(job).toMatchObject({ status: 'PENDING', scheduleState: 'WAITING', recoveryCount: 0, startAt: null, endAt: null });
    expect(job.submittedAt).toBe(T0);

    clock.tick(10_000);
    await managedJobsState.setJobStatus(id, 'RUNNING');
    job = (await stateQueries.getManagedJob(id))!;
    expect(job).toMatchObject({ status: 'RUNNING', startAt: T0 + 10, lastRecoveredAt: T0 + 10, endAt: null });

    clock.tick(100_000);
    await managedJobsState.setJobStatus(id, 'RECOVERING');
    job = (await stateQueries.getManagedJob(id))!;
    expect(job.recoveryCount).toBe(1);
    expect(job.jobDuration).toBeCloseTo(100);
    expect(job.endAt).toBeNull();

    clock.tick(50_000); // recovery time is not running time
    await managedJobsState.setJobStatus(id, 'RUNNING');
    clock.tick(20_000);
    job = (await stateQueries.getManagedJob(id))!;
    expect(job.startAt).toBe(T0 + 10);
    expect(job.jobDuration).toBeCloseTo(120);

    await managedJobsState.setJobStatus(id, 'SUCCEEDED');
    job = (await stateQueries.getManagedJob(id))!;
    expect(job).toMatchObject({ status: 'SUCCEEDED', scheduleState: 'DONE', recoveryCount: 1, endAt: T0 + 180 });
    expect(job.jobDuration).toBeCloseTo(120);
    clock.tick(60_000);
    expect((await stateQueries.getManagedJob(id))!.jobDuration).toBeCloseTo(120);
  });

  it('RECOVERING twice in a row counts once', async () => {
    const id = await managedJobsState.addJob({ name: 'flaky', userHash: USER_A, resources: '1x[CPU:4]' });
    await managedJobsState.setJobStatus(id, 'RUNNING');
    await managedJobsState.setJobStatus(id, 'RECOVERING');
    await managedJobsState.setJobStatus(id, 'RECOVERING');
    expect((await stateQueries.getManagedJob(id))!.recoveryCount).toBe(1);
  });

  it.each([...TERMINAL_MANAGED_JOB_STATUSES])('terminal %s sets end_at and a failure reason when given', async (status) => {
    const id = await managedJobsState.addJob({ name: `t-${status}`, userHash: USER_A, resources: '1x[CPU:2]' });
    clock.tick(5_000);
    await managedJobsState.setJobStatus(id, status, status === 'SUCCEEDED' ? null : `reason ${status}`);
    const job = (await stateQueries.getManagedJob(id))!;
    expect(job.endAt).toBe(T0 + 5);
    expect(job.failureReason).toBe(status === 'SUCCEEDED' ? null : `reason ${status}`);
  });

  it('refuses unknown statuses and unknown jobs', async () => {
    await expect(managedJobsState.setJobStatus(1, 'EXPLODED' as never)).rejects.toMatchObject({ type: 'NotSupportedError' });
    await expect(managedJobsState.setJobStatus(99999, 'RUNNING')).rejects.toMatchObject({ type: 'ManagedJobNotFoundError' });
  });
});

describe('managed job queue', () => {
  const ids: number[] = [];
  beforeAll(async () => {
    // A fresh set in its own workspace so counts do not depend on the transition tests.
    await globalUserState.addOrUpdateUser({ id: USER_A, name: 'alice' });
    await globalUserState.addOrUpdateUser({ id: USER_B, name: 'bob' });
    const specs: [string, string, string, string][] = [
      ['q-train-1', USER_A, 'RUNNING', 'q'],
      ['q-train-2', USER_A, 'SUCCEEDED', 'q'],
      ['q-eval-1', USER_B, 'PENDING', 'q'],
      ['q-eval-2', USER_B, 'FAILED', 'q'],
      ['q-train-3', USER_B, 'RUNNING', 'q'],
      ['q-other', USER_A, 'RUNNING', 'q-side'],
    ];
    for (const [name, user, status, ws] of specs) {
      const id = await managedJobsState.addJob({ name, userHash: user, workspace: ws, resources: '1x[CPU:4]' });
      if (status !== 'PENDING') {
        await managedJobsState.setJobStatus(id, 'RUNNING');
        if (status !== 'RUNNING') await managedJobsState.setJobStatus(id, status as 'FAILED');
      }
      ids.push(id);
    }
  });

  const q = { workspaces: ['q'] };

  it('lists newest first with totals', async () => {
    const page = await managedJobsState.getJobs(q);
    expect(page.jobs.map((j) => j.name)).toEqual(['q-train-3', 'q-eval-2', 'q-eval-1', 'q-train-2', 'q-train-1']);
    expect(page.total).toBe(5);
    expect(page.totalNoFilter).toBe(5);
    expect(page.statusCounts).toEqual({ RUNNING: 2, SUCCEEDED: 1, PENDING: 1, FAILED: 1 });
  });

  it('skipFinished drops terminal jobs', async () => {
    const page = await managedJobsState.getJobs({ ...q, skipFinished: true });
    expect(page.jobs.map((j) => j.name)).toEqual(['q-train-3', 'q-eval-1', 'q-train-1']);
    expect(page.totalNoFilter).toBe(3);
  });

  it('statuses filter the list; statusCounts ignore the status filter', async () => {
    const page = await managedJobsState.getJobs({ ...q, statuses: ['RUNNING'] });
    expect(page.jobs.map((j) => j.name)).toEqual(['q-train-3', 'q-train-1']);
    expect(page.total).toBe(2);
    expect(page.totalNoFilter).toBe(5);
    expect(page.statusCounts).toEqual({ RUNNING: 2, SUCCEEDED: 1, PENDING: 1, FAILED: 1 });
  });

  it('nameMatch is a case-insensitive substring; counts follow it', async () => {
    const page = await managedJobsState.getJobs({ ...q, nameMatch: 'TRAIN' });
    expect(page.jobs.map((j) => j.name)).toEqual(['q-train-3', 'q-train-2', 'q-train-1']);
    expect(page.total).toBe(3);
    expect(page.totalNoFilter).toBe(5);
    expect(page.statusCounts).toEqual({ RUNNING: 2, SUCCEEDED: 1 });
  });

  it('userMatch matches names or hashes; userHashes restricts visibility', async () => {
    expect((await managedJobsState.getJobs({ ...q, userMatch: 'bob' })).total).toBe(3);
    const mine = await managedJobsState.getJobs({ ...q, userHashes: [USER_A] });
    expect(mine.totalNoFilter).toBe(2);
    expect(mine.jobs.every((j) => j.userName === 'alice')).toBe(true);
  });

  it('pages with page and limit', async () => {
    const first = await managedJobsState.getJobs({ ...q, page: 1, limit: 2 });
    const second = await managedJobsState.getJobs({ ...q, page: 2, limit: 2 });
    const third = await managedJobsState.getJobs({ ...q, page: 3, limit: 2 });
    const beyond = await managedJobsState.getJobs({ ...q, page: 4, limit: 2 });
    expect(first.jobs.map((j) => j.name)).toEqual(['q-train-3', 'q-eval-2']);
    expect(second.jobs.map((j) => j.name)).toEqual(['q-eval-1', 'q-train-2']);
    expect(third.jobs.map((j) => j.name)).toEqual(['q-train-1']);
    expect(beyond.jobs).toEqual([]);
    for (const p of [first, second, third, beyond]) expect(p.total).toBe(5);
  });

  it('jobIds and workspaceMatch', async () => {
    expect((await managedJobsState.getJobs({ jobIds: [ids[0], ids[5]] })).jobs.map((j) => j.name)).toEqual(['q-other', 'q-train-1']);
    expect((await managedJobsState.getJobs({ workspaceMatch: 'side' })).jobs.map((j) => j.name)).toEqual(['q-other']);
  });
});
