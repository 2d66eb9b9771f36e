/**
 * A volume's size as the official clients print it. Upstream's volume records
 * (`sky/volumes/server/core.py volume_list`, `responses.VolumeRecord.size: Optional[str]`) carry the
 * size in GB as a bare number string, normalised by `parse_memory_resource` ('500', from a request
 * of '500GB' or a PVC's '500Gi'), and every reader adds the unit itself: the dashboard's volumes list
 * (components/volumes.jsx formatSize: `${size}Gi`, or Ti from 1024) and the CLI's `sky volumes ls`
 * (client/cli/table_utils.py: f'{size}Gi'). The volume detail page (pages/volumes/[volume].js) prints
 * `volumeData.size` as it is, so it reads "500" against upstream's own server too: upstream PR #9369
 * (2026-04-27) moved the `Gi` from the connector into the list's formatSize and the detail page lost
 * it. A unit in the record would read "500GiGi" in the list and the CLI. This replays the dashboard's volume connector
 * (data/connectors/volumes.js getVolumes) on the nightly and the demo and checks each printed field.
 */
import request from 'supertest';
import type { SkyApp } from '../../src/app';
import { Kubernetes } from '../../src/state/clouds';
import { globalUserState } from '../../src/state/globalUserState';
import { USER_A } from '../helpers/fixtures';
import { useApiHarness } from '../helpers/api';
import { startDemoApp } from '../demo/demoApp';

const DASHBOARD_HEADERS = { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': 'dashboard;' };

/** getVolumes: `apiClient.fetch('/volumes', {}, 'GET')`, then the fields the pages read. */
async function getVolumes(app: SkyApp): Promise<{ name: string; size: unknown }[]> {
  const posted = await request(app).get('/internal/dashboard/volumes').set(DASHBOARD_HEADERS);
  expect(posted.status).toBe(200);
  const got = await request(app)
    .get('/internal/dashboard/api/get')
    .query({ request_id: posted.headers['x-skypilot-request-id'] })
    .set(DASHBOARD_HEADERS);
  expect(got.status).toBe(200);
  return (JSON.parse(got.body.return_value) as { name: string; size: unknown }[]).map((v) => ({ name: v.name, size: v.size }));
}

/** components/volumes.jsx formatSize (the list's Size column). */
function listSize(size: unknown): string {
  if (size == null) return '-';
  if ((size as number) >= 1024) return `${+((size as number) / 1024).toFixed(1)}Ti`;
  return `${size}Gi`;
}

/** pages/volumes/[volume].js: `{volumeData.size || 'N/A'}`. */
const detailSize = (size: unknown) => String(size || 'N/A');
/** `sky volumes ls`: f'{size}Gi', '-' for None. */
const cliSize = (size: unknown) => (size == null ? '-' : `${size}Gi`);

describe('the nightly', () => {
  const h = useApiHarness();

  beforeAll(async () => {
    for (const [name, sizeGb] of [
      ['data-500', 500],
      ['data-2t', 2048],
    ] as const) {
      await globalUserState.addVolume({
        name,
        type: 'k8s-pvc',
        launchedAt: 1_760_000_000,
        cloud: new Kubernetes(),
        region: 'kind-ctx',
        zone: null,
        sizeGb,
        config: { storage_class_name: 'standard', access_mode: 'ReadWriteOnce', namespace: 'default' },
        nameOnCloud: `${name}-aaaa`,
        userHash: USER_A,
        workspace: 'default',
        lastAttachedAt: null,
        lastUse: 'sky volumes apply',
        status: 'READY',
        usedbyPods: [],
        usedbyClusters: [],
      });
    }
  });

  it.each([
    ['data-500', '500', '500Gi', '500Gi', '500'],
    ['data-2t', '2048', '2Ti', '2048Gi', '2048'],
  ])('%s: size %j, as upstream records it; the list prints %s, the CLI %s, the detail page %s', async (name, wire, list, cli, detail) => {
    const volume = (await getVolumes(h.app)).find((v) => v.name === name)!;
    expect(volume.size).toBe(wire);
    expect([listSize(volume.size), cliSize(volume.size), detailSize(volume.size)]).toEqual([list, cli, detail]);
  });
});

describe('the demo', () => {
  it('every fixture volume: a GB number string, read with its unit by the list and the CLI', async () => {
    const demo = await startDemoApp();
    try {
      const volumes = await getVolumes(demo.app);
      const dataset = volumes.find((v) => v.name === 'ml-datasets')!;
      expect([dataset.size, listSize(dataset.size), cliSize(dataset.size), detailSize(dataset.size)]).toEqual([
        '500',
        '500Gi',
        '500Gi',
        '500',
      ]);
      expect(volumes.length).toBeGreaterThan(1);
      for (const v of volumes) {
        expect(v.size).toMatch(/^\d+$/);
        expect(listSize(v.size)).toMatch(/^\d+(\.\d)?(Gi|Ti)$/);
      }
    } finally {
      await demo.close();
    }
  });
});
