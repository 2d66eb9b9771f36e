/**
 * `/cost_report` filtered by `cluster_names` and `cluster_hashes`, as upstream filters
 * (`global_user_state.get_clusters_from_history`): rows matching either list, the `days` window
 * still applying to terminated clusters, and the full record whatever `dashboard_summary_response`
 * says. The official dashboard (API 53) opens `/dashboard/clusters/<name-or-hash>` of a cluster no
 * longer active by sending the URL's value in both lists; replayed here on the nightly and the demo.
 */
import request from 'supertest';
import type { CostReportRecord } from '../../src/api/wireTypes';
import { globalUserState } from '../../src/state/globalUserState';
import { call, useApiHarness } from '../helpers/api';
import { seedCluster } from '../helpers/fixtures';
import { startDemoApp } from '../demo/demoApp';

const DASHBOARD_HEADERS = { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': 'dashboard;' };
const DASHBOARD_ENV = { env_vars: { SKYPILOT_IS_FROM_DASHBOARD: 'true', SKYPILOT_USER_ID: 'local', SKYPILOT_USER: 'local' } };

/**
 * pages/clusters/[cluster].js checkHistoryCluster: getClusterHistory(cluster, 30, cluster), then the
 * row whose hash is the URL's value, else the first whose name is.
 */
async function openHistoricalPage(app: Parameters<typeof request>[0], urlValue: string): Promise<CostReportRecord | undefined> {
  const body = { days: 30, dashboard_summary_response: true, cluster_hashes: [urlValue], cluster_names: [urlValue], ...DASHBOARD_ENV };
  const posted = await request(app).post('/internal/dashboard/cost_report').set(DASHBOARD_HEADERS).send(body);
  expect(posted.status).toBe(200);
  const got = await request(app)
    .get('/internal/dashboard/api/get')
    .query({ request_id: posted.headers['x-skypilot-request-id'] })
    .set(DASHBOARD_HEADERS);
  expect(got.status).toBe(200);
  const rows = JSON.parse(got.body.return_value) as CostReportRecord[];
  return rows.find((r) => r.cluster_hash === urlValue) ?? rows.find((r) => r.name === urlValue);
}

describe('the nightly', () => {
  const h = useApiHarness();
  const hashes: Record<string, string> = {};

  beforeAll(async () => {
    hashes.live = (await seedCluster('cr-live')).clusterHash;
    hashes.old = (await seedCluster('cr-old')).clusterHash;
    await globalUserState.removeCluster('cr-old', true);
    hashes.reusedFirst = (await seedCluster('cr-reused')).clusterHash;
    await globalUserState.removeCluster('cr-reused', true);
    hashes.reusedSecond = (await seedCluster('cr-reused')).clusterHash;
    await seedCluster('cr-other');
  });

  const names = async (body: object) =>
    (await call<CostReportRecord[]>(h.app, '/cost_report', { body }))
      .map((r) => `${r.name}:${r.cluster_hash === hashes.reusedFirst ? 'first' : (r.status ?? 'TERMINATED')}`)
      .sort();

  it.each([
    ['a terminated cluster by name', () => ({ cluster_names: ['cr-old'] }), ['cr-old:TERMINATED']],
    ['a live cluster by hash', () => ({ cluster_hashes: [hashes.live] }), ['cr-live:UP']],
    [
      'either list matching (OR)',
      () => ({ cluster_hashes: [hashes.live], cluster_names: ['cr-old'] }),
      ['cr-live:UP', 'cr-old:TERMINATED'],
    ],
    [
      'a name in both lists, as the dashboard sends it',
      () => ({ cluster_hashes: ['cr-old'], cluster_names: ['cr-old'] }),
      ['cr-old:TERMINATED'],
    ],
    ['a hash in both lists', () => ({ cluster_hashes: [hashes.old], cluster_names: [hashes.old] }), ['cr-old:TERMINATED']],
    ['a reused name: every launch', () => ({ cluster_names: ['cr-reused'] }), ['cr-reused:UP', 'cr-reused:first']],
    ['a name nobody has', () => ({ cluster_names: ['nope'] }), []],
    ['empty lists: nothing (upstream: IN ())', () => ({ cluster_names: [], cluster_hashes: [] }), []],
    [
      'nulls: no filter',
      () => ({ cluster_names: null, cluster_hashes: null }),
      expect.arrayContaining(['cr-live:UP', 'cr-old:TERMINATED', 'cr-other:UP']),
    ],
  ])('%s', async (_what, body, expected) => {
    expect(await names(body())).toEqual(expected);
  });

  it('a filtered answer is the full record, even when the dashboard asks for a summary', async () => {
    const [row] = await call<CostReportRecord[]>(h.app, '/cost_report', {
      body: { dashboard_summary_response: true, cluster_names: ['cr-old'] },
    });
    expect(row.usage_intervals).toEqual([[expect.any(Number), expect.any(Number)]]);
    const [summary] = await call<CostReportRecord[]>(h.app, '/cost_report', { body: { dashboard_summary_response: true } });
    expect(summary.usage_intervals).toBeUndefined();
  });

  it('the days window still applies to a terminated cluster asked by name', async () => {
    const now = Date.now();
    const later = jest.spyOn(Date, 'now').mockReturnValue(now + 3 * 86_400_000);
    try {
      expect(await names({ days: 1, cluster_names: ['cr-old', 'cr-live'] })).toEqual(['cr-live:UP']);
    } finally {
      later.mockRestore();
    }
  });

  it('the official dashboard finds a torn-down cluster opened by name, and one opened by hash', async () => {
    expect(await openHistoricalPage(h.app, 'cr-old')).toMatchObject({ name: 'cr-old', status: null, cluster_hash: hashes.old });
    expect(await openHistoricalPage(h.app, hashes.old)).toMatchObject({ name: 'cr-old', cluster_hash: hashes.old });
    expect(await openHistoricalPage(h.app, 'nope')).toBeUndefined();
  });

  it.each([
    ['a string', { cluster_names: 'cr-old' }],
    ['numbers', { cluster_names: [1] }],
    ['too many names', { cluster_names: Array.from({ length: 10_001 }, (_, i) => `c${i}`) }],
  ])('refuses cluster_names as %s with a 400 naming the field', async (_what, body) => {
    const res = await request(h.app).post('/cost_report').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('ValidationError');
    expect(res.body.detail).toMatch(/cluster_names/);
  });
});

describe('the demo', () => {
  it('the official dashboard finds a terminated fixture cluster opened by name', async () => {
    const demo = await startDemoApp();
    try {
      const row = await openHistoricalPage(demo.app, 'sweep-a100-old');
      expect(row).toMatchObject({ name: 'sweep-a100-old', status: null, num_nodes: 2, cloud: 'GCP' });
      expect(row!.usage_intervals).toHaveLength(1);
      expect(await openHistoricalPage(demo.app, row!.cluster_hash)).toMatchObject({ name: 'sweep-a100-old' });
      expect(await openHistoricalPage(demo.app, 'no-such-cluster')).toBeUndefined();
    } finally {
      await demo.close();
    }
  });
});
