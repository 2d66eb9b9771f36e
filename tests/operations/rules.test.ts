/**
 * Business rules, each written once in src/operations, tested as plain functions of input and
 * caller: no HTTP, no request store.
 */
import * as clusters from '../../src/operations/clusters';
import * as managedJobs from '../../src/operations/managedJobs';
import type { OpContext } from '../../src/operations/opContext';
import * as users from '../../src/operations/users';
import * as workspaces from '../../src/operations/workspaces';
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import { stateQueries } from '../../src/state/stateQueries';
import { USER_A, USER_B, seedCluster } from '../helpers/fixtures';
import { useTempStateDb } from '../helpers/tempState';

useTempStateDb();

function as(userId: string): OpContext {
  return {
    requestId: 'r',
    signal: new AbortController().signal,
    log: () => {},
    user: { id: userId, name: userId },
    caller: {
      identity: { id: userId, name: userId },
      viewer: { principal: userId, admin: false },
      clientApiVersion: null,
      clientVersion: null,
      address: '127.0.0.1',
    },
    requests: undefined as never,
  };
}

describe('cluster rules', () => {
  it('down removes the cluster and its jobs; its history stays', async () => {
    await seedCluster('rule-down');
    await globalUserState.addClusterJob({ clusterName: 'rule-down', jobName: 'j', userHash: USER_A, resources: '1x' });
    await clusters.down({ cluster_name: 'rule-down' }, as(USER_A));
    expect(await stateQueries.getClusterFromName('rule-down')).toBeNull();
    expect(await globalUserState.getClusterJobs('rule-down')).toEqual([]);
    expect((await globalUserState.getClustersFromHistory({})).map((h) => h.name)).toContain('rule-down');
  });

  it('autostop needs an UP cluster', async () => {
    await seedCluster('rule-stopped');
    await clusters.stop({ cluster_name: 'rule-stopped' }, as(USER_A));
    await expect(clusters.autostop({ cluster_name: 'rule-stopped', idle_minutes: 10 })).rejects.toMatchObject({
      type: 'ClusterNotUpError',
    });
  });

  it('a started cluster is UP with addresses again', async () => {
    await seedCluster('rule-start');
    await clusters.stop({ cluster_name: 'rule-start' }, as(USER_A));
    expect((await stateQueries.getClusterFromName('rule-start'))!.handle.headIp).toBeNull();
    await clusters.start({ cluster_name: 'rule-start' }, as(USER_A));
    const started = (await stateQueries.getClusterFromName('rule-start'))!;
    expect(started.status).toBe('UP');
    expect(started.handle.headIp).not.toBeNull();
  });

  it('a missing cluster is ClusterDoesNotExist', async () => {
    await expect(clusters.stop({ cluster_name: 'no-such' }, as(USER_A))).rejects.toMatchObject({ type: 'ClusterDoesNotExist' });
  });
});

describe('workspace rules', () => {
  it('default cannot be deleted; one in use cannot be deleted; create refuses a taken name', async () => {
    await expect(workspaces.deleteWorkspace({ workspace_name: 'default' })).rejects.toMatchObject({ type: 'NotSupportedError' });
    await workspaces.createWorkspace({ workspace_name: 'busy', config: {} });
    await seedCluster('rule-in-busy', { workspace: 'busy' });
    await expect(workspaces.deleteWorkspace({ workspace_name: 'busy' })).rejects.toMatchObject({ type: 'WorkspaceInUseError' });
    await expect(workspaces.createWorkspace({ workspace_name: 'busy', config: {} })).rejects.toMatchObject({
      type: 'WorkspaceExistsError',
    });
    await expect(workspaces.updateWorkspace({ workspace_name: 'nope', config: {} })).rejects.toMatchObject({
      type: 'WorkspaceNotFoundError',
    });
  });
});

describe('user rules', () => {
  it('a user with clusters cannot be deleted; one without can', async () => {
    await users.createUser({ username: 'has-clusters' });
    const id = (await globalUserState.getUserByName('has-clusters'))[0].id;
    await seedCluster('rule-owned', { userHash: id });
    await expect(users.deleteUser({ user_id: id })).rejects.toMatchObject({ type: 'UserInUseError', status: 409 });
    await users.createUser({ username: 'free-user' });
    const free = (await globalUserState.getUserByName('free-user'))[0].id;
    await users.deleteUser({ user_id: free });
    expect(await globalUserState.getUser(free)).toBeNull();
  });

  it('passwords are stored hashed, never as given', async () => {
    await users.createUser({ username: 'pw-user', password: 'hunter2' });
    const stored = (await globalUserState.getUserByName('pw-user'))[0].password!;
    expect(stored).not.toContain('hunter2');
    expect(stored).toMatch(/^scrypt\$/);
  });
});

describe('managed job rules', () => {
  it('a user cancels only their own unfinished jobs unless all_users', async () => {
    const mine = await managedJobsState.addJob({ name: 'mine', userHash: USER_A, resources: '1x[CPU:1]' });
    const theirs = await managedJobsState.addJob({ name: 'theirs', userHash: USER_B, resources: '1x[CPU:1]' });
    await expect(managedJobs.cancel({ job_ids: [theirs] }, as(USER_A))).rejects.toMatchObject({ type: 'ManagedJobNotFoundError' });
    expect(await managedJobs.cancel({ job_ids: [mine] }, as(USER_A))).toEqual([mine]);
    expect((await stateQueries.getManagedJob(mine))!.status).toBe('CANCELLED');
    expect((await stateQueries.getManagedJob(theirs))!.status).toBe('PENDING');
  });

  it('a pipeline is cancelled once, with every unfinished task; its log answers with the job’s status', async () => {
    const id = await managedJobsState.addJob({
      name: 'pipe',
      userHash: USER_A,
      resources: '1x[CPU:1]',
      tasks: ['prep', 'train', 'eval'].map((name) => ({ name, resources: '1x[CPU:1]' })),
    });
    await managedJobsState.setJobStatus(id, 'SUCCEEDED'); // prep done, train next
    expect(await managedJobs.cancel({ name: 'pipe' }, as(USER_A))).toEqual([id]);
    const { jobs } = await managedJobsState.getJobs({ jobIds: [id] });
    expect(jobs.map((t) => t.status)).toEqual(['SUCCEEDED', 'CANCELLED', 'CANCELLED']);
    const log = await managedJobs.jobLog({ job_id: id }, as(USER_A).caller);
    expect(log.text).toContain(`Job ${id} CANCELLED.`);
  });
});
