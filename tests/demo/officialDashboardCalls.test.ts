/**
 * Every call the official SkyPilot dashboard makes (reference, section 6.3) succeeds against the demo
 * with the fields its pages need.
 */
import request from 'supertest';
import { roundTrip } from '../helpers/api';
import { type DemoApp, startDemoApp } from './demoApp';

let demo: DemoApp;
beforeAll(async () => {
  demo = await startDemoApp();
});
afterAll(async () => demo.close());

const P = '/internal/dashboard';
const ENV = { env_vars: { SKYPILOT_IS_FROM_DASHBOARD: 'true', SKYPILOT_USER_ID: 'local', SKYPILOT_USER: 'local' } };

type Scheduled = [method: 'get' | 'post', path: string, body: object, check: (value: any) => void];

const scheduledCalls: Scheduled[] = [
  [
    'post',
    '/status',
    { ...ENV, cluster_names: null, all_users: true, include_credentials: false, include_handle: false, summary_response: true },
    (rows) => {
      expect(rows.length).toBeGreaterThanOrEqual(5); // clusters.yaml's five, and any activity.yaml launched
      for (const r of rows) {
        expect(Number.isInteger(r.launched_at)).toBe(true);
        expect(typeof r.cloud).toBe('string');
        expect(['UP', 'STOPPED', 'INIT']).toContain(r.status);
        expect(r).toHaveProperty('resources_str');
        expect(r).toHaveProperty('user_hash');
        expect(r).toHaveProperty('workspace');
      }
    },
  ],
  [
    'post',
    '/status',
    { ...ENV, cluster_names: ['lambda-k8s'], all_users: true, summary_response: false },
    (rows) => expect(rows.map((r: { name: string }) => r.name)).toEqual(['lambda-k8s']),
  ],
  [
    'post',
    '/cost_report',
    { ...ENV, days: 30, dashboard_summary_response: true },
    (rows) => {
      expect(rows.some((r: { status: unknown }) => r.status === null)).toBe(true);
      for (const r of rows) expect(typeof r.total_cost).toBe('number');
    },
  ],
  [
    'post',
    '/queue',
    { ...ENV, cluster_name: 'training-multinode-1', all_users: true, override_skypilot_config: { active_workspace: 'ml-team' } },
    (jobs) => expect(jobs.map((j: { job_name: string }) => j.job_name)).toEqual(['eval-checkpoint', 'train-llama-8b', 'data-prep']),
  ],
  [
    'post',
    '/jobs/queue/v2',
    { all_users: true, verbose: true, skip_finished: false, page: 1, limit: 10, fields: ['job_id', 'status', 'user_name'] },
    (v) => {
      // managed_jobs.yaml's seven, and the runs of activity.yaml's streams.
      expect(v.total).toBeGreaterThan(7);
      expect(v.total_no_filter).toBe(v.total);
      expect(Object.keys(v.status_counts).length).toBeGreaterThan(5);
    },
  ],
  [
    'post',
    '/jobs/queue/v2',
    { all_users: true, verbose: true, skip_finished: false, job_ids: ['1'] },
    (v) => expect(v.jobs[0]).toMatchObject({ job_id: 1, job_name: 'llama-3-pretrain', status: 'RUNNING' }),
  ],
  [
    'post',
    '/jobs/queue/v2',
    { skip_finished: true, fields: ['pool', 'status'] },
    (v) => expect(v.jobs.every((j: { status: string }) => !['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(j.status))).toBe(true),
  ],
  [
    'post',
    '/jobs/queue/v2',
    { workspace_match: 'ml-team', fields: ['workspace', 'status'] },
    (v) => expect(v.jobs.every((j: { workspace: string }) => j.workspace === 'ml-team')).toBe(true),
  ],
  ['post', '/jobs/pool_status', { pool_names: null }, (v) => expect(v).toEqual([])],
  ['get', '/workspaces', {}, (v) => expect(Object.keys(v)).toEqual(['default', 'ml-team', 'research-private'])],
  [
    'get',
    '/enabled_clouds/batch?workspaces=default,ml-team,research-private',
    {},
    (v) => expect(v['research-private']).toEqual(['gcp', 'kubernetes']),
  ],
  [
    'get',
    '/enabled_clouds/batch?workspaces=default&expand=true',
    {},
    (v) => expect(v.default).toEqual(['gcp', 'aws', 'kubernetes/lambda-k8s-ctx', 'kubernetes/nebius-mk8s-ctx']),
  ],
  ['get', '/enabled_clouds?workspace=ml-team&expand=true', {}, (v) => expect(v).toContain('kubernetes/nebius-mk8s-ctx')],
  [
    'post',
    '/kubernetes_node_info',
    { context: 'lambda-k8s-ctx' },
    (v) => {
      // Free GPUs are derived from what runs there: the fixtures' own use leaves 7 of node 5, and
      // activity.yaml's runs on the context take more of them at times.
      expect(v.node_info_dict['lambda-gpu-node-5']).toMatchObject({ accelerator_type: 'H100', total: { accelerator_count: 8 } });
      expect(v.node_info_dict['lambda-gpu-node-5'].free.accelerators_available).toBeLessThanOrEqual(7);
    },
  ],
  [
    'post',
    '/realtime_kubernetes_gpu_availability',
    { context: 'nebius-mk8s-ctx' },
    // Requestable quantities as upstream's catalog lists them: powers of two up to a node's count; free
    // GPUs are derived from what runs there (the recovering spot job of managed_jobs.yaml holds 8).
    (v) => {
      const h200 = (v[0][1] as [string, number[], number, number][]).find(([gpu]) => gpu === 'H200')!;
      expect(h200.slice(0, 3)).toEqual(['H200', [1, 2, 4, 8], 16]);
      expect(h200[3]).toBeLessThanOrEqual(8);
    },
  ],
  ['post', '/slurm_gpu_availability', {}, (v) => expect(v).toEqual([])],
  ['post', '/slurm_node_info', {}, (v) => expect(v).toEqual([])],
  [
    'get',
    '/volumes',
    {},
    (v) => expect(v.map((x: { name: string }) => x.name)).toEqual(['shared-workspace', 'model-checkpoints', 'ml-datasets']),
  ],
];

describe('official dashboard calls against the demo', () => {
  it.each(scheduledCalls)('%s %s %j', async (method, path, body, check) => {
    const result = await roundTrip<any>(demo.app, `${P}${path}`, { method, body });
    expect(result.status).toBe(200);
    expect(result.payload.status).toBe('SUCCEEDED');
    check(result.value);
  });

  it.each([
    [
      '/api/health',
      (b: any) => expect(b).toMatchObject({ version: expect.any(String), commit: expect.any(String), user: { name: 'alice@skypilot.co' } }),
    ],
    ['/api/plugins', (b: any) => expect(b).toEqual({ plugins: [] })],
    ['/users/role', (b: any) => expect(b).toMatchObject({ name: 'alice@skypilot.co', role: 'admin' })],
    [
      '/users',
      (b: any) => expect(b.map((u: { name: string }) => u.name)).toEqual(['alice@skypilot.co', 'bob@skypilot.co', 'mike@skypilot.co']),
    ],
    ['/ssh_node_pools', (b: any) => expect(b).toEqual({})],
  ])('GET %s (direct)', async (path, check) => {
    const res = await request(demo.app).get(`${P}${path}`);
    expect(res.status).toBe(200);
    check(res.body);
  });

  it('streams cluster and managed-job logs', async () => {
    const logs = await request(demo.app)
      .post(`${P}/logs`)
      .send({ follow: false, cluster_name: 'training-multinode-1', job_id: 2, tail: 10000 });
    expect(logs.status).toBe(200);
    expect(logs.text).toContain('loss');
    const jobLogs = await request(demo.app).post(`${P}/jobs/logs`).send({ controller: false, follow: false, job_id: 1, tail: 5000 });
    expect(jobLogs.status).toBe(200);
    expect(jobLogs.text).toContain('recovering');
  });

  it('answers the Grafana probe with a 204 so no iframes are embedded and no error is logged', async () => {
    const res = await request(demo.app).get('/grafana/api/health');
    expect(res.status).toBe(204);
  });
});
