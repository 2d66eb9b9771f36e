/**
 * The nightly operations the official clients need: cluster-job cancel, volume delete, the server
 * config (admins, secrets redacted and kept on save), endpoints, downloads as a zip, and handles and
 * resources encoded by the client's declared API version.
 */
import { inflateRawSync } from 'node:zlib';
import request from 'supertest';
import type { CostReportRecord, StatusRecord } from '../../src/api/wireTypes';
import { createApp } from '../../src/app';
import { UNSUPPORTED_ENDPOINTS } from '../../src/routes/unsupportedRoutes';
import { userHashForName } from '../../src/state/currentUser';
import { globalUserState } from '../../src/state/globalUserState';
import { AWS } from '../../src/state/clouds';
import { DICT_OBJECTS_MIN_API_VERSION } from '../../src/vocab/versions';
import { REDACTED } from '../../src/vocab/secretKeys';
import { call, roundTrip, useApiHarness } from '../helpers/api';
import { USER_A, USER_B, seedCluster } from '../helpers/fixtures';
import { unpickle } from '../helpers/unpickle';

const h = useApiHarness();

beforeAll(async () => {
  await seedCluster('jobs');
  await seedCluster('down-one', { ready: false });
  for (const [name, user] of [
    ['a', USER_A],
    ['b', USER_B],
    ['done', USER_A],
  ] as const) {
    const id = await globalUserState.addClusterJob({ clusterName: 'jobs', jobName: name, userHash: user, resources: '1x' });
    await globalUserState.appendClusterJobLog('jobs', id, `log of ${name}\n`);
    await globalUserState.setClusterJobStatus('jobs', id, name === 'done' ? 'SUCCEEDED' : 'RUNNING');
  }
  const volume = {
    type: 'k8s-pvc',
    launchedAt: 1,
    cloud: new AWS(),
    region: null,
    zone: null,
    sizeGb: 10,
    config: {},
    nameOnCloud: 'x',
    userHash: USER_A,
    workspace: 'default',
    lastAttachedAt: null,
    lastUse: '',
    status: 'READY' as const,
    usedbyPods: [],
  };
  await globalUserState.addVolume({ ...volume, name: 'free-vol', usedbyClusters: [] });
  await globalUserState.addVolume({ ...volume, name: 'busy-vol', usedbyClusters: ['jobs'] });
});

const statusOfJobs = async () =>
  Object.fromEntries(
    (await call<{ job_id: number; status: string }[]>(h.app, '/queue', { body: { cluster_name: 'jobs' } })).map((j) => [
      j.job_id,
      j.status,
    ]),
  );

describe('/cancel (cluster jobs)', () => {
  it.each([
    ['a missing job', { job_ids: [99] }, 'JobNotFoundError'],
    ['a cluster that is not up', { cluster_name: 'down-one', all: true }, 'ClusterNotUpError'],
    ['a missing cluster', { cluster_name: 'nope' }, 'ClusterDoesNotExist'],
  ])('fails for %s', async (_what, body, type) => {
    const result = await roundTrip(h.app, '/cancel', { body: { cluster_name: 'jobs', ...body } });
    expect(result.error?.type).toBe(type);
  });

  it('cancels the named unfinished jobs and skips finished ones', async () => {
    expect(await call(h.app, '/cancel', { body: { cluster_name: 'jobs', job_ids: [1, 3] } })).toEqual([1]);
    expect(await statusOfJobs()).toEqual({ 1: 'CANCELLED', 2: 'RUNNING', 3: 'SUCCEEDED' });
  });

  it('`all` cancels every unfinished job, of every user with `all_users`', async () => {
    expect(await call(h.app, '/cancel', { body: { cluster_name: 'jobs', all: true, all_users: true } })).toEqual([2]);
    expect(await statusOfJobs()).toEqual({ 1: 'CANCELLED', 2: 'CANCELLED', 3: 'SUCCEEDED' });
  });
});

describe('/volumes/delete', () => {
  it.each([
    [['busy-vol'], 'VolumeInUseError'],
    [['free-vol', 'ghost'], 'VolumeNotFoundError'],
  ])('%j fails with %s and deletes nothing', async (names, type) => {
    expect((await roundTrip(h.app, '/volumes/delete', { body: { names } })).error?.type).toBe(type);
    expect((await globalUserState.getVolumes()).map((v) => v.name).sort()).toEqual(['busy-vol', 'free-vol']);
  });

  it('deletes a free volume', async () => {
    await call(h.app, '/volumes/delete', { body: { names: ['free-vol'] } });
    expect((await globalUserState.getVolumes()).map((v) => v.name)).toEqual(['busy-vol']);
  });
});

describe('/workspaces/config', () => {
  beforeAll(async () => {
    await globalUserState.setServerConfig({ aws: { profile: 'ml', secret_access_key: 'AKIA-secret' }, jobs: { controller: {} } });
  });

  it('shows the config with secrets redacted', async () => {
    const config = await call<Record<string, any>>(h.app, '/workspaces/config', { method: 'get' });
    expect(config).toEqual({ aws: { profile: 'ml', secret_access_key: REDACTED }, jobs: { controller: {} }, workspaces: { default: {} } });
  });

  it('a save keeps redacted secrets, replaces the rest and the workspaces', async () => {
    const saved = await call(h.app, '/workspaces/config', {
      body: {
        config: {
          aws: { profile: 'prod', secret_access_key: REDACTED },
          workspaces: { team: { private: true } },
        },
      },
    });
    expect(saved).toEqual({ aws: { profile: 'prod', secret_access_key: REDACTED }, workspaces: { default: {}, team: { private: true } } });
    expect(await globalUserState.getServerConfig()).toEqual({ aws: { profile: 'prod', secret_access_key: 'AKIA-secret' } });
  });

  it('a save may not drop a workspace that has clusters', async () => {
    await seedCluster('in-team', { workspace: 'team' });
    const result = await roundTrip(h.app, '/workspaces/config', { body: { config: { workspaces: {} } } });
    expect(result.error?.type).toBe('WorkspaceInUseError');
    expect(Object.keys(await globalUserState.getWorkspaces()).sort()).toEqual(['default', 'team']);
  });

  it('is refused, as PermissionDeniedError, to an authenticated user who is not an admin', async () => {
    const authed = createApp({ requests: h.store, dashboard: { builtDir: h.dashboardDir }, authUserHeader: 'X-Auth-User' });
    await globalUserState.setUserRole(userHashForName('bob'), 'user');
    const result = await roundTrip(authed, '/workspaces/config', { method: 'get', headers: { 'X-Auth-User': 'bob' } });
    expect(result.error).toMatchObject({ type: 'PermissionDeniedError', message: expect.stringMatching(/Only admins/) });
  });
});

describe('/endpoints and /download', () => {
  it('an UP cluster without open ports has none; a missing one is ClusterDoesNotExist', async () => {
    expect(await call(h.app, '/endpoints', { body: { cluster: 'jobs' } })).toEqual({});
    expect((await roundTrip(h.app, '/endpoints', { body: { cluster: 'nope' } })).error?.type).toBe('ClusterDoesNotExist');
  });

  it('/download_logs names a folder that /download zips', async () => {
    const folders = await call<Record<string, string>>(h.app, '/download_logs', { body: { cluster_name: 'jobs', job_ids: ['2'] } });
    expect(folders).toEqual({ 2: '~/sky_logs/jobs/2' });
    const res = await request(h.app)
      .post('/download?relative=items')
      .send({ folder_paths: Object.values(folders) })
      .buffer(true)
      .parse((r, done) => {
        const b: Buffer[] = [];
        r.on('data', (c: Buffer) => b.push(c));
        r.on('end', () => done(null, Buffer.concat(b)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const zip = res.body as Buffer;
    const nameLength = zip.readUInt16LE(26);
    expect(zip.subarray(30, 30 + nameLength).toString()).toBe('2/run.log');
    const size = zip.readUInt32LE(18);
    const data = zip.subarray(30 + nameLength, 30 + nameLength + size);
    expect((zip.readUInt16LE(8) === 0 ? data : inflateRawSync(data)).toString()).toBe('log of b\n');
  });

  it('/download refuses a folder that names no job', async () => {
    const res = await request(h.app)
      .post('/download')
      .send({ folder_paths: ['/etc'] });
    expect(res.status).toBe(404);
  });
});

describe('handles and resources by the declared API version', () => {
  const status = (headers: Record<string, string>) =>
    call<StatusRecord[]>(h.app, '/status', { body: { cluster_names: ['jobs'], include_handle: true }, headers });
  const cost = (headers: Record<string, string>) => call<CostReportRecord[]>(h.app, '/cost_report', { body: {}, headers });

  it.each([
    ['no header: our storage JSON', {}, 'json'],
    [
      `API ${DICT_OBJECTS_MIN_API_VERSION - 1}: base64 pickles`,
      { 'X-SkyPilot-API-Version': String(DICT_OBJECTS_MIN_API_VERSION - 1) },
      'pickle',
    ],
    [`API ${DICT_OBJECTS_MIN_API_VERSION}: upstream's dicts`, { 'X-SkyPilot-API-Version': String(DICT_OBJECTS_MIN_API_VERSION) }, 'dict'],
  ])('%s', async (_what, headers, kind) => {
    const [row] = await status(headers);
    const [report] = await cost(headers);
    if (kind === 'pickle') {
      expect(unpickle(row.handle as string).value).toMatchObject({
        __object__: 'sky.backends.cloud_vm_ray_backend.CloudVmRayResourceHandle',
      });
      expect(unpickle(report.resources as string).value).toMatchObject({ __object__: 'sky.resources.Resources' });
      expect(row.storage_mounts_metadata).toBe('gAROLg==');
    } else if (kind === 'dict') {
      expect(row.handle).toMatchObject({ cluster_name: 'jobs', cluster_yaml: expect.any(String), launched_resources: { cloud: 'AWS' } });
      expect(Object.values(report.resources as object)).not.toContain(null);
      expect(row).not.toHaveProperty('storage_mounts_metadata');
    } else {
      expect(row.handle).toMatchObject({ _version: 12, cluster_name: 'jobs', _cluster_yaml: expect.any(String) });
      expect(report.resources).toMatchObject({ cloud: 'AWS', instance_type: 'm6i.2xlarge' });
    }
  });

  it('a pickle client that does not ask for the handle still gets a pickled None under the key', async () => {
    const [row] = await call<StatusRecord[]>(h.app, '/status', {
      body: { cluster_names: ['jobs'], include_handle: false },
      headers: { 'X-SkyPilot-API-Version': '30' },
    });
    expect(row.handle).toBe('gAROLg==');
  });
});

describe("upstream's endpoints this build lacks: answered as their clients read a refusal", () => {
  const rows = UNSUPPORTED_ENDPOINTS.map((e) => [e.method, e.path, e.answer, e] as const);

  it.each(rows)('%s %s (%s): NotSupportedError, nothing run or kept', async (method, path, answer, e) => {
    const sent = method === 'GET' ? request(h.app).get(path) : request(h.app).post(path).send({ task: 'run: echo hi' });
    const res = await sent.set('X-SkyPilot-API-Version', '49');
    if (answer === 'validate') {
      // sdk.validate reads only a 400, and raises deserialize_exception(detail).
      expect(res.status).toBe(400);
      expect(res.body.detail).toEqual({
        type: 'NotSupportedError',
        message: expect.stringMatching(/not supported by this SkyPilot API server/),
        args: [expect.any(String)],
        attributes: {},
        stacktrace: null,
      });
      return;
    }
    if (answer === 'direct') {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        detail: expect.stringMatching(/not supported/),
        error: { type: 'NotSupportedError', code: 'not_supported' },
      });
      return;
    }
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(answer === 'stream' ? /^text\/plain/ : /^application\/json/);
    expect(res.text).toBe(answer === 'stream' ? '' : 'null');
    const id = res.headers['x-skypilot-request-id'];
    const got = await request(h.app).get('/api/get').query({ request_id: id });
    expect(got.status).toBe(500);
    expect(got.body.detail).toMatchObject({ name: e.name, status: 'FAILED' });
    expect(JSON.parse(got.body.detail.error)).toMatchObject({ type: 'NotSupportedError', message: expect.stringContaining(e.what) });
    expect(await h.store.get(id)).toMatchObject({ durable: false, body: '{}' });
  });

  it('covers what the official CLI schedules for launching, services and storage', () => {
    expect(rows.map(([m, p]) => `${m} ${p}`)).toEqual(
      expect.arrayContaining([
        'POST /validate',
        'POST /optimize',
        'POST /launch',
        'POST /exec',
        'POST /jobs/launch',
        'POST /serve/up',
        'POST /serve/down',
        'POST /serve/update',
        'POST /storage/delete',
      ]),
    );
  });
});
