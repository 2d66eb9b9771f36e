/**
 * Roles as upstream has them, on a server with auth (`SKYPILOT_AUTH_USER_HEADER`): every endpoint of
 * the table, called by nobody (no header), a viewer, a user and an admin, is refused or let through
 * exactly as its entry says; a user acts only on their own clusters and jobs; user management is an
 * admin's, so a user cannot make themselves one (the escalation a review found); a request without
 * the header is 401, never admin. Runs on SQLite and again on PostgreSQL.
 */
import request from 'supertest';
import { createApp, type SkyApp } from '../../src/app';
import { mayCall } from '../../src/http/access';
import { accessOf, type Endpoint } from '../../src/http/endpoint';
import type { RequestStore } from '../../src/requests/requestStore';
import { ALL_ENDPOINTS } from '../../src/routes/endpoints';
import { unsupportedEndpoints } from '../../src/routes/unsupportedRoutes';
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import type { UserRole } from '../../src/vocab/statuses';
import { drainRequests, openTestRequestStore, REQUEST_ID_HEADER } from '../helpers/api';
import { seedCluster } from '../helpers/fixtures';
import { as, HEADER, hash, NAMES, OTHER, seedRoleUsers } from '../helpers/roleUsers';
import { closeTempState, makeTempDir, openTempState, removeDir, type TempState } from '../helpers/tempState';

let state: TempState;
let store: RequestStore;
let app: SkyApp;
let dashboardDir: string;

beforeAll(async () => {
  state = await openTempState();
  store = await openTestRequestStore(state);
  dashboardDir = makeTempDir('skyts-roles-');
  app = createApp({
    requests: store,
    dashboard: { builtDir: dashboardDir },
    authUserHeader: HEADER,
    serviceAccounts: true,
    getTimeoutMs: 10_000,
  });
  await seedRoleUsers();
});
afterAll(async () => {
  await drainRequests(store);
  await store.close();
  await closeTempState(state);
  removeDir(dashboardDir);
});

type Outcome = 'allowed' | 'denied' | 'unauthenticated';

/** Calls an endpoint as `who`, with an empty input, and says whether the door let it through. */
async function outcomeOf(e: Endpoint, who: string | null): Promise<{ outcome: Outcome; detail: string }> {
  const req = e.method === 'GET' ? request(app).get(e.path).query({ follow: 'false' }) : request(app).post(e.path).send({});
  const res = await req.set(as(who));
  if (res.status === 401) return { outcome: 'unauthenticated', detail: res.text };
  if (res.status === 403 && res.body?.error?.code === 'permission_denied') return { outcome: 'denied', detail: res.text };
  const id = res.headers[REQUEST_ID_HEADER];
  if (res.status === 200 && typeof id === 'string') {
    const got = await request(app).get('/api/get').set(as(who)).query({ request_id: id });
    const error = got.status === 500 ? JSON.parse(got.body.detail.error ?? 'null') : null;
    if (error?.type === 'PermissionDeniedError' && /role may not call/.test(error.message))
      return { outcome: 'denied', detail: error.message };
  }
  return { outcome: 'allowed', detail: `${res.status} ${res.text.slice(0, 200)}` };
}

const ENDPOINTS = [...ALL_ENDPOINTS, ...unsupportedEndpoints];
const CALLERS: (UserRole | 'nobody')[] = ['nobody', 'viewer', 'user', 'admin'];
const MATRIX = ENDPOINTS.flatMap((e) => CALLERS.map((c) => [`${e.method} ${e.path}`, c, e] as const));

describe('every endpoint x every role', () => {
  it('covers the whole table, with endpoints for each role', () => {
    const needs = new Set(ENDPOINTS.map((e) => accessOf(e).role));
    expect([...needs].sort()).toEqual(['admin', 'public', 'user', 'viewer']);
    expect(MATRIX.length).toBe(ENDPOINTS.length * 4);
  });

  it.each(MATRIX)('%s as %s: as the table says', async (_route, caller, e) => {
    const need = accessOf(e).role;
    const expected: Outcome =
      need === 'public' ? 'allowed' : caller === 'nobody' ? 'unauthenticated' : mayCall(caller, need) ? 'allowed' : 'denied';
    const { outcome, detail } = await outcomeOf(e, caller === 'nobody' ? null : NAMES[caller]);
    expect([outcome, detail]).toEqual([expected, expect.anything()]);
  });
});

/** A scheduled call's final state as `who` sees it. */
async function run(who: string, path: string, body: object): Promise<{ status: string; error: { type: string; message: string } | null }> {
  const res = await request(app).post(path).set(as(who)).send(body);
  expect(res.status).toBe(200);
  const got = await request(app).get('/api/get').set(as(who)).query({ request_id: res.headers[REQUEST_ID_HEADER] });
  return { status: got.body.status ?? got.body.detail.status, error: got.status === 500 ? JSON.parse(got.body.detail.error) : null };
}
const clusterStatus = async (name: string) => (await globalUserState.getClusters({ clusterNames: [name] }))[0]?.status;

describe("own and other users' objects", () => {
  it.each([
    ['/stop', {}],
    ['/down', {}],
    ['/autostop', { idle_minutes: 5 }],
    ['/start', {}],
  ])("a user may not %s another user's cluster; nothing changes", async (path, extra) => {
    const name = `ole-${path.slice(1)}`;
    await seedCluster(name, { userHash: hash(OTHER) });
    const before = await globalUserState.getClusters({ clusterNames: [name] });
    const result = await run(NAMES.user, path, { cluster_name: name, ...extra });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({ type: 'PermissionDeniedError', message: expect.stringMatching(/belongs to another user/) });
    expect(await globalUserState.getClusters({ clusterNames: [name] })).toEqual(before);
  });

  it('a user may stop their own cluster; an admin may stop anyone’s', async () => {
    await seedCluster('uma-own', { userHash: hash(NAMES.user) });
    await seedCluster('ole-by-admin', { userHash: hash(OTHER) });
    expect((await run(NAMES.user, '/stop', { cluster_name: 'uma-own' })).status).toBe('SUCCEEDED');
    expect(await clusterStatus('uma-own')).toBe('STOPPED');
    expect((await run(NAMES.admin, '/stop', { cluster_name: 'ole-by-admin' })).status).toBe('SUCCEEDED');
    expect(await clusterStatus('ole-by-admin')).toBe('STOPPED');
  });

  it("a viewer may not stop even their own cluster (the role's door), and may read it", async () => {
    await seedCluster('vic-own', { userHash: hash(NAMES.viewer) });
    const result = await run(NAMES.viewer, '/stop', { cluster_name: 'vic-own' });
    expect(result.error).toMatchObject({ type: 'PermissionDeniedError', message: expect.stringMatching(/viewer role may not call/) });
    expect(await clusterStatus('vic-own')).toBe('UP');
    expect((await run(NAMES.viewer, '/status', {})).status).toBe('SUCCEEDED');
  });

  it("a user's all_users cancel of managed jobs leaves other users' jobs; an admin's cancels them", async () => {
    const theirs = await managedJobsState.addJob({ name: 'theirs', userHash: hash(OTHER), resources: '1x[CPU:4]' });
    await run(NAMES.user, '/jobs/cancel', { all: true, all_users: true });
    const still = (await managedJobsState.getJobs({ userHashes: [hash(OTHER)], skipFinished: true })).jobs.map((j) => j.jobId);
    expect(still).toContain(theirs);
    expect((await run(NAMES.admin, '/jobs/cancel', { job_ids: [theirs], all_users: true })).status).toBe('SUCCEEDED');
    const after = (await managedJobsState.getJobs({ userHashes: [hash(OTHER)], skipFinished: true })).jobs.map((j) => j.jobId);
    expect(after).not.toContain(theirs);
  });

  it("a user lists and fetches only their own requests; an admin sees everyone's", async () => {
    const res = await request(app).post('/status').set(as(OTHER)).send({});
    const theirs = res.headers[REQUEST_ID_HEADER] as string;
    await request(app).get('/api/get').set(as(OTHER)).query({ request_id: theirs }).expect(200);
    expect((await request(app).get('/api/get').set(as(NAMES.user)).query({ request_id: theirs })).status).toBe(404);
    const ids = async (who: string) =>
      (
        (await request(app).get('/api/status').set(as(who)).query({ all_status: 'true', limit: 1000 })).body as { request_id: string }[]
      ).map((r) => r.request_id);
    expect(await ids(NAMES.user)).not.toContain(theirs);
    expect(await ids(NAMES.admin)).toContain(theirs);
  });
});

describe('user management is an admin’s', () => {
  it('a user cannot create an admin, not even themselves under another name', async () => {
    const res = await request(app).post('/users/create').set(as(NAMES.user)).send({ username: 'mallory', role: 'admin' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('permission_denied');
    expect(await globalUserState.getUser(hash('mallory'))).toBeNull();
  });

  it('a user cannot give themselves a role, nor touch another user; may change their own password', async () => {
    const self = await request(app)
      .post('/users/update')
      .set(as(NAMES.user))
      .send({ user_id: hash(NAMES.user), role: 'admin' });
    expect(self.status).toBe(403);
    expect(await globalUserState.getUserRole(hash(NAMES.user))).toBe('user');
    const other = await request(app)
      .post('/users/update')
      .set(as(NAMES.user))
      .send({ user_id: hash(OTHER), password: 'pw-123456' });
    expect(other.status).toBe(403);
    expect(
      (
        await request(app)
          .post('/users/update')
          .set(as(NAMES.user))
          .send({ user_id: hash(NAMES.user), password: 'pw-123456' })
      ).status,
    ).toBe(200);
    // Still a user afterwards: nothing of the above made them more.
    expect((await request(app).get('/users/role').set(as(NAMES.user))).body.role).toBe('user');
    expect(
      (
        await request(app)
          .post('/users/delete')
          .set(as(NAMES.user))
          .send({ user_id: hash(OTHER) })
      ).status,
    ).toBe(403);
  });

  it('an authenticated user with no stored role is a user, not an admin', async () => {
    expect((await request(app).get('/users/role').set(as('newcomer'))).body.role).toBe('user');
    expect((await request(app).post('/users/create').set(as('newcomer')).send({ username: 'x1', role: 'admin' })).status).toBe(403);
  });

  it("an admin's role change applies to the very next request", async () => {
    await request(app).post('/users/create').set(as(NAMES.admin)).send({ username: 'tmp-user', role: 'user' }).expect(200);
    await seedCluster('tmp-own', { userHash: hash('tmp-user') });
    expect((await run('tmp-user', '/stop', { cluster_name: 'tmp-own' })).status).toBe('SUCCEEDED');
    await request(app)
      .post('/users/update')
      .set(as(NAMES.admin))
      .send({ user_id: hash('tmp-user'), role: 'viewer' })
      .expect(200);
    expect((await run('tmp-user', '/start', { cluster_name: 'tmp-own' })).error?.type).toBe('PermissionDeniedError');
  });
});

describe('service-account tokens do not escalate', () => {
  it("a user's token is a user; the user may not make its account an admin; an admin may", async () => {
    const made = await request(app).post('/users/service-account-tokens').set(as(NAMES.user)).send({ token_name: 'uma-ci' }).expect(200);
    const bearer = { Authorization: `Bearer ${made.body.token}` };
    expect((await request(app).get('/users/role').set(bearer)).body.role).toBe('user');
    const escalate = { token_id: made.body.token_id, role: 'admin' };
    expect((await request(app).post('/users/service-account-tokens/update-role').set(as(NAMES.user)).send(escalate)).status).toBe(403);
    expect((await request(app).post('/users/create').set(bearer).send({ username: 'sa-made', role: 'admin' })).status).toBe(403);
    await request(app).post('/users/service-account-tokens/update-role').set(as(NAMES.admin)).send(escalate).expect(200);
    expect((await request(app).get('/users/role').set(bearer)).body.role).toBe('admin');
  });

  it('a bad token is 401 even beside a valid proxy header', async () => {
    const res = await request(app)
      .get('/api/status')
      .set({ ...as(NAMES.admin), Authorization: 'Bearer sky_forged.x.y' });
    expect([res.status, res.body.error.code]).toEqual([401, 'invalid_token']);
  });
});

describe('without the header: 401, never admin', () => {
  it.each([
    ['get', '/api/status'],
    ['get', '/api/get?request_id=x'],
    ['post', '/status'],
    ['post', '/users/create'],
    ['get', '/dashboard/'],
  ] as const)('%s %s is 401', async (method, path) => {
    const res = await request(app)
      [method](path)
      .send(method === 'post' ? { username: 'eve', role: 'admin' } : undefined);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ type: 'Unauthorized', code: 'not_authenticated' });
  });

  it('an empty header is no identity either', async () => {
    expect((await request(app).get('/api/status').set(HEADER, '')).status).toBe(401);
  });

  it('the probes stay open', async () => {
    for (const path of ['/healthz', '/readyz', '/api/health', '/internal/dashboard/api/health']) {
      expect([path, (await request(app).get(path)).status]).toEqual([path, 200]);
    }
  });
});

describe('workspaces: a private one is for its users (and admins) only', () => {
  const inWorkspace = (workspace: string) => ({ override_skypilot_config: { active_workspace: workspace } });
  beforeAll(async () => {
    await globalUserState.setWorkspace('team-uma', { private: true, allowed_users: [NAMES.user] });
    await globalUserState.setWorkspace('team-ole', { private: true, allowed_users: [OTHER] });
    await globalUserState.setWorkspace('open-ws', {});
  });

  it.each([
    ['a user, in a private workspace that lists them', NAMES.user, 'team-uma', 'SUCCEEDED'],
    ['a user, in a public workspace', NAMES.user, 'open-ws', 'SUCCEEDED'],
    ["a user, in another user's private workspace", NAMES.user, 'team-ole', 'FAILED'],
    ["an admin, in another user's private workspace", NAMES.admin, 'team-ole', 'SUCCEEDED'],
  ] as const)('%s (%s in %s): /stop of their own cluster is %s', async (_what, who, workspace, expected) => {
    const name = `ws-${who}-${workspace}`;
    await seedCluster(name, { userHash: hash(who) });
    const result = await run(who, '/stop', { cluster_name: name, ...inWorkspace(workspace) });
    expect(result.status).toBe(expected);
    if (expected === 'FAILED') {
      expect(result.error).toMatchObject({ type: 'PermissionDeniedError', message: expect.stringMatching(/is private/) });
      expect(await clusterStatus(name)).toBe('UP');
    } else {
      expect(await clusterStatus(name)).toBe('STOPPED');
    }
  });

  it.each([
    [NAMES.viewer, ['default', 'open-ws']],
    [NAMES.user, ['default', 'open-ws', 'team-uma']],
    [OTHER, ['default', 'open-ws', 'team-ole']],
    [NAMES.admin, ['default', 'open-ws', 'team-ole', 'team-uma']],
  ] as const)('GET /workspaces as %s lists only the workspaces they may use', async (who, expected) => {
    const res = await request(app).get('/workspaces').set(as(who));
    const got = await request(app).get('/api/get').set(as(who)).query({ request_id: res.headers[REQUEST_ID_HEADER] });
    expect(Object.keys(JSON.parse(got.body.return_value)).sort()).toEqual(expected);
  });
});

describe("a private workspace's objects: its members and admins see and reach them, nobody else", () => {
  // team-ole is private to OTHER (a user); uma (a user) and vic (a viewer) are not in it.
  const SECRET = 'ole-secret';
  const OPEN = 'ole-open';
  let secretJob = 0;
  let openJob = 0;
  let clusterJob = 0;
  beforeAll(async () => {
    await globalUserState.setWorkspace('team-ole', { private: true, allowed_users: [OTHER] });
    await seedCluster(SECRET, { userHash: hash(OTHER), workspace: 'team-ole' });
    await seedCluster(OPEN, { userHash: hash(OTHER), workspace: 'default' });
    clusterJob = await globalUserState.addClusterJob({ clusterName: SECRET, jobName: 'train', userHash: hash(OTHER), resources: '1x' });
    await globalUserState.appendClusterJobLog(SECRET, clusterJob, 'step 1\n');
    secretJob = await managedJobsState.addJob({ name: 'secret-job', userHash: hash(OTHER), workspace: 'team-ole', resources: '1x[CPU:4]' });
    await managedJobsState.appendJobLog(secretJob, 'epoch 1\n');
    openJob = await managedJobsState.addJob({ name: 'open-job', userHash: hash(OTHER), resources: '1x[CPU:4]' });
  });

  /** The return value of a scheduled read as `who` gets it. */
  async function value<T>(who: string, path: string, body: object): Promise<T> {
    const res = await request(app).post(path).set(as(who)).send(body);
    const got = await request(app).get('/api/get').set(as(who)).query({ request_id: res.headers[REQUEST_ID_HEADER] });
    expect(got.body.status).toBe('SUCCEEDED');
    return JSON.parse(got.body.return_value) as T;
  }

  const MEMBERS = [OTHER, NAMES.admin];
  const OUTSIDERS = [NAMES.user, NAMES.viewer];
  const everyone = [...MEMBERS.map((w) => [w, true] as const), ...OUTSIDERS.map((w) => [w, false] as const)];

  describe.each(everyone)('lists as %s (sees the private workspace: %s)', (who, sees) => {
    it('/status lists its clusters only to members; the public one to all', async () => {
      const names = (await value<{ name: string }[]>(who, '/status', {})).map((c) => c.name);
      expect([names.includes(SECRET), names.includes(OPEN)]).toEqual([sees, true]);
    });
    it('/cost_report likewise', async () => {
      const names = (await value<{ name: string }[]>(who, '/cost_report', {})).map((c) => c.name);
      expect([names.includes(SECRET), names.includes(OPEN)]).toEqual([sees, true]);
    });
    it('/jobs/queue and /jobs/queue/v2 list its managed jobs only to members, and count them only for them', async () => {
      const v1 = (await value<{ job_id: number }[]>(who, '/jobs/queue', {})).map((j) => j.job_id);
      const v2 = await value<{ jobs: { job_id: number }[]; total: number; total_no_filter: number }>(who, '/jobs/queue/v2', {});
      const ids = v2.jobs.map((j) => j.job_id);
      expect([v1.includes(secretJob), ids.includes(secretJob), v1.includes(openJob), ids.includes(openJob)]).toEqual([
        sees,
        sees,
        true,
        true,
      ]);
      expect(v2.total_no_filter).toBe(v2.total);
      expect(v2.total).toBe(ids.length);
    });
  });

  const ACTIONS: [string, object][] = [
    ['/queue', { cluster_name: SECRET }],
    ['/job_status', { cluster_name: SECRET }],
    ['/logs', { cluster_name: SECRET }],
    ['/endpoints', { cluster: SECRET }],
    ['/download_logs', { cluster_name: SECRET }],
    ['/cluster_events', { cluster_name: SECRET }],
    ['/jobs/logs', { job_id: -1 }],
    ['/jobs/download_logs', { job_id: -1 }],
  ];
  const withJob = (body: object) => ('job_id' in body ? { ...body, job_id: secretJob } : body);

  it.each(ACTIONS.flatMap(([path, body]) => everyone.map(([who, sees]) => [path, who, sees, body] as const)))(
    '%s naming its object, as %s (a member: %s): refused with PermissionDeniedError unless a member',
    async (path, who, sees, body) => {
      const result = await run(who, path, withJob(body));
      if (sees) expect(result.error?.type).not.toBe('PermissionDeniedError');
      else
        expect(result.error).toMatchObject({
          type: 'PermissionDeniedError',
          message: expect.stringMatching(/private workspace 'team-ole'/),
        });
    },
  );

  it.each(everyone)(
    'direct answers as %s (a member: %s): /provision_logs and /download are the typed 403 unless a member',
    async (who, sees) => {
      const logs = await request(app).post('/provision_logs').set(as(who)).send({ cluster_name: SECRET });
      const zip = await request(app)
        .post('/download')
        .set(as(who))
        .send({ folder_paths: [`~/sky_logs/${SECRET}/${clusterJob}`] });
      const managedZip = await request(app)
        .post('/download')
        .set(as(who))
        .send({ folder_paths: [`~/.sky/managed_jobs_logs/${secretJob}`] });
      for (const res of [logs, zip, managedZip]) {
        if (sees) expect(res.status).not.toBe(403);
        else expect([res.status, res.body.error?.code]).toEqual([403, 'permission_denied']);
      }
    },
  );

  it.each(everyone)('its infra as %s (a member: %s): /enabled_clouds refuses it, the batch and /check leave it out', async (who, sees) => {
    const get = async (path: string, query: Record<string, string>) => {
      const res = await request(app).get(path).set(as(who)).query(query);
      const got = await request(app).get('/api/get').set(as(who)).query({ request_id: res.headers[REQUEST_ID_HEADER] });
      return { status: got.body.status ?? got.body.detail?.status, value: got.body.return_value, error: got.body.detail?.error };
    };
    const single = await get('/enabled_clouds', { workspace: 'team-ole' });
    expect(single.status).toBe(sees ? 'SUCCEEDED' : 'FAILED');
    if (!sees) expect(JSON.parse(single.error)).toMatchObject({ type: 'PermissionDeniedError' });
    const batch = await get('/enabled_clouds/batch', { workspaces: 'default,team-ole' });
    expect(Object.keys(JSON.parse(batch.value)).sort()).toEqual(sees ? ['default', 'team-ole'] : ['default']);
    expect(Object.keys(await value<Record<string, unknown>>(who, '/check', {})).includes('team-ole')).toBe(sees);
  });

  it('writes on its objects: a non-member user is refused for the workspace, nothing changes; an admin may', async () => {
    const stop = await run(NAMES.user, '/stop', { cluster_name: SECRET });
    expect(stop.error).toMatchObject({ type: 'PermissionDeniedError', message: expect.stringMatching(/private workspace/) });
    const cancel = await run(NAMES.user, '/jobs/cancel', { job_ids: [secretJob], all_users: true });
    expect(cancel.error).toMatchObject({ type: 'PermissionDeniedError', message: expect.stringMatching(/private workspace/) });
    expect(await clusterStatus(SECRET)).toBe('UP');
    expect((await managedJobsState.getJobs({ jobIds: [secretJob] })).jobs[0].status).not.toBe('CANCELLED');
    expect((await run(NAMES.admin, '/jobs/cancel', { job_ids: [secretJob], all_users: true })).status).toBe('SUCCEEDED');
  });
});
