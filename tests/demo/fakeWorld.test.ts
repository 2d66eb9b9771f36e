/**
 * The fake world: real domain objects, deep copies per call (also under concurrency), offsets from a
 * pinned "now", filters honoured, and no database ever opened (temporary HOME).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudVmRayResourceHandle } from '../../src/state/cloudVmRayResourceHandle';
import { AWS, GCP, Kubernetes } from '../../src/state/clouds';
import { currentUser } from '../../src/state/currentUser';
import { stateStore } from '../../src/state/stateStore';
import { stateQueries } from '../../src/state/stateQueries';
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import { Resources } from '../../src/state/resources';
import { type DemoApp, PINNED_NOW, startDemoApp, stillFixtures } from './demoApp';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sky-home-'));
const savedHome = process.env.HOME;
let demo: DemoApp;

beforeAll(async () => {
  process.env.HOME = home;
  process.env.SKYPILOT_NOW = PINNED_NOW;
  demo = await startDemoApp({ fixturesDir: stillFixtures() });
});
afterAll(async () => {
  await demo.close();
  process.env.HOME = savedHome;
  delete process.env.SKYPILOT_NOW;
});

const NOW = Date.parse(PINNED_NOW) / 1000;

describe('fake world', () => {
  it('serves the five clusters as real domain objects', async () => {
    const clusters = await globalUserState.getClusters();
    expect(clusters.map((c) => c.name).sort()).toEqual([
      'dev-cluster-alice',
      'inference-cluster',
      'lambda-k8s',
      'nebius-k8s',
      'training-multinode-1',
    ]);
    for (const c of clusters) {
      expect(c.handle).toBeInstanceOf(CloudVmRayResourceHandle);
      expect(c.handle.launchedResources).toBeInstanceOf(Resources);
    }
    const byName = Object.fromEntries(clusters.map((c) => [c.name, c]));
    expect(byName['lambda-k8s'].handle.launchedResources.cloud).toBeInstanceOf(Kubernetes);
    expect(byName['lambda-k8s'].handle.launchedResources.instanceType).toBe('8CPU--32GB--H100:1');
    expect(byName['nebius-k8s'].handle.launchedResources.instanceType).toBe('4CPU--16GB');
    expect(byName['dev-cluster-alice'].handle.launchedResources.cloud).toBeInstanceOf(AWS);
    const training = byName['training-multinode-1'];
    expect(training.handle.launchedResources.cloud).toBeInstanceOf(GCP);
    expect(training.handle.launchedNodes).toBe(4);
    expect(training.handle.launchedResources.accelerators).toEqual({ A100: 8 });
    expect(byName['inference-cluster'].handle.launchedResources.accelerators).toEqual({ A100: 1 });
    expect(new Set(clusters.map((c) => c.status))).toEqual(new Set(['UP', 'STOPPED']));
    expect(training.lastCreationYaml).toContain('torchrun');
    expect(byName['dev-cluster-alice'].handle.headIp).toBeNull(); // stopped: no addresses
    expect(training.handle.headIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('writes times as offsets from the pinned now', async () => {
    const training = await stateQueries.getClusterFromName('training-multinode-1');
    expect(training!.launchedAt).toBe(NOW - 5 * 3600);
    const alice = await stateQueries.getClusterFromName('dev-cluster-alice');
    expect(alice!.launchedAt).toBe(NOW - 6 * 86400);
  });

  it('hands out deep copies with fresh handles on every call', async () => {
    const first = await stateQueries.getClusterFromName('training-multinode-1');
    first!.name = 'mutated';
    first!.handle.launchedNodes = 99;
    first!.handle.stableInternalExternalIps!.push(['1.1.1.1', '2.2.2.2']);
    first!.lastCreationYaml = '';
    const second = await stateQueries.getClusterFromName('training-multinode-1');
    expect(second!.name).toBe('training-multinode-1');
    expect(second!.handle.launchedNodes).toBe(4);
    expect(second!.handle.stableInternalExternalIps).toHaveLength(4);
    expect(second!.handle).not.toBe(first!.handle);
    expect(second!.lastCreationYaml).toContain('torchrun');

    const jobs = await managedJobsState.getJobs();
    jobs.jobs[0].status = 'FAILED';
    jobs.jobs.length = 0;
    expect((await managedJobsState.getJobs()).jobs.length).toBeGreaterThan(5);
    const ws = await globalUserState.getWorkspaces();
    (ws['ml-team'] as Record<string, unknown>).gcp = 'broken';
    expect((await globalUserState.getWorkspaces())['ml-team']).toMatchObject({ gcp: { project_id: 'ml-team-prod' } });
  });

  it('keeps concurrent callers apart', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => globalUserState.getClusters()));
    const handles = new Set(results.flatMap((list) => list.map((c) => c.handle)));
    expect(handles.size).toBe(50 * 5);
    await Promise.all(
      results.map(async (list, i) => {
        list[0].handle.launchedNodes = 1000 + i;
        list[0].autostop = i;
      }),
    );
    const again = await globalUserState.getClusters();
    expect(again.map((c) => c.handle.launchedNodes).every((n) => n < 1000)).toBe(true);
  });

  it('honours cluster filters', async () => {
    const ml = await globalUserState.getClusters({ workspaces: ['ml-team'] });
    expect(ml.map((c) => c.name).sort()).toEqual(['inference-cluster', 'training-multinode-1']);
    const alice = currentUser.getUserHash();
    const mine = await globalUserState.getClusters({ userHashes: [alice] });
    expect(mine.map((c) => c.name).sort()).toEqual(['dev-cluster-alice', 'training-multinode-1']);
  });

  it('fakes the current user as alice, whatever the client sends', () => {
    expect(currentUser.getCurrentUser({ envVars: { SKYPILOT_USER_ID: 'deadbeef', SKYPILOT_USER: 'eve' } })).toEqual({
      id: currentUser.getUserHash(),
      name: 'alice@skypilot.co',
    });
  });

  it('has users, roles, clouds and Kubernetes nodes', async () => {
    const users = await globalUserState.getAllUsers();
    expect(users.map((u) => [u.name, u.role])).toEqual([
      ['alice@skypilot.co', 'admin'],
      ['bob@skypilot.co', 'user'],
      ['mike@skypilot.co', 'viewer'],
    ]);
    for (const u of users) expect(u.id).toMatch(/^[0-9a-f]{8}$/);
    const clouds = await globalUserState.getCachedEnabledClouds('default');
    expect(clouds.map((c) => c.name)).toEqual(['GCP', 'AWS', 'Kubernetes']);
    expect(clouds[0]).toBeInstanceOf(GCP);
    const { jobs, statusCounts } = await managedJobsState.getJobs();
    expect(new Set(jobs.map((j) => j.status))).toEqual(
      new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'PENDING', 'CANCELLED', 'RECOVERING', 'STARTING']),
    );
    expect(statusCounts.RUNNING).toBe(1);
  });

  it('never opens or creates the state database', () => {
    expect(stateStore.openedTarget()).toBeNull();
    expect(fs.existsSync(path.join(home, '.sky', 'state.db'))).toBe(false);
  });
});
