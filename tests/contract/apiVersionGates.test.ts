/**
 * Both sides of every API-version gate this server acts on (docs/api-versions.md): a client just
 * below the gate and one at it, each answer decoded as that client decodes it (python3,
 * tests/helpers/officialDecode.py, whose dataclasses and decoders follow the client's version).
 * The endpoints the newer clients call (API 53) answer with upstream's shapes.
 */
import request from 'supertest';
import type { KubernetesNodeInfoResult, NodeInfo } from '../../src/api/wireTypes';
import { kubernetesInfra } from '../../src/infra/kubernetesInfra';
import { userWorkspace } from '../../src/operations/workspaceMembership';
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import {
  API_VERSION,
  DICT_OBJECTS_MIN_API_VERSION,
  MIN_COMPATIBLE_API_VERSION,
  NODE_INFO_KEY_MIN_API_VERSION,
} from '../../src/vocab/versions';
import { REQUEST_ID_HEADER, call, roundTrip, schedule, useApiHarness } from '../helpers/api';
import { USER_A, seedCluster } from '../helpers/fixtures';
import { SESSION_HEADER, fetchResultAs, startSandboxApp, type SandboxApp } from '../sandbox/sandboxApp';
import { decodeInPython } from '../helpers/decodeInPython';

const v = (version: number) => ({ 'X-SkyPilot-API-Version': String(version), 'X-SkyPilot-Version': '1.0.0.dev20260601' });

const h = useApiHarness();

const EVERY_KEY: NodeInfo = {
  name: 'gpu-1',
  accelerator_type: 'H100',
  total: { accelerator_count: 8 },
  free: { accelerators_available: 2 },
  ip_address: '10.0.0.1',
  cpu_count: 208,
  memory_gb: 1800,
  is_ready: true,
  is_cordoned: false,
  taints: [],
};
const saved = kubernetesInfra.getNodeInfo;

beforeAll(async () => {
  kubernetesInfra.getNodeInfo = async (): Promise<KubernetesNodeInfoResult> => ({ node_info_dict: { 'gpu-1': EVERY_KEY }, hint: '' });
  await seedCluster('gates', { ready: true });
});
afterAll(() => {
  kubernetesInfra.getNodeInfo = saved;
});

describe('/api/health', () => {
  it(`advertises API ${API_VERSION} (upstream master's 53 or newer)`, async () => {
    const res = await request(h.app).get('/api/health').set(v(49));
    expect(Number(res.headers['x-skypilot-api-version'])).toBeGreaterThanOrEqual(53);
    expect([res.body.api_version]).toEqual([String(API_VERSION)]);
  });
});

describe(`the minimum: clients from API ${MIN_COMPATIBLE_API_VERSION} are answered, older ones told to upgrade`, () => {
  it.each([
    [MIN_COMPATIBLE_API_VERSION - 1, 400],
    [MIN_COMPATIBLE_API_VERSION, 200],
  ])('API %i: %i', async (version, status) => {
    const res = await request(h.app).post('/status').set(v(version)).send({});
    expect(res.status).toBe(status);
    if (status === 400) {
      expect(res.body).toEqual({ error: 'version_mismatch', message: expect.stringMatching(/client version is too old/) });
    }
  });

  it('a request without the version pair (scripts, the dashboard) is not checked', async () => {
    expect((await request(h.app).post('/status').set('X-SkyPilot-API-Version', '1').send({})).status).toBe(200);
  });
});

describe('KubernetesNodeInfo keys by the version that added them (25 is_ready, 26 cpu/memory, 28 cordon/taints)', () => {
  const keysAt = (version: number) =>
    [
      'name',
      'accelerator_type',
      'total',
      'free',
      'ip_address',
      ...Object.keys(EVERY_KEY).filter((k) => (NODE_INFO_KEY_MIN_API_VERSION[k] ?? 99) <= version),
    ]
      .filter((k, i, all) => all.indexOf(k) === i)
      .sort();

  it.each([24, 25, 26, 27, 28, 53])('a client at API %i gets the keys its dataclass takes, and decodes them', async (version) => {
    const result = await roundTrip<KubernetesNodeInfoResult>(h.app, '/kubernetes_node_info', {
      body: { context: 'x' },
      headers: v(version),
    });
    expect(Object.keys(result.value.node_info_dict['gpu-1']).sort()).toEqual(keysAt(version));
    const [decoded] = decodeInPython([{ kind: 'payload', http_status: result.status, payload: result.payload, api_version: version }]);
    expect(decoded).toEqual({ ok: true, summary: { name: 'sky.kubernetes_node_info', value: ['gpu-1'] } });
  });

  it('the python model of a client below a gate rejects the key the gate adds (so the test above can fail)', async () => {
    const result = await roundTrip<KubernetesNodeInfoResult>(h.app, '/kubernetes_node_info', { body: { context: 'x' }, headers: v(53) });
    const [decoded] = decodeInPython([{ kind: 'payload', http_status: result.status, payload: result.payload, api_version: 27 }]);
    expect(decoded.ok).toBe(false);
    expect(decoded.error).toMatch(/unexpected keyword argument '(is_cordoned|taints)'/);
  });

  it('the dashboard (no API version) gets every key', async () => {
    const result = await roundTrip<KubernetesNodeInfoResult>(h.app, '/kubernetes_node_info', { body: { context: 'x' } });
    expect(result.value.node_info_dict['gpu-1']).toEqual(EVERY_KEY);
  });
});

describe(`handles: pickles below API ${DICT_OBJECTS_MIN_API_VERSION} (before PR #9302), dicts from it`, () => {
  it.each([
    [DICT_OBJECTS_MIN_API_VERSION - 1, 'pickle'],
    [DICT_OBJECTS_MIN_API_VERSION, 'dict'],
    [API_VERSION, 'dict'],
  ])('API %i: %s, decoded by that client', async (version, kind) => {
    const result = await roundTrip<{ handle: unknown }[]>(h.app, '/status', {
      body: { cluster_names: ['gates'], include_handle: true },
      headers: v(version),
    });
    expect(typeof result.value[0].handle === 'string' ? 'pickle' : 'dict').toBe(kind);
    const [decoded] = decodeInPython([{ kind: 'payload', http_status: result.status, payload: result.payload, api_version: version }]);
    expect(decoded.ok).toBe(true);
  });

  it('a dict handle would crash a client at 48 (the decoder says so)', async () => {
    const result = await roundTrip(h.app, '/status', { body: { cluster_names: ['gates'], include_handle: true }, headers: v(49) });
    const [decoded] = decodeInPython([{ kind: 'payload', http_status: result.status, payload: result.payload, api_version: 48 }]);
    expect(decoded.ok).toBe(false);
  });
});

describe('/api/status (38: cluster_name; request ids match as prefixes, whatever their status)', () => {
  it('filters by cluster and finds a finished request by a prefix of its id', async () => {
    const onCluster = await schedule(h.app, '/queue', { body: { cluster_name: 'gates' }, headers: v(53) });
    const other = await schedule(h.app, '/status', { body: {}, headers: v(53) });
    await roundTrip(h.app, '/status', { body: {} }); // settles both
    await request(h.app).get('/api/get').query({ request_id: onCluster });
    const byCluster = await request(h.app).get('/api/status').query({ cluster_name: 'gates', all_status: true }).set(v(53));
    const ids = byCluster.body.map((r: { request_id: string }) => r.request_id);
    expect(ids).toContain(onCluster);
    expect(ids).not.toContain(other);
    const byPrefix = await request(h.app)
      .get('/api/status')
      .query({ request_ids: onCluster.slice(0, 8) })
      .set(v(53));
    expect(byPrefix.body.map((r: { request_id: string; status: string }) => [r.request_id, r.status])).toEqual([[onCluster, 'SUCCEEDED']]);
    const [decoded] = decodeInPython([{ kind: 'status_rows', rows: byPrefix.body }]);
    expect(decoded.ok).toBe(true);
  });

  it('a prefix with LIKE wildcards matches nothing', async () => {
    const res = await request(h.app).get('/api/status').query({ request_ids: '%' });
    expect(res.body).toEqual([]);
  });
});

describe('API 53: /users/me/workspace', () => {
  beforeAll(async () => {
    await globalUserState.setWorkspace('team-x', { private: true, allowed_users: [] });
  });

  it.each([
    [{}, { workspace: 'default', source: 'default-fallback', note: null }],
    [{ requested: 'team-x' }, { workspace: 'team-x', source: 'explicit', note: null }],
    [{ requested: 'nope' }, { workspace: null, source: null, note: expect.stringMatching(/does not exist or you do not have access/) }],
  ])('GET %j resolves as the launch path would', async (query, expected) => {
    const res = await request(h.app).get('/users/me/workspace').query(query).set(v(53));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ preferred: null, accessible: ['default', 'team-x'], ...expected });
  });

  it("batch add/remove edit a private workspace's allowed_users; a non-admin sees it only while listed", async () => {
    await globalUserState.addOrUpdateUser({ id: 'u-bob', name: 'bob' });
    await globalUserState.setUserRole('u-bob', 'user');
    const bob = { id: 'u-bob', name: 'bob' };
    expect((await userWorkspace(bob, null)).accessible).toEqual(['default']);
    const before = await call<unknown>(h.app, '/workspaces/batch_add_users', {
      body: { workspace_names: ['team-x', 'default', 'gone'], user_ids: ['u-bob', 'u-ghost'] },
    });
    expect(before).toEqual({
      succeeded: ['team-x'],
      failed: [
        { workspace_name: '-', error: 'User u-ghost does not exist' },
        { workspace_name: 'default', error: expect.stringMatching(/public/) },
        { workspace_name: 'gone', error: expect.stringMatching(/does not exist/) },
      ],
    });
    expect((await globalUserState.getWorkspaces())['team-x']).toEqual({ private: true, allowed_users: ['bob'] });
    expect(await userWorkspace(bob, 'team-x')).toMatchObject({
      workspace: 'team-x',
      source: 'explicit',
      accessible: ['default', 'team-x'],
    });
    const removed = await call(h.app, '/workspaces/batch_remove_users', { body: { workspace_names: ['team-x'], user_ids: ['u-bob'] } });
    expect(removed).toEqual({ succeeded: ['team-x'], failed: [] });
    expect((await globalUserState.getWorkspaces())['team-x']).toEqual({ private: true, allowed_users: [] });
  });

  it('POST (saving a preference) is answered "not supported" as a direct refusal', async () => {
    const res = await request(h.app).post('/users/me/workspace').set(v(53)).send({ preferred: 'team-x' });
    expect(res.status).toBe(404);
    expect(res.body.detail).toMatch(/not supported/);
  });
});

describe("the users page's Role column (nightly)", () => {
  it('a user with no stored role is listed as an admin, as /users/role reports, never ""', async () => {
    await globalUserState.addOrUpdateUser({ id: 'u-norole', name: 'norole' });
    const res = await request(h.app).get('/internal/dashboard/users');
    expect(res.body.find((u: { id: string }) => u.id === 'u-norole')).toMatchObject({ role: 'admin' });
    expect(res.body.every((u: { role: string }) => u.role !== '')).toBe(true);
  });
});

describe('batch endpoints refuse empty or bad input at the door', () => {
  it.each([
    ['/workspaces/batch_add_users', { workspace_names: [], user_ids: ['x'] }],
    ['/workspaces/batch_remove_users', { workspace_names: ['x'], user_ids: [] }],
    ['/users/batch_update', { user_ids: ['x'], role: 'owner' }],
    ['/users/batch_update', { user_ids: [], role: 'user' }],
  ])('%s %j: 400', async (p, body) => {
    const res = await request(h.app).post(p).send(body);
    expect(res.status).toBe(400);
  });

  it('/users/batch_update sets one role, reporting each unknown user', async () => {
    await globalUserState.addOrUpdateUser({ id: 'u-carol', name: 'carol' });
    const res = await request(h.app)
      .post('/users/batch_update')
      .send({ user_ids: ['u-carol', 'u-none'], role: 'viewer' });
    expect(res.body).toEqual({ succeeded: ['u-carol'], failed: [{ user_id: 'u-none', error: 'User u-none does not exist' }] });
    expect(await globalUserState.getUserRole('u-carol')).toBe('viewer');
  });
});

describe('/jobs/events: the changes a managed job record dates, newest first', () => {
  it('lists submitted, started and the end with its reason', async () => {
    const id = await managedJobsState.addJob({ name: 'ev', userHash: USER_A, resources: '1x[CPU:4]' });
    await managedJobsState.setJobStatus(id, 'RUNNING');
    await managedJobsState.setJobStatus(id, 'FAILED');
    const events = await call<{ new_status: string; spot_job_id: number; timestamp: string }[]>(h.app, '/jobs/events', {
      body: { job_id: id, include_cluster_events: true },
      headers: v(53),
    });
    expect(events.map((e) => e.new_status)).toEqual(['FAILED', 'RUNNING', 'STARTING', 'PENDING']);
    expect(events.every((e) => e.spot_job_id === id && !Number.isNaN(Date.parse(e.timestamp)))).toBe(true);
    const limited = await call<unknown[]>(h.app, '/jobs/events', { body: { job_id: id, limit: 1 } });
    expect(limited).toHaveLength(1);
  });

  it('an unknown job fails as upstream would not find it', async () => {
    const result = await roundTrip(h.app, '/jobs/events', { body: { job_id: 987654 } });
    expect(result.error?.type).toBe('ManagedJobNotFoundError');
  });
});

describe('sandbox launch: recipes from API 33, the launch result as upstream encodes it', () => {
  let s: SandboxApp;
  beforeAll(async () => {
    s = await startSandboxApp();
  });
  afterAll(async () => {
    await s.close();
  });

  const launch = async (version: number, cluster: string) => {
    const id = await s.newSession();
    const res = await request(s.app)
      .post('/launch')
      .set(SESSION_HEADER, id)
      .set(v(version))
      .send({ task: 'recipes:dev-box', cluster_name: cluster, include_credentials: true });
    const result = await fetchResultAs(s.app, res.headers[REQUEST_ID_HEADER], id);
    return {
      result,
      decoded: decodeInPython([{ kind: 'payload', http_status: result.status, payload: result.payload, api_version: version }])[0],
    };
  };

  it('API 32: refused with upstream\'s "requires a newer SkyPilot client"', async () => {
    const { decoded } = await launch(32, 'old');
    expect(decoded.summary).toMatchObject({
      exception: 'RuntimeError',
      message: expect.stringMatching(/Launching recipes requires a newer SkyPilot client/),
    });
  });

  it.each([
    [33, 'pickle'],
    [48, 'pickle'],
    [50, 'dict'],
    [53, 'dict'],
  ])('API %i: {job_id, handle} with a %s handle and no credentials (the pre-50 path)', async (version, kind) => {
    const { decoded } = await launch(version, `c${version}`);
    expect(decoded).toMatchObject({ ok: true, summary: { name: 'sky.launch', value: { job_id: 1, credentials: false } } });
    expect(decoded.summary.value.handle.kind).toBe(kind);
  });
});
