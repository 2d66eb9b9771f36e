/**
 * The official dashboard's settings page (`/settings/config`) reads the server config on load
 * (`getConfig`: GET /workspaces/config, then /api/get) without asking the user's role first, and
 * logs a refusal as four console errors beside an error box. The read-only demo and the sandbox
 * serve it (a demo-only read: the demo's config holds no secret by construction); saving it stays
 * refused.
 */
import request from 'supertest';
import { DEMO_READ_ONLY_MESSAGE } from '../../src/demo/demoModeError';
import { type DemoApp, startDemoApp } from '../demo/demoApp';
import { SESSION_HEADER, type SandboxApp, startSandboxApp } from '../sandbox/sandboxApp';

const P = '/internal/dashboard';
const DASHBOARD = { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': 'dashboard;' };

/** getConfig's two calls; the page shows `return_value` parsed, as YAML. */
async function getConfig(app: DemoApp['app'], headers: Record<string, string> = {}) {
  const scheduled = await request(app)
    .get(`${P}/workspaces/config`)
    .set({ ...DASHBOARD, ...headers });
  const id = scheduled.headers['x-skypilot-request-id'];
  const got = await request(app)
    .get(`${P}/api/get`)
    .query({ request_id: id })
    .set({ ...DASHBOARD, ...headers });
  return { scheduled: scheduled.status, got: got.status, body: got.body };
}

describe('read-only demo', () => {
  let demo: DemoApp;
  beforeAll(async () => {
    demo = await startDemoApp();
  });
  afterAll(async () => demo.close());

  it("serves the settings page's config: 200 twice, SUCCEEDED, the fixture's sections", async () => {
    const { scheduled, got, body } = await getConfig(demo.app);
    expect([scheduled, got, body.status]).toEqual([200, 200, 'SUCCEEDED']);
    const config = JSON.parse(body.return_value) as Record<string, unknown>;
    expect(Object.keys(config)).toEqual(expect.arrayContaining(['workspaces']));
  });

  it('still refuses saving it, with the read-only sentence', async () => {
    const res = await request(demo.app)
      .post(`${P}/workspaces/config`)
      .set(DASHBOARD)
      .send({ config: { workspaces: { default: {} } } });
    const got = await request(demo.app).get(`${P}/api/get`).query({ request_id: res.headers['x-skypilot-request-id'] }).set(DASHBOARD);
    expect(got.status).toBe(500);
    expect(JSON.parse(got.body.detail.error).message).toContain(DEMO_READ_ONLY_MESSAGE);
  });
});

describe('sandbox', () => {
  let sandbox: SandboxApp;
  beforeAll(async () => {
    sandbox = await startSandboxApp();
  });
  afterAll(async () => sandbox.close());

  it("serves the settings page's config in a session", async () => {
    const id = await sandbox.newSession();
    const { scheduled, got, body } = await getConfig(sandbox.app, { [SESSION_HEADER]: id });
    expect([scheduled, got, body.status]).toEqual([200, 200, 'SUCCEEDED']);
  });
});
