/**
 * One rule, two bodies held together: managed-job queries are answered in SQL by the real state
 * (paging a long history without scanning it) and by `queryManagedJobs` over a list (the demo's fake
 * world). The same query must give the same page, totals and counts from both.
 */
import { queryManagedJobs } from '../../src/state/managedJobQuery';
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import type { ManagedJobQuery } from '../../src/state/records';
import type { ManagedJobStatus } from '../../src/vocab/statuses';
import { USER_A, USER_B } from '../helpers/fixtures';
import { useTempStateDb } from '../helpers/tempState';

useTempStateDb();

const STATUSES: ManagedJobStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'PENDING', 'RECOVERING'];

beforeAll(async () => {
  await globalUserState.addOrUpdateUser({ id: USER_A, name: 'Alice Smith' });
  await globalUserState.addOrUpdateUser({ id: USER_B, name: 'bob_100%' });
  for (let i = 0; i < 40; i++) {
    const id = await managedJobsState.addJob({
      name: i % 3 ? `train-${i}` : `Eval_${i}%`,
      userHash: i % 2 ? USER_A : USER_B,
      workspace: i % 4 ? 'default' : 'ml-Team',
      resources: '1x[CPU:1]',
    });
    const status = STATUSES[i % STATUSES.length];
    if (status !== 'PENDING') await managedJobsState.setJobStatus(id, status);
  }
  // Pipelines of two and three tasks, at every stage: some tasks done, the job elsewhere.
  for (let i = 0; i < 12; i++) {
    const id = await managedJobsState.addJob({
      name: i % 2 ? `train-pipe-${i}` : `Eval_pipe_${i}`,
      userHash: i % 3 ? USER_A : USER_B,
      workspace: i % 4 ? 'default' : 'ml-Team',
      resources: '1x[CPU:1]',
      tasks: Array.from({ length: 2 + (i % 2) }, (_, t) => ({ name: `step-${t}`, resources: '1x[CPU:1]' })),
    });
    for (let step = 0; step < i % 4; step++) await managedJobsState.setJobStatus(id, 'SUCCEEDED');
    if (i % 3 === 0) await managedJobsState.setJobStatus(id, STATUSES[i % STATUSES.length]);
  }
});

const QUERIES: [string, ManagedJobQuery][] = [
  ['everything', {}],
  ['a page', { limit: 7, page: 3 }],
  ['the last, partial page', { limit: 7, page: 6 }],
  ['one user', { userHashes: [USER_A] }],
  ['no users (matches nothing)', { userHashes: [] }],
  ['unfinished only', { skipFinished: true }],
  ['name contains, any case', { nameMatch: 'eval' }],
  ['name with a literal % and _', { nameMatch: '_3%' }],
  ['user by name or hash', { userMatch: 'ALICE' }],
  ['user with a literal %', { userMatch: '100%' }],
  ['workspace contains', { workspaceMatch: 'team' }],
  ['statuses, with counts before them', { statuses: ['RUNNING', 'FAILED'], limit: 5 }],
  ['job ids', { jobIds: [1, 5, 9, 400] }],
  ['pipelines by id', { jobIds: [41, 43, 50, 52] }],
  ['pages through pipelines', { limit: 5, page: 2 }],
  ['pipelines, unfinished, paged', { nameMatch: 'pipe', skipFinished: true, limit: 2, page: 2 }],
  ['pipeline tasks by status', { nameMatch: 'pipe', statuses: ['SUCCEEDED', 'PENDING'], limit: 3, page: 2 }],
  [
    'everything together',
    {
      userHashes: [USER_A, USER_B],
      workspaces: ['default'],
      skipFinished: true,
      nameMatch: 'train',
      statuses: ['RUNNING'],
      limit: 3,
      page: 1,
    },
  ],
];

describe('managed-job queries: SQL and the list rule agree', () => {
  it.each(QUERIES)('%s', async (_name, query) => {
    const all = (await managedJobsState.getJobs({})).jobs;
    const fromSql = await managedJobsState.getJobs(query);
    const fromList = queryManagedJobs(all, query);
    expect(fromSql.jobs.map((j) => [j.jobId, j.taskId])).toEqual(fromList.jobs.map((j) => [j.jobId, j.taskId]));
    expect(fromSql.total).toBe(fromList.total);
    expect(fromSql.totalNoFilter).toBe(fromList.totalNoFilter);
    expect(fromSql.statusCounts).toEqual(fromList.statusCounts);
  });
});
