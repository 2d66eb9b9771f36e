/**
 * Reads the official dashboard (upstream master, API 53) makes when a nightly page loads, replayed
 * as its connectors send them, whose refusal it would log as console errors:
 * - the cluster page asks every cluster's job queue (`getClusterJobs`: POST /queue with all_users and
 *   the cluster's workspace), a STOPPED one's too, and logs a failed answer three times; it gets the
 *   jobs the cluster ran. The official CLI's `sky queue` keeps upstream's ClusterNotUpError.
 */
import { globalUserState } from '../../src/state/globalUserState';
import { fetchResult, schedule, useApiHarness } from '../helpers/api';
import { USER_A, seedCluster } from '../helpers/fixtures';

const DASHBOARD = { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': 'dashboard;' };
const CLI = { 'X-SkyPilot-API-Version': '49', 'X-SkyPilot-Version': '1.0.0.dev20260301' };
const FROM_DASHBOARD = { env_vars: { SKYPILOT_IS_FROM_DASHBOARD: 'true', SKYPILOT_USER_ID: USER_A, SKYPILOT_USER: 'alice' } };

const h = useApiHarness();

beforeAll(async () => {
  await seedCluster('parked');
  await globalUserState.addClusterJob({
    clusterName: 'parked',
    jobName: 'train',
    userHash: USER_A,
    resources: '1x[CPU:4]',
    status: 'SUCCEEDED',
  });
  await globalUserState.setClusterStatus('parked', 'STOPPED');
});

describe("a STOPPED cluster's page", () => {
  it('the dashboard gets the jobs the cluster ran (SUCCEEDED, no error to log)', async () => {
    const body = { cluster_name: 'parked', all_users: true, override_skypilot_config: { active_workspace: 'default' }, ...FROM_DASHBOARD };
    const id = await schedule(h.app, '/internal/dashboard/queue', { body, headers: DASHBOARD });
    const got = await fetchResult<{ job_id: number; job_name: string; status: string }[]>(h.app, id, DASHBOARD);
    expect([got.status, got.payload.status, got.error]).toEqual([200, 'SUCCEEDED', null]);
    expect(got.value.map((j) => [j.job_id, j.job_name, j.status])).toEqual([[1, 'train', 'SUCCEEDED']]);
  });

  it('the official CLI still gets ClusterNotUpError, as upstream', async () => {
    const id = await schedule(h.app, '/queue', {
      body: {
        cluster_name: 'parked',
        skip_finished: false,
        all_users: false,
        env_vars: { SKYPILOT_USER_ID: USER_A, SKYPILOT_USER: 'alice' },
      },
      headers: CLI,
    });
    const got = await fetchResult(h.app, id, CLI);
    expect([got.status, got.error?.type]).toEqual([500, 'ClusterNotUpError']);
  });
});
