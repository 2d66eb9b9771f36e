/**
 * `GET /dashboard_config`, which the official dashboard (API 53) calls once per cluster, cluster-job
 * and managed-job page: 200 with upstream's shape `{"external_links": [{label, regex}]}` on the
 * nightly (from the stored server config, as the settings page saves it), the demo (from
 * server_config.yaml; empty by default) and in a sandbox session; entries read as upstream reads them.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { FixtureError, loadFixtures } from '../../src/demo/fixtureLoader';
import { externalLinksOf, MAX_EXTERNAL_LINKS } from '../../src/operations/dashboardConfig';
import { globalUserState } from '../../src/state/globalUserState';
import { call, useApiHarness } from '../helpers/api';
import { removeDir } from '../helpers/tempState';
import { copyFixtures, startDemoApp } from '../demo/demoApp';
import { startSandboxApp } from '../sandbox/sandboxApp';

/** What the official dashboard sends on every call (connectors/constants.jsx). */
const DASHBOARD_HEADERS = { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': 'dashboard;' };
const WANDB = { label: 'W&B Run', regex: '^https://wandb\\.ai/[^/]+/[^/]+/runs/[^/]+$' };
const MLFLOW = { label: 'MLflow', regex: '^https://mlflow\\.example\\.com/#/experiments/\\d+/runs/\\w+$' };

describe('the nightly', () => {
  const h = useApiHarness();

  it.each(['/dashboard_config', '/internal/dashboard/dashboard_config'])('%s answers [] before any link is set', async (url) => {
    const res = await request(h.app).get(url).set(DASHBOARD_HEADERS);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ external_links: [] });
  });

  it('answers the links a settings-page save stored, beside the rest of the config', async () => {
    await call(h.app, '/workspaces/config', {
      body: { config: { aws: { labels: { team: 'ml' } }, dashboard: { external_links: [WANDB, MLFLOW] } } },
    });
    const res = await request(h.app).get('/internal/dashboard/dashboard_config').set(DASHBOARD_HEADERS);
    expect(res.body).toEqual({ external_links: [WANDB, MLFLOW] });
    expect(await globalUserState.getServerConfig()).toMatchObject({ aws: { labels: { team: 'ml' } } });
  });

  it.each([
    ['an entry without a regex', { external_links: [{ label: 'x' }] }, /external_links\.0\.regex/],
    ['an empty label', { external_links: [{ label: '', regex: 'a' }] }, /external_links\.0\.label/],
    ['an unknown key', { external_links: [{ ...WANDB, url: 'x' }] }, /external_links\.0/],
    ['a regex that does not compile', { external_links: [{ label: 'x', regex: '(' }] }, /not a valid regular expression/],
    ['a list that is not a list', { external_links: 'x' }, /external_links/],
    ['too many links', { external_links: Array.from({ length: MAX_EXTERNAL_LINKS + 1 }, () => WANDB) }, /external_links/],
  ])('refuses a save with %s: a 400 naming the field, the stored links unchanged', async (_what, dashboard, field) => {
    const res = await request(h.app).post('/workspaces/config').send({ config: { dashboard } });
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('ValidationError');
    expect(res.body.detail).toMatch(field);
    expect((await request(h.app).get('/dashboard_config')).body).toEqual({ external_links: [WANDB, MLFLOW] });
  });

  it('skips stored entries that are not a pair of strings, as upstream does, and keeps the rest', async () => {
    await globalUserState.setServerConfig({ dashboard: { external_links: [WANDB, 'x', { label: 1, regex: 'a' }, null, MLFLOW] } });
    expect((await request(h.app).get('/dashboard_config')).body).toEqual({ external_links: [WANDB, MLFLOW] });
    await globalUserState.setServerConfig({ dashboard: 'x' });
    expect((await request(h.app).get('/dashboard_config')).body).toEqual({ external_links: [] });
  });
});

describe('externalLinksOf', () => {
  const many = (n: number) => Array.from({ length: n }, () => WANDB);
  it.each([
    ['no dashboard section', {}, []],
    ['a null section', { dashboard: null }, []],
    ['null links', { dashboard: { external_links: null } }, []],
    ['an entry with an extra key: the pair only', { dashboard: { external_links: [{ ...WANDB, extra: 1 }] } }, [WANDB]],
    [
      'more entries than the bound: the first ones',
      { dashboard: { external_links: many(MAX_EXTERNAL_LINKS + 5) } },
      many(MAX_EXTERNAL_LINKS),
    ],
  ])('%s', (_what, config, links) => {
    expect(externalLinksOf(config)).toEqual(links);
  });
});

describe('the demo', () => {
  it('answers [] with the shipped fixtures, on both prefixes', async () => {
    const demo = await startDemoApp();
    try {
      for (const url of ['/dashboard_config', '/internal/dashboard/dashboard_config']) {
        const res = await request(demo.app).get(url).set(DASHBOARD_HEADERS);
        expect([res.status, res.body]).toEqual([200, { external_links: [] }]);
      }
    } finally {
      await demo.close();
    }
  });

  it('answers the links the operator sets in server_config.yaml', async () => {
    const dir = copyFixtures();
    const file = path.join(dir, 'server_config.yaml');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace('  external_links: []', () => `  external_links:\n    - { label: '${MLFLOW.label}', regex: '${MLFLOW.regex}' }`),
    );
    const demo = await startDemoApp({ fixturesDir: dir });
    try {
      expect((await request(demo.app).get('/dashboard_config')).body).toEqual({ external_links: [MLFLOW] });
    } finally {
      await demo.close();
      removeDir(dir);
    }
  });

  it('refuses a bad entry in server_config.yaml with the file and the field', () => {
    const dir = copyFixtures();
    try {
      const file = path.join(dir, 'server_config.yaml');
      fs.writeFileSync(
        file,
        fs.readFileSync(file, 'utf8').replace('  external_links: []', "  external_links:\n    - { label: x, regex: '(' }"),
      );
      expect(() => loadFixtures(dir)).toThrow(FixtureError);
      expect(() => loadFixtures(dir)).toThrow(/server_config\.yaml: .*dashboard\.external_links.*0.*regex.*not a valid regular expression/);
    } finally {
      removeDir(dir);
    }
  });

  it('answers in a sandbox session too', async () => {
    const sandbox = await startSandboxApp();
    try {
      const id = await sandbox.newSession();
      const res = await request(sandbox.app)
        .get('/internal/dashboard/dashboard_config')
        .set({ ...DASHBOARD_HEADERS, 'X-Demo-Session-Id': id });
      expect([res.status, res.body]).toEqual([200, { external_links: [] }]);
      // A page load with no session yet (the cookie comes with the first page) answers as well.
      expect((await request(sandbox.app).get('/dashboard_config')).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });
});
