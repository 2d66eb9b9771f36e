/**
 * The official dashboard's writes inside a sandbox session, replayed as it sends them (its headers,
 * the `/internal/dashboard` prefix, the cookie its page load got): a user's role, workspace create,
 * update and delete, volume delete succeed in the visitor's session and show on the next read, for
 * that visitor only; the writes the sandbox does not simulate (settings, deleting users) still answer
 * the read-only refusal the dashboard shows.
 */
import request from 'supertest';
import { userHashForName } from '../../src/state/currentUser';
import { startSandboxApp, type SandboxApp } from './sandboxApp';

const P = '/internal/dashboard';
const DASHBOARD_HEADERS = { 'X-SkyPilot-API-Version': '58', 'X-SkyPilot-Version': 'dashboard;' };
const ENV = { env_vars: { SKYPILOT_IS_FROM_DASHBOARD: 'true', SKYPILOT_USER_ID: 'local', SKYPILOT_USER: 'local' } };
const BOB = userHashForName('bob@skypilot.co');

let s: SandboxApp;
beforeAll(async () => {
  s = await startSandboxApp();
});
afterAll(async () => s.close());

/** A browser: the page load gives it its session cookie, which every call then carries. */
async function browser(): Promise<string> {
  const page = await request(s.app).get('/dashboard/').set('Accept', 'text/html');
  return page.headers['set-cookie'][0].split(';')[0];
}

async function scheduled(cookie: string, method: 'get' | 'post', path: string, body: object = {}) {
  const sent =
    method === 'post'
      ? request(s.app)
          .post(`${P}${path}`)
          .set(DASHBOARD_HEADERS)
          .set('Cookie', cookie)
          .send({ ...ENV, ...body })
      : request(s.app).get(`${P}${path}`).set(DASHBOARD_HEADERS).set('Cookie', cookie);
  const res = await sent;
  expect(res.status).toBe(200);
  const got = await request(s.app)
    .get(`${P}/api/get`)
    .query({ request_id: res.headers['x-skypilot-request-id'] })
    .set(DASHBOARD_HEADERS)
    .set('Cookie', cookie);
  const payload = got.status === 500 ? got.body.detail : got.body;
  return { status: payload.status as string, value: JSON.parse(payload.return_value), error: JSON.parse(payload.error) };
}

const workspaces = async (cookie: string) => (await scheduled(cookie, 'get', '/workspaces')).value as Record<string, unknown>;
const volumes = async (cookie: string) => ((await scheduled(cookie, 'get', '/volumes')).value as { name: string }[]).map((v) => v.name);

describe('the official dashboard in a sandbox session', () => {
  it('users page: changes a role, for this visitor only', async () => {
    const [mine, theirs] = [await browser(), await browser()];
    const res = await request(s.app)
      .post(`${P}/users/update`)
      .set(DASHBOARD_HEADERS)
      .set('Cookie', mine)
      .send({ user_id: BOB, role: 'viewer' });
    expect(res.status).toBe(200);
    const roleOf = async (cookie: string) =>
      ((await request(s.app).get(`${P}/users`).set('Cookie', cookie)).body as { id: string; role: string }[]).find((u) => u.id === BOB)
        ?.role;
    expect(await roleOf(mine)).toBe('viewer');
    expect(await roleOf(theirs)).toBe('user');
  });

  it('workspaces page: creates, updates and deletes a workspace', async () => {
    const [mine, theirs] = [await browser(), await browser()];
    expect(
      (await scheduled(mine, 'post', '/workspaces/create', { workspace_name: 'demo-team', config: { gcp: { project_id: 'x' } } })).status,
    ).toBe('SUCCEEDED');
    expect((await workspaces(mine))['demo-team']).toEqual({ gcp: { project_id: 'x' } });
    expect(
      (await scheduled(mine, 'post', '/workspaces/update', { workspace_name: 'demo-team', config: { aws: { disabled: true } } })).status,
    ).toBe('SUCCEEDED');
    expect((await workspaces(mine))['demo-team']).toEqual({ aws: { disabled: true } });
    expect(Object.keys(await workspaces(theirs))).toEqual(['default', 'ml-team', 'research-private']);
    expect((await scheduled(mine, 'post', '/workspaces/delete', { workspace_name: 'demo-team' })).status).toBe('SUCCEEDED');
    expect(Object.keys(await workspaces(mine))).toEqual(['default', 'ml-team', 'research-private']);
  });

  it('volumes page: deletes a volume not in use, and says why not for one in use', async () => {
    const mine = await browser();
    expect((await scheduled(mine, 'post', '/volumes/delete', { names: ['shared-workspace'] })).status).toBe('SUCCEEDED');
    expect(await volumes(mine)).toEqual(['model-checkpoints', 'ml-datasets']);
    const inUse = await scheduled(mine, 'post', '/volumes/delete', { names: ['ml-datasets'] });
    expect(inUse.error.message).toMatch(/in use by cluster\(s\) training-multinode-1/);
    expect(await volumes(await browser())).toEqual(['shared-workspace', 'model-checkpoints', 'ml-datasets']);
  });

  it('what the sandbox does not simulate answers the read-only refusal the dashboard shows', async () => {
    const mine = await browser();
    const settings = await scheduled(mine, 'post', '/workspaces/config', { config: { workspaces: { default: {} } } });
    expect([settings.status, settings.error.message]).toEqual(['FAILED', expect.stringMatching(/read-only demo/)]);
    const del = await request(s.app).post(`${P}/users/delete`).set(DASHBOARD_HEADERS).set('Cookie', mine).send({ user_id: BOB });
    expect([del.status, del.body.detail]).toEqual([403, expect.stringMatching(/read-only demo/)]);
  });
});
