/** Cluster lifecycle, history, filters, enabled clouds and the seam. */
import sinon from 'sinon';
import { AWS, GCP, Kubernetes } from '../../src/state/clouds';
import { stateQueries } from '../../src/state/stateQueries';
import { globalUserState } from '../../src/state/globalUserState';
import { USER_A, USER_B, makeClusterRecord, seedCluster } from '../helpers/fixtures';
import { useTempStateDb } from '../helpers/tempState';

useTempStateDb();

const T0 = Date.UTC(2025, 9, 1, 12, 0, 0);

describe('terminate and stop', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    // Only Date: SQLite and jest keep their real timers.
    clock = sinon.useFakeTimers({ now: T0, toFake: ['Date'] });
  });
  afterEach(() => clock.restore());

  it('terminating moves a cluster to history with status null and a closed interval', async () => {
    const launched = await seedCluster('doomed');
    expect(launched.status).toBe('UP');
    expect(launched.launchedAt).toBe(T0 / 1000);
    clock.tick(90 * 60 * 1000); // 90 minutes of use

    await globalUserState.removeCluster('doomed', true);

    expect(await stateQueries.getClusterFromName('doomed')).toBeNull();
    const history = await globalUserState.getClustersFromHistory();
    const entry = history.find((h) => h.name === 'doomed');
    expect(entry).toBeDefined();
    expect(entry!.status).toBeNull();
    expect(entry!.clusterHash).toBe(launched.clusterHash);
    expect(entry!.usageIntervals).toEqual([[T0 / 1000, T0 / 1000 + 5400]]);
    expect(entry!.durationSeconds).toBe(5400);
    expect(entry!.durationSeconds).toBeGreaterThan(0);
    expect(entry!.lastEvent).toBe('Cluster terminated.');
    // Time passing after termination does not grow the duration.
    clock.tick(3600_000);
    const later = (await globalUserState.getClustersFromHistory()).find((h) => h.name === 'doomed')!;
    expect(later.durationSeconds).toBe(5400);
  });

  it('stopping sets STOPPED, clears IPs and closes the interval; history says STOPPED', async () => {
    const launched = await seedCluster('sleepy');
    expect(launched.handle.headIp).not.toBeNull();
    clock.tick(600_000);

    await globalUserState.removeCluster('sleepy', false);

    const stopped = await stateQueries.getClusterFromName('sleepy');
    expect(stopped!.status).toBe('STOPPED');
    expect(stopped!.handle.stableInternalExternalIps).toBeNull();
    expect(stopped!.handle.headIp).toBeNull();
    expect(stopped!.statusUpdatedAt).toBe(T0 / 1000 + 600);
    const entry = (await globalUserState.getClustersFromHistory()).find((h) => h.name === 'sleepy')!;
    expect(entry.status).toBe('STOPPED');
    expect(entry.usageIntervals).toEqual([[T0 / 1000, T0 / 1000 + 600]]);
    expect(entry.durationSeconds).toBe(600);
    const events = await globalUserState.getClusterEvents('sleepy');
    expect(events.map((e) => e.reason)).toEqual(['Cluster is up.', 'Cluster stopped.']);
    expect(events[1]).toMatchObject({ startingStatus: 'UP', endingStatus: 'STOPPED' });
  });

  it('restarting a stopped cluster opens a second interval and resets autostop', async () => {
    await seedCluster('cycle');
    await globalUserState.setClusterAutostopValue('cycle', 10, true);
    clock.tick(60_000);
    await globalUserState.removeCluster('cycle', false);
    clock.tick(60_000);
    const restarted = await seedCluster('cycle');
    expect(restarted.status).toBe('UP');
    expect(restarted.autostop).toBe(-1);
    expect(restarted.toDown).toBe(false);
    const entry = (await globalUserState.getClustersFromHistory()).find((h) => h.name === 'cycle')!;
    expect(entry.usageIntervals).toEqual([
      [T0 / 1000, T0 / 1000 + 60],
      [T0 / 1000 + 120, null],
    ]);
    clock.tick(30_000);
    const running = (await globalUserState.getClustersFromHistory()).find((h) => h.name === 'cycle')!;
    expect(running.durationSeconds).toBe(60 + 30);
  });

  it('removing or updating a missing cluster fails with ClusterDoesNotExist', async () => {
    await expect(globalUserState.removeCluster('ghost', true)).rejects.toMatchObject({ type: 'ClusterDoesNotExist' });
    await expect(globalUserState.setClusterStatus('ghost', 'UP')).rejects.toMatchObject({ type: 'ClusterDoesNotExist' });
    await expect(globalUserState.setClusterAutostopValue('ghost', 5, false)).rejects.toMatchObject({ type: 'ClusterDoesNotExist' });
  });
});

describe('getClusters filters', () => {
  let clock: sinon.SinonFakeTimers;
  beforeAll(async () => {
    clock = sinon.useFakeTimers({ now: T0 + 86400_000, toFake: ['Date'] });
    await seedCluster('f-old', { userHash: USER_A, workspace: 'default' });
    clock.tick(1000);
    await seedCluster('f-mid', { userHash: USER_B, workspace: 'ml', cloud: new GCP(), instanceType: 'n2-standard-8' });
    clock.tick(1000);
    await seedCluster('f-new', { userHash: USER_A, workspace: 'ml' });
    clock.restore();
  });

  const names = (records: { name: string }[]) => records.map((r) => r.name).filter((n) => n.startsWith('f-'));

  it('lists the newest launch first', async () => {
    expect(names(await globalUserState.getClusters())).toEqual(['f-new', 'f-mid', 'f-old']);
  });

  it('filters by workspaces', async () => {
    expect(names(await globalUserState.getClusters({ workspaces: ['ml'] }))).toEqual(['f-new', 'f-mid']);
    expect(names(await globalUserState.getClusters({ workspaces: ['default'] }))).toEqual(['f-old']);
    expect(await globalUserState.getClusters({ workspaces: ['nowhere'] })).toEqual([]);
  });

  it('filters by user hashes', async () => {
    expect(names(await globalUserState.getClusters({ userHashes: [USER_B] }))).toEqual(['f-mid']);
    expect(names(await globalUserState.getClusters({ userHashes: [USER_A, USER_B] }))).toEqual(['f-new', 'f-mid', 'f-old']);
  });

  it('filters by cluster names and combines filters', async () => {
    expect(names(await globalUserState.getClusters({ clusterNames: ['f-old', 'f-new'] }))).toEqual(['f-new', 'f-old']);
    expect(names(await globalUserState.getClusters({ workspaces: ['ml'], userHashes: [USER_A] }))).toEqual(['f-new']);
  });

  it('an empty filter list matches nothing', async () => {
    expect(await globalUserState.getClusters({ clusterNames: [] })).toEqual([]);
  });

  it('glob and prefix lookups go through getClusters', async () => {
    expect(await stateQueries.getGlobClusterNames('f-*')).toEqual(['f-mid', 'f-new', 'f-old']);
    expect(await stateQueries.getClusterNamesStartWith('f-n')).toEqual(['f-new']);
  });
});

describe('enabled clouds', () => {
  it('come back as cloud objects, per workspace', async () => {
    await globalUserState.setEnabledClouds([new AWS(), 'gcp', 'Kubernetes'], 'default');
    await globalUserState.setEnabledClouds(['kubernetes'], 'ml');

    const defaults = await globalUserState.getCachedEnabledClouds('default');
    expect(defaults).toHaveLength(3);
    expect(defaults[0]).toBeInstanceOf(AWS);
    expect(defaults[1]).toBeInstanceOf(GCP);
    expect(defaults[2]).toBeInstanceOf(Kubernetes);
    expect(defaults.map((c) => c.canonicalName)).toEqual(['aws', 'gcp', 'kubernetes']);

    const ml = await globalUserState.getCachedEnabledClouds('ml');
    expect(ml).toHaveLength(1);
    expect(ml[0]).toBeInstanceOf(Kubernetes);

    expect(await globalUserState.getCachedEnabledClouds('empty-ws')).toEqual([]);
    expect(await globalUserState.getCachedEnabledClouds('default', 'storage')).toEqual([]);
  });

  it('an unknown cloud name is refused on write', async () => {
    await expect(globalUserState.setEnabledClouds(['openstack'], 'default')).rejects.toMatchObject({ type: 'NotSupportedError' });
    expect(await globalUserState.getCachedEnabledClouds('default')).toHaveLength(3);
  });
});

describe('the seam reaches internal calls', () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it('getClusterFromName uses a replaced getClusters', async () => {
    const fake = sinon.fake.resolves([makeClusterRecord('x', { status: 'STOPPED' })]);
    sandbox.replace(globalUserState, 'getClusters', fake);

    const record = await stateQueries.getClusterFromName('x');

    expect(fake.calledOnce).toBe(true);
    expect(fake.firstCall.args[0]).toEqual({ clusterNames: ['x'] });
    expect(record!.name).toBe('x');
    expect(record!.status).toBe('STOPPED');
    // fake.resolves hands out the same record every time, so the handle is the same instance.
    expect(await stateQueries.getHandleFromClusterName('x')).toBe(record!.handle);
    expect(fake.callCount).toBe(2);
  });

  it('other internal callers see the fake too, and restore brings the real function back', async () => {
    sandbox.replace(globalUserState, 'getClusters', sinon.fake.resolves([makeClusterRecord('only-fake')]));
    expect(await stateQueries.getClusterNamesStartWith('only')).toEqual(['only-fake']);
    sandbox.restore();
    expect(await stateQueries.getClusterNamesStartWith('only')).toEqual([]);
  });
});
