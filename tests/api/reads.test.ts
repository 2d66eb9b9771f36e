/** Reads carry the fields the dashboard needs; the state seam reaches them from the API. */
import request from 'supertest';
import sinon from 'sinon';
import type { ClusterJobRecord, CostReportRecord, ManagedJobsPage, StatusRecord, UserRecord, VolumeRecord } from '../../src/api/wireTypes';
import { GCP, Kubernetes } from '../../src/state/clouds';
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import { call, roundTrip, useApiHarness } from '../helpers/api';
import { USER_A, USER_B, gcpA100, k8sH100, makeClusterRecord, makeHandle, seedCluster } from '../helpers/fixtures';

const h = useApiHarness();
const DASHBOARD_ENV = { env_vars: { SKYPILOT_USER_ID: USER_A, SKYPILOT_USER: 'alice', SKYPILOT_IS_FROM_DASHBOARD: 'true' } };

beforeAll(async () => {
  await globalUserState.addOrUpdateUser({ id: USER_A, name: 'alice' });
  await globalUserState.addOrUpdateUser({ id: USER_B, name: 'bob' });
  await seedCluster('r-aws', { userHash: USER_A });
  await seedCluster('r-gcp', { ...gcpA100(), userHash: USER_B, workspace: 'ml' });
  await seedCluster('r-k8s', { ...k8sH100(), userHash: USER_A, ready: false });
  await seedCluster('r-old', { userHash: USER_B });
  await globalUserState.removeCluster('r-old', true);
  await globalUserState.setEnabledClouds(['aws', 'gcp', 'kubernetes'], 'default');
  await globalUserState.setEnabledClouds(['gcp'], 'ml');
  await globalUserState.setWorkspace('ml', { private: false });
  const j1 = await globalUserState.addClusterJob({ clusterName: 'r-aws', jobName: 'prep', userHash: USER_A, resources: '1x[CPU:1]' });
  await globalUserState.setClusterJobStatus('r-aws', j1, 'SUCCEEDED');
  await globalUserState.addClusterJob({
    clusterName: 'r-aws',
    jobName: 'train',
    userHash: USER_B,
    resources: '1x[CPU:1]',
    status: 'RUNNING',
  });
  for (const [name, user] of [
    ['mj-a', USER_A],
    ['mj-b', USER_B],
    ['mj-c', USER_A],
    ['mj-d', USER_B],
  ] as const) {
    const id = await managedJobsState.addJob({
      name,
      userHash: user,
      resources: '1x[A100:8]',
      launchedResources: makeHandle(name, gcpA100()).launchedResources,
      numNodes: 4,
    });
    if (name !== 'mj-d') await managedJobsState.setJobStatus(id, 'RUNNING');
    if (name === 'mj-b') await managedJobsState.setJobStatus(id, 'SUCCEEDED');
  }
  await globalUserState.addVolume({
    name: 'vol-1',
    type: 'k8s-pvc',
    launchedAt: 1_760_000_000,
    cloud: new Kubernetes(),
    region: 'kind-ctx',
    zone: null,
    sizeGb: 100,
    config: { storage_class_name: 'standard', access_mode: 'ReadWriteOnce', namespace: 'default' },
    nameOnCloud: 'vol-1-aaaa',
    userHash: USER_A,
    workspace: 'default',
    lastAttachedAt: null,
    lastUse: 'sky volumes apply',
    status: 'READY',
    usedbyPods: [],
    usedbyClusters: ['r-k8s'],
  });
});

const REQUIRED_STATUS_FIELDS = [
  'name',
  'launched_at',
  'status',
  'autostop',
  'to_down',
  'cluster_hash',
  'cluster_ever_up',
  'user_hash',
  'user_name',
  'workspace',
  'is_managed',
  'nodes',
];

describe('/status', () => {
  it('rows have the required fields, integer launched_at and a non-null cloud', async () => {
    const rows = await call<StatusRecord[]>(h.app, '/status', { body: DASHBOARD_ENV });
    expect(rows.map((r) => r.name).sort()).toEqual(['r-aws', 'r-gcp', 'r-k8s']);
    for (const row of rows) {
      for (const field of REQUIRED_STATUS_FIELDS) expect(row).toHaveProperty(field);
      expect(Number.isInteger(row.launched_at)).toBe(true);
      expect(row.cloud).toEqual(expect.any(String));
      expect(row.handle).toBeUndefined();
    }
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName['r-aws']).toMatchObject({
      cloud: 'AWS',
      status: 'UP',
      nodes: 1,
      resources_str: '1x AWS(m6i.2xlarge)',
      user_name: 'alice',
      workspace: 'default',
      region: 'us-east-1',
      cpus: '8',
      memory: '32',
    });
    expect(byName['r-gcp']).toMatchObject({
      cloud: 'GCP',
      nodes: 4,
      resources_str: "4x GCP(a2-highgpu-8g, {'A100': 8})",
      accelerators: "{'A100': 8}",
      user_name: 'bob',
      workspace: 'ml',
    });
    expect(byName['r-k8s']).toMatchObject({
      cloud: 'Kubernetes',
      status: 'INIT',
      cluster_ever_up: false,
      resources_str: '2x Kubernetes(2CPU--8GB--H100:1)',
      region: 'kind-ctx',
    });
  });

  it('filters by cluster_names (globs) and all_users=false', async () => {
    const some = await call<StatusRecord[]>(h.app, '/status', { body: { cluster_names: ['r-a*', 'r-gcp'] } });
    expect(some.map((r) => r.name).sort()).toEqual(['r-aws', 'r-gcp']);
    const single = await call<StatusRecord[]>(h.app, '/status', { body: { cluster_names: 'r-k8s' } });
    expect(single.map((r) => r.name)).toEqual(['r-k8s']);
    const mine = await call<StatusRecord[]>(h.app, '/status', { body: { ...DASHBOARD_ENV, all_users: false } });
    expect(mine.map((r) => r.name).sort()).toEqual(['r-aws', 'r-k8s']);
  });

  it('include_handle adds the handle as plain JSON', async () => {
    const [row] = await call<StatusRecord[]>(h.app, '/status', { body: { cluster_names: ['r-aws'], include_handle: true } });
    expect(row.handle).toMatchObject({ cluster_name: 'r-aws', launched_nodes: 1, launched_resources: { cloud: 'AWS' } });
  });
});

describe('the seam from the API', () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it('replacing getClusters changes what /status returns', async () => {
    const record = makeClusterRecord('stubbed-only', {
      handle: makeHandle('stubbed-only', { cloud: new GCP(), instanceType: 'n2-standard-8', region: 'europe-west4', nodes: 3 }),
      status: 'STOPPED',
      autostop: 45,
      toDown: true,
      userHash: USER_B,
      userName: 'bob',
      workspace: 'ml',
      launchedAt: 1_750_000_000.7,
    });
    const fake = sinon.fake.resolves([record]);
    sandbox.replace(globalUserState, 'getClusters', fake);

    const rows = await call<StatusRecord[]>(h.app, '/status');

    expect(fake.called).toBe(true);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      name: 'stubbed-only',
      status: 'STOPPED',
      autostop: 45,
      to_down: true,
      cloud: 'GCP',
      region: 'europe-west4',
      nodes: 3,
      resources_str: '3x GCP(n2-standard-8)',
      user_name: 'bob',
      workspace: 'ml',
      launched_at: 1_750_000_000,
      cluster_hash: record.clusterHash,
    });
  });

  it('after restore /status reads the database again', async () => {
    const rows = await call<StatusRecord[]>(h.app, '/status');
    expect(rows.map((r) => r.name)).not.toContain('stubbed-only');
    expect(rows.map((r) => r.name)).toContain('r-aws');
  });

  it('a throwing fake fails the request with a typed error, not a crash', async () => {
    sandbox.replace(globalUserState, 'getClusters', sinon.fake.rejects(new Error('db is on fire')));
    const res = await request(h.app).post('/status').send({});
    const got = await request(h.app).get('/api/get').query({ request_id: res.headers['x-skypilot-request-id'] });
    expect(got.status).toBe(500);
    expect(JSON.parse(got.body.detail.error)).toMatchObject({ type: 'InternalError', message: 'db is on fire' });
    expect(got.text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('other reads', () => {
  it('/cost_report has live and terminated clusters with costs', async () => {
    const report = await call<CostReportRecord[]>(h.app, '/cost_report', { body: { days: 30 } });
    const byName = Object.fromEntries(report.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(['r-aws', 'r-gcp', 'r-k8s', 'r-old']);
    expect(byName['r-old'].status).toBeNull();
    expect(byName['r-aws'].status).toBe('UP');
    for (const r of report) {
      expect(Number.isInteger(r.launched_at)).toBe(true);
      expect(r.cloud).toEqual(expect.any(String));
      expect(r.total_cost).toBeGreaterThanOrEqual(0);
      expect(Array.isArray(r.usage_intervals)).toBe(true);
    }
    const summary = await call<CostReportRecord[]>(h.app, '/cost_report', { body: { dashboard_summary_response: true } });
    expect(summary[0].usage_intervals).toBeUndefined();
  });

  it('/enabled_clouds per workspace, lower case', async () => {
    expect(await call(h.app, '/enabled_clouds', { method: 'get' })).toEqual(['aws', 'gcp', 'kubernetes']);
    expect(await call(h.app, '/enabled_clouds?workspace=ml', { method: 'get' })).toEqual(['gcp']);
  });

  it('/enabled_clouds/batch?workspaces=default,ml', async () => {
    expect(await call(h.app, '/enabled_clouds/batch?workspaces=default,ml', { method: 'get' })).toEqual({
      default: ['aws', 'gcp', 'kubernetes'],
      ml: ['gcp'],
    });
  });

  it('/queue lists the cluster jobs, newest first; skip_finished drops finished ones', async () => {
    const jobs = await call<ClusterJobRecord[]>(h.app, '/queue', { body: { cluster_name: 'r-aws' } });
    expect(jobs.map((j) => [j.job_id, j.job_name, j.status, j.username])).toEqual([
      [2, 'train', 'RUNNING', 'bob'],
      [1, 'prep', 'SUCCEEDED', 'alice'],
    ]);
    const active = await call<ClusterJobRecord[]>(h.app, '/queue', { body: { cluster_name: 'r-aws', skip_finished: true } });
    expect(active.map((j) => j.job_id)).toEqual([2]);
    const missing = await roundTrip(h.app, '/queue', { body: { cluster_name: 'no-such' } });
    expect(missing.error!.type).toBe('ClusterDoesNotExist');
  });

  it('/jobs/queue/v2 returns {jobs, total, total_no_filter, status_counts} and accepts string job ids', async () => {
    const page = await call<ManagedJobsPage>(h.app, '/jobs/queue/v2', { body: {} });
    expect(Object.keys(page).sort()).toEqual(['jobs', 'status_counts', 'total', 'total_no_filter']);
    expect(page.total).toBe(4);
    expect(page.total_no_filter).toBe(4);
    expect(page.status_counts).toEqual({ RUNNING: 2, SUCCEEDED: 1, PENDING: 1 });
    expect(page.jobs[0]).toMatchObject({ job_id: 4, _job_id: 4, job_name: 'mj-d', status: 'PENDING', user_name: 'bob' });
    expect(page.jobs.find((j) => j.job_id === 1)).toMatchObject({
      cloud: 'GCP',
      resources: '1x[A100:8]',
      cluster_resources: '4x(gpus=A100:8, ...)',
      accelerators: { A100: 8 },
    });

    const byId = await call<ManagedJobsPage>(h.app, '/jobs/queue/v2', { body: { job_ids: ['3'] } });
    expect(byId.jobs.map((j) => j.job_id)).toEqual([3]);
    expect(byId.jobs[0].job_name).toBe('mj-c');

    const paged = await call<ManagedJobsPage>(h.app, '/jobs/queue/v2', {
      body: { page: 2, limit: 2, statuses: ['RUNNING', 'PENDING', 'SUCCEEDED'], fields: ['status'] },
    });
    expect(paged.jobs.map((j) => j.job_id)).toEqual([2, 1]);
    expect(Object.keys(paged.jobs[0]).sort()).toEqual(['_job_id', 'job_id', 'job_name', 'status']);
    expect(paged.total).toBe(4);
  });

  it('/users, /users/role', async () => {
    const users = (await request(h.app).get('/users').expect(200)).body as UserRecord[];
    expect(users.map((u) => u.name)).toEqual(expect.arrayContaining(['alice', 'bob']));
    for (const u of users) expect(Object.keys(u).sort()).toEqual(['created_at', 'id', 'name', 'role', 'user_type']);
    const role = await request(h.app).get('/users/role').expect(200);
    expect(role.body).toMatchObject({ role: 'admin' });
    expect(role.body.id).toMatch(/^[0-9a-f]{8}$/);
  });

  it('/workspaces', async () => {
    expect(await call(h.app, '/workspaces', { method: 'get' })).toEqual({ default: {}, ml: { private: false } });
  });

  it('/kubernetes_node_info', async () => {
    const info = await call<{ node_info_dict: object; hint: string }>(h.app, '/kubernetes_node_info', { body: { context: 'kind-ctx' } });
    expect(info.node_info_dict).toEqual({});
    expect(info.hint).toMatch(/kind-ctx/);
  });

  it('/volumes', async () => {
    const volumes = await call<VolumeRecord[]>(h.app, '/volumes', { method: 'get' });
    expect(volumes).toHaveLength(1);
    expect(volumes[0]).toMatchObject({
      name: 'vol-1',
      type: 'k8s-pvc',
      cloud: 'Kubernetes',
      size: '100',
      user_name: 'alice',
      usedby_clusters: ['r-k8s'],
      launched_at: 1_760_000_000,
    });
  });

  it('/ssh_node_pools and /api/plugins', async () => {
    expect((await request(h.app).get('/ssh_node_pools').expect(200)).body).toEqual({});
    expect((await request(h.app).get('/api/plugins').expect(200)).body).toEqual({ plugins: [] });
  });

  it('/api/completion/cluster_name', async () => {
    expect((await request(h.app).get('/api/completion/cluster_name?incomplete=r-').expect(200)).body).toEqual(['r-aws', 'r-gcp', 'r-k8s']);
  });

  it('a scheduled request with env_vars registers the caller as a user', async () => {
    await call(h.app, '/status', { body: { env_vars: { SKYPILOT_USER_ID: 'cafe0001', SKYPILOT_USER: 'erin' } } });
    expect((await globalUserState.getUser('cafe0001'))!.name).toBe('erin');
  });
});
