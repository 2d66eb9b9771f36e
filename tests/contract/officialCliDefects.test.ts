/**
 * The official CLI's defects against this server, each replayed with the client's exact request
 * (`sky/client/sdk.py`, `sky/client/cli/command.py`) and decoded as the client decodes the answer
 * (python3, tests/helpers/officialDecode.py):
 * - `sky api logs <prefix>`: the stream echoes the id the client sent (the CLI asserts it), and
 *   streamed requests (`sky logs`, `sky jobs logs`) and `sky stop` keep their output as their log;
 * - `sky api status <prefix>`: prefixes match, finished requests included;
 * - `sky gpus list A100`: name, quantity and SSH filters;
 * - `sky jobs logs --controller`: the controller's log, not the job's;
 * - `sky start`: the request's log does not say "started." (the CLI prints it once itself);
 * - `sky queue` / `sky logs` / `sky cancel` on a STOPPED cluster: upstream's ClusterNotUpError.
 */
import request from 'supertest';
import type { NodeInfo } from '../../src/api/wireTypes';
import { kubernetesInfra } from '../../src/infra/kubernetesInfra';
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import { REQUEST_ID_HEADER, fetchResult, schedule, useApiHarness } from '../helpers/api';
import { USER_A, seedCluster } from '../helpers/fixtures';
import { decodeInPython } from '../helpers/decodeInPython';

const CLI = { 'X-SkyPilot-API-Version': '49', 'X-SkyPilot-Version': '1.0.0.dev20260301' };
const BASE = {
  env_vars: { SKYPILOT_USER_ID: USER_A, SKYPILOT_USER: 'alice' },
  entrypoint: 'sky',
  entrypoint_command: 'sky',
  using_remote_api_server: true,
  override_skypilot_config: null,
  override_skypilot_config_path: null,
  file_mounts_blob_id: null,
};

const h = useApiHarness();

/** `sdk.get(request_id)` then the client's decoder. */
async function decodedResult(requestId: string) {
  const result = await fetchResult(h.app, requestId);
  return decodeInPython([{ kind: 'payload', http_status: result.status, payload: result.payload }])[0];
}

/** `sdk.stream_and_get(request_id)`'s GET, as `sky api logs <id>` sends it. */
const apiLogs = (id: string) => request(h.app).get('/api/stream').query({ request_id: id, follow: 'True', format: 'console' }).set(CLI);

const node = (name: string, gpu: string, total: number, free: number, extra: Partial<NodeInfo> = {}): NodeInfo => ({
  name,
  accelerator_type: gpu,
  total: { accelerator_count: total },
  free: { accelerators_available: free },
  ip_address: null,
  ...extra,
});
const NODES: Record<string, NodeInfo[]> = {
  'gke-ctx': [node('a1', 'A100', 8, 5), node('a2', 'A100-80GB', 4, 4), node('h1', 'H100', 8, 8)],
  'kind-ctx': [node('h2', 'H100', 8, 8, { is_cordoned: true }), node('l1', 'L40S', 2, 1)],
  'ssh-my-pool': [node('s1', 'A100', 2, 2)],
};
const saved = { ...kubernetesInfra };

beforeAll(async () => {
  kubernetesInfra.getAllContexts = async () => Object.keys(NODES);
  kubernetesInfra.getNodeInfo = async (context) => ({
    node_info_dict: Object.fromEntries((NODES[context ?? ''] ?? []).map((n) => [n.name, n])),
    hint: '',
  });
  await seedCluster('up-1');
  await seedCluster('stopped-1', { ready: false });
  await globalUserState.removeCluster('stopped-1', false);
  const job = await globalUserState.addClusterJob({ clusterName: 'up-1', jobName: 'train', userHash: USER_A, resources: '1x' });
  await globalUserState.appendClusterJobLog('up-1', job, 'epoch 1\nepoch 2\n');
  await globalUserState.setClusterJobStatus('up-1', job, 'SUCCEEDED');
});
afterAll(() => Object.assign(kubernetesInfra, saved));

describe('sky api logs / sky api status', () => {
  it('`sky logs` output is kept; `sky api logs <prefix>` echoes the prefix and replays it', async () => {
    const logs = await request(h.app)
      .post('/logs')
      .set(CLI)
      .send({ ...BASE, cluster_name: 'up-1', job_id: 1, follow: false, tail: 0 });
    expect(logs.text).toBe('epoch 1\nepoch 2\n');
    const id: string = logs.headers[REQUEST_ID_HEADER];
    const replay = await apiLogs(id.slice(0, 8));
    // `stream_and_get`: `assert request_id == stream_request_id`.
    expect(replay.headers['x-skypilot-stream-request-id']).toBe(id.slice(0, 8));
    expect(replay.text).toBe('epoch 1\nepoch 2\n');
    expect(await decodedResult(id)).toEqual({ ok: true, summary: { name: 'sky.logs', value: 0 } });
  });

  it("a full id is echoed as sent, and `sky stop`'s request has a log", async () => {
    await seedCluster('to-stop');
    const id = await schedule(h.app, '/stop', { body: { ...BASE, cluster_name: 'to-stop', purge: false }, headers: CLI });
    await fetchResult(h.app, id);
    const replay = await apiLogs(id);
    expect(replay.headers['x-skypilot-stream-request-id']).toBe(id);
    expect(replay.text).toMatch(/^Stopping cluster to-stop \(\d+ nodes?\); its disks are kept\.\n$/);
  });

  it('`sky api status <prefix>` shows the finished request (all_status=False, as the CLI sends)', async () => {
    const id = await schedule(h.app, '/status', { body: { ...BASE }, headers: CLI });
    await fetchResult(h.app, id);
    const res = await request(h.app)
      .get('/api/status')
      .query({ request_ids: id.slice(0, 6), all_status: 'False' })
      .set(CLI);
    const [rows] = decodeInPython([{ kind: 'status_rows', rows: res.body }]);
    expect(rows.summary).toEqual([expect.objectContaining({ request_id: id, status: 'SUCCEEDED', name: 'sky.status' })]);
  });
});

describe('sky gpus list: /realtime_kubernetes_gpu_availability filters', () => {
  const gpus = async (body: object) => {
    const id = await schedule(h.app, '/realtime_kubernetes_gpu_availability', { body: { ...BASE, context: null, ...body }, headers: CLI });
    const decoded = await decodedResult(id);
    expect(decoded.ok).toBe(true);
    return decoded.summary.value as Record<string, [string, number[], number, number][]>;
  };

  it.each([
    [
      'no filter, Kubernetes only (is_ssh=False)',
      { name_filter: null, quantity_filter: null, is_ssh: false },
      {
        'gke-ctx': [
          ['A100', [1, 2, 4, 8], 8, 5],
          ['A100-80GB', [1, 2, 4], 4, 4],
          ['H100', [1, 2, 4, 8], 8, 8],
        ],
        // A cordoned node adds capacity, nothing available.
        'kind-ctx': [
          ['H100', [1, 2, 4, 8], 8, 0],
          ['L40S', [1, 2], 2, 1],
        ],
      },
    ],
    [
      '`sky gpus list A100`: names matching from the start, any case',
      { name_filter: 'a100', quantity_filter: null, is_ssh: false },
      {
        'gke-ctx': [
          ['A100', [1, 2, 4, 8], 8, 5],
          ['A100-80GB', [1, 2, 4], 4, 4],
        ],
      },
    ],
    [
      '`sky gpus list H100:4`: whole multiples of 4',
      { name_filter: 'H100', quantity_filter: 4, is_ssh: false },
      { 'gke-ctx': [['H100', [1, 2, 4, 8], 8, 8]], 'kind-ctx': [['H100', [1, 2, 4, 8], 8, 0]] },
    ],
    [
      '`--cloud ssh`: SSH node pools only',
      { name_filter: null, quantity_filter: null, is_ssh: true },
      { 'ssh-my-pool': [['A100', [1, 2], 2, 2]] },
    ],
    ['nothing matches: empty, which the CLI words itself', { name_filter: 'B200', quantity_filter: null, is_ssh: false }, {}],
  ])('%s', async (_what, body, expected) => {
    expect(await gpus(body)).toEqual(expected);
  });

  it('a name filter that is not a valid pattern is taken literally', async () => {
    expect(await gpus({ name_filter: 'A100(', is_ssh: false })).toEqual({});
  });
});

describe('sky jobs logs --controller', () => {
  it("prints the controller's log of the job, not the job's own output", async () => {
    const id = await managedJobsState.addJob({ name: 'pretrain', userHash: USER_A, resources: '1x[A100:8]' });
    await managedJobsState.appendJobLog(id, 'step 1 loss 2.3\n');
    await managedJobsState.setJobStatus(id, 'RUNNING');
    const body = { ...BASE, name: null, job_id: id, follow: false, controller: true, refresh: false, tail: null };
    const controller = await request(h.app).post('/jobs/logs').set(CLI).send(body);
    expect(controller.text).toMatch(new RegExp(`^Jobs controller log for managed job ${id} \\(pretrain\\)`));
    expect(controller.text).toMatch(/RUNNING/);
    expect(controller.text).not.toMatch(/step 1/);
    const own = await request(h.app)
      .post('/jobs/logs')
      .set(CLI)
      .send({ ...body, controller: false });
    expect(own.text).toBe('step 1 loss 2.3\n');
    expect((await decodedResult(controller.headers[REQUEST_ID_HEADER])).ok).toBe(true);
  });
});

describe('sky start prints "Cluster X started." once', () => {
  it("the request's log (which the CLI streams before its own line) does not say it", async () => {
    await seedCluster('to-start', { ready: false });
    await globalUserState.removeCluster('to-start', false);
    const id = await schedule(h.app, '/start', { body: { ...BASE, cluster_name: 'to-start', retry_until_up: false }, headers: CLI });
    expect((await decodedResult(id)).ok).toBe(true);
    const log = (await apiLogs(id)).text;
    expect(log).toBe('Starting cluster to-start...\n');
  });
});

describe('on a STOPPED cluster: ClusterNotUpError, as upstream', () => {
  it.each([
    ['sky queue', '/queue', { skip_finished: false, all_users: false }, 'Getting the job queue'],
    ['sky cancel', '/cancel', { all: true, job_ids: null, all_users: false }, 'Cancelling jobs'],
    ['sky status (job_status)', '/job_status', { job_ids: null }, 'Getting job status'],
  ])('%s', async (_what, p, body, operation) => {
    const id = await schedule(h.app, p, { body: { ...BASE, cluster_name: 'stopped-1', ...body }, headers: CLI });
    expect((await decodedResult(id)).summary).toMatchObject({
      exception: 'ClusterNotUpError',
      message: `${operation}: skipped for cluster 'stopped-1' (status: STOPPED). It is only allowed for UP and AUTOSTOPPING clusters.`,
    });
  });

  it('sky logs: an empty stream, then the same error from the request', async () => {
    const res = await request(h.app)
      .post('/logs')
      .set(CLI)
      .send({ ...BASE, cluster_name: 'stopped-1', job_id: null, follow: true, tail: 0 });
    expect(res.text).toBe('');
    expect((await decodedResult(res.headers[REQUEST_ID_HEADER])).summary).toMatchObject({
      exception: 'ClusterNotUpError',
      message: expect.stringMatching(/^Tailing logs: skipped for cluster 'stopped-1' \(status: STOPPED\)/),
    });
  });
});
