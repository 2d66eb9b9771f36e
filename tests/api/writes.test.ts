/** Writes through the API change the state: cluster lifecycle, users, workspaces. */
import request from 'supertest';
import type { CostReportRecord, StatusRecord, UserRecord, WorkspacesMap } from '../../src/api/wireTypes';
import { globalUserState } from '../../src/state/globalUserState';
import { call, roundTrip, useApiHarness } from '../helpers/api';
import { USER_B, seedCluster } from '../helpers/fixtures';

const h = useApiHarness();

async function statusOf(name: string): Promise<StatusRecord | undefined> {
  const rows = await call<StatusRecord[]>(h.app, '/status', { body: { cluster_names: [name] } });
  return rows.find((r) => r.name === name);
}

describe('cluster lifecycle', () => {
  beforeAll(async () => {
    await seedCluster('life');
    await seedCluster('gone');
  });

  it('/stop -> STOPPED with no head IP', async () => {
    expect((await statusOf('life'))!.status).toBe('UP');
    const result = await roundTrip(h.app, '/stop', { body: { cluster_name: 'life' } });
    expect(result.status).toBe(200);
    expect(result.value).toBeNull();
    const row = (await statusOf('life'))!;
    expect(row.status).toBe('STOPPED');
    expect(row.head_ip).toBeNull();
  });

  it('/autostop on a STOPPED cluster -> FAILED with ClusterNotUpError', async () => {
    const result = await roundTrip(h.app, '/autostop', { body: { cluster_name: 'life', idle_minutes: 30, down: true } });
    expect(result.status).toBe(500);
    expect(result.payload.status).toBe('FAILED');
    expect(result.error!.type).toBe('ClusterNotUpError');
    expect((await statusOf('life'))!.autostop).toBe(-1);
  });

  it('/start -> UP with addresses again; the result is the handle as JSON', async () => {
    const result = await roundTrip<{ cluster_name: string; stable_internal_external_ips: unknown[] }>(h.app, '/start', {
      body: { cluster_name: 'life' },
    });
    expect(result.payload.status).toBe('SUCCEEDED');
    expect(result.payload.schedule_type).toBe('long');
    expect(result.value.cluster_name).toBe('life');
    expect(result.value.stable_internal_external_ips).toHaveLength(1);
    const row = (await statusOf('life'))!;
    expect(row.status).toBe('UP');
    expect(row.head_ip).not.toBeNull();
  });

  it('/autostop {idle_minutes: 30, down: true} -> autostop 30, to_down true', async () => {
    const result = await roundTrip(h.app, '/autostop', { body: { cluster_name: 'life', idle_minutes: 30, down: true } });
    expect(result.payload.status).toBe('SUCCEEDED');
    const row = (await statusOf('life'))!;
    expect(row.autostop).toBe(30);
    expect(row.to_down).toBe(true);
    await call(h.app, '/autostop', { body: { cluster_name: 'life', idle_minutes: -1 } });
    expect((await statusOf('life'))!).toMatchObject({ autostop: -1, to_down: false });
  });

  it('/start with idle_minutes_to_autostop sets autostop on the way', async () => {
    await call(h.app, '/stop', { body: { cluster_name: 'life' } });
    await call(h.app, '/start', { body: { cluster_name: 'life', idle_minutes_to_autostop: 15, down: false } });
    expect((await statusOf('life'))!).toMatchObject({ status: 'UP', autostop: 15, to_down: false });
  });

  it('/down -> gone from /status, in /cost_report with status null', async () => {
    const before = (await statusOf('gone'))!;
    const result = await roundTrip(h.app, '/down', { body: { cluster_name: 'gone' } });
    expect(result.payload.status).toBe('SUCCEEDED');
    expect(await statusOf('gone')).toBeUndefined();
    const all = await call<StatusRecord[]>(h.app, '/status');
    expect(all.map((r) => r.name)).not.toContain('gone');
    const report = await call<CostReportRecord[]>(h.app, '/cost_report');
    const entry = report.find((r) => r.name === 'gone');
    expect(entry).toBeDefined();
    expect(entry!.status).toBeNull();
    expect(entry!.cluster_hash).toBe(before.cluster_hash);
    expect(entry!.usage_intervals!.every(([, end]) => end !== null)).toBe(true);
    // A second /down fails: the cluster no longer exists.
    const again = await roundTrip(h.app, '/down', { body: { cluster_name: 'gone' } });
    expect(again.error!.type).toBe('ClusterDoesNotExist');
  });

  it('/stop on a cluster that is already STOPPED succeeds and changes nothing', async () => {
    await call(h.app, '/stop', { body: { cluster_name: 'life' } });
    const events = (await globalUserState.getClusterEvents('life')).length;
    await call(h.app, '/stop', { body: { cluster_name: 'life' } });
    expect((await globalUserState.getClusterEvents('life')).length).toBe(events);
  });
});

describe('users', () => {
  const users = async () => (await request(h.app).get('/users')).body as UserRecord[];

  it('/users/create adds a user with the role given; creating it again -> 409', async () => {
    const res = await request(h.app).post('/users/create').send({ username: 'carol', password: 's3cret', role: 'admin' });
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
    const carol = (await users()).find((u) => u.name === 'carol');
    expect(carol).toMatchObject({ role: 'admin', user_type: 'basic' });
    expect(carol!.id).toMatch(/^[0-9a-f]{8}$/);
    const stored = await globalUserState.getUser(carol!.id);
    expect(stored!.password).toMatch(/^scrypt\$/);
    expect(stored!.password).not.toContain('s3cret');
    const again = await request(h.app).post('/users/create').send({ username: 'carol' });
    expect(again.status).toBe(409);
    expect(again.body.error.type).toBe('UserExistsError');
  });

  it('/users/create defaults the role to user', async () => {
    await request(h.app).post('/users/create').send({ username: 'dave' }).expect(200);
    expect((await users()).find((u) => u.name === 'dave')!.role).toBe('user');
  });

  it('/users/update changes the role and the password', async () => {
    const carol = (await users()).find((u) => u.name === 'carol')!;
    const before = (await globalUserState.getUser(carol.id))!.password;
    await request(h.app).post('/users/update').send({ user_id: carol.id, role: 'viewer' }).expect(200);
    expect((await users()).find((u) => u.name === 'carol')!.role).toBe('viewer');
    expect((await globalUserState.getUser(carol.id))!.password).toBe(before);
    await request(h.app).post('/users/update').send({ user_id: carol.id, password: 'n3w' }).expect(200);
    expect((await globalUserState.getUser(carol.id))!.password).not.toBe(before);
    const nothing = await request(h.app).post('/users/update').send({ user_id: carol.id });
    expect(nothing.status).toBe(400);
    const unknown = await request(h.app).post('/users/update').send({ user_id: 'ffff0000', role: 'user' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.type).toBe('UserNotFoundError');
  });

  it('/users/delete removes a user; one with clusters is refused', async () => {
    const dave = (await users()).find((u) => u.name === 'dave')!;
    await request(h.app).post('/users/delete').send({ user_id: dave.id }).expect(200);
    expect((await users()).map((u) => u.name)).not.toContain('dave');
    await globalUserState.addOrUpdateUser({ id: USER_B, name: 'busy-bob' });
    await seedCluster('bobs', { userHash: USER_B });
    const busy = await request(h.app).post('/users/delete').send({ user_id: USER_B });
    expect(busy.status).toBe(409);
    expect(busy.body.error.type).toBe('UserInUseError');
    expect(await globalUserState.getUser(USER_B)).not.toBeNull();
    const unknown = await request(h.app).post('/users/delete').send({ user_id: dave.id });
    expect(unknown.status).toBe(404);
  });
});

describe('workspaces', () => {
  it('create, update and delete; each returns the workspaces after the change', async () => {
    const created = await call<WorkspacesMap>(h.app, '/workspaces/create', {
      body: { workspace_name: 'ml', config: { private: true, allowed_users: ['carol'] } },
    });
    expect(created).toEqual({ default: {}, ml: { private: true, allowed_users: ['carol'] } });
    expect(await call(h.app, '/workspaces', { method: 'get' })).toEqual(created);

    const updated = await call<WorkspacesMap>(h.app, '/workspaces/update', { body: { workspace_name: 'ml', config: { private: false } } });
    expect(updated.ml).toEqual({ private: false });

    const deleted = await call<WorkspacesMap>(h.app, '/workspaces/delete', { body: { workspace_name: 'ml' } });
    expect(deleted).toEqual({ default: {} });
  });

  it.each([
    ['/workspaces/create', { workspace_name: 'default', config: {} }, 'WorkspaceExistsError'],
    ['/workspaces/update', { workspace_name: 'absent', config: {} }, 'WorkspaceNotFoundError'],
    ['/workspaces/delete', { workspace_name: 'absent' }, 'WorkspaceNotFoundError'],
    ['/workspaces/delete', { workspace_name: 'default' }, 'NotSupportedError'],
  ])('%s %j -> FAILED %s', async (path, body, type) => {
    const result = await roundTrip(h.app, path, { body });
    expect(result.status).toBe(500);
    expect(result.error!.type).toBe(type);
  });

  it('a workspace with clusters cannot be deleted', async () => {
    await call(h.app, '/workspaces/create', { body: { workspace_name: 'busy', config: {} } });
    await seedCluster('in-busy', { workspace: 'busy' });
    const result = await roundTrip(h.app, '/workspaces/delete', { body: { workspace_name: 'busy' } });
    expect(result.error!.type).toBe('WorkspaceInUseError');
    expect(Object.keys(await call<WorkspacesMap>(h.app, '/workspaces', { method: 'get' }))).toContain('busy');
  });

  // Regression: existence was checked with `name in all`, which also sees Object.prototype, so
  // `constructor` (a valid workspace name) looked like an existing workspace.
  describe('a workspace named "constructor"', () => {
    beforeEach(async () => {
      await globalUserState.deleteWorkspace('constructor'); // start from "does not exist" every time
    });

    it('can be created (it does not exist yet)', async () => {
      const result = await roundTrip<WorkspacesMap>(h.app, '/workspaces/create', {
        body: { workspace_name: 'constructor', config: { private: true } },
      });
      expect(result.payload.status).toBe('SUCCEEDED');
      expect(Object.hasOwn(result.value, 'constructor')).toBe(true);
    });

    it('cannot be updated before it exists (WorkspaceNotFoundError)', async () => {
      const result = await roundTrip(h.app, '/workspaces/update', { body: { workspace_name: 'constructor', config: {} } });
      expect(result.error?.type).toBe('WorkspaceNotFoundError');
    });

    it('cannot be deleted before it exists (WorkspaceNotFoundError)', async () => {
      const result = await roundTrip(h.app, '/workspaces/delete', { body: { workspace_name: 'constructor' } });
      expect(result.error?.type).toBe('WorkspaceNotFoundError');
    });
  });
});
