/**
 * Handles and Resources by what each client really decodes (src/api/objectEncoding.ts). Upstream's
 * decoders (sky/server/requests/serializers/decoders.py) unpickle `status[].handle`, `start`'s handle
 * and `cost_report[].resources` unconditionally before PR #9302 (commit 96df019, API 48), and accept
 * a dict or a pickle from the next API version, 49, on. So: a pickle for every Python client below 49
 * (python3 loads it under SkyPilot's class names), upstream's dict layout from 49 (checked by
 * tests/helpers/officialDecode.py as `from_dict` / `_from_yaml_config_single` read it), and for the
 * official dashboard, whatever number it declares, JSON with no pickle.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { CostReportRecord, StatusRecord } from '../../src/api/wireTypes';
import { globalUserState } from '../../src/state/globalUserState';
import { DICT_OBJECTS_MIN_API_VERSION, MIN_COMPATIBLE_API_VERSION } from '../../src/vocab/versions';
import { REQUEST_ID_HEADER, useApiHarness } from '../helpers/api';
import { seedCluster } from '../helpers/fixtures';
import { unpickle } from '../helpers/unpickle';
import request from 'supertest';

const DECODER = path.resolve(__dirname, '..', 'helpers', 'officialDecode.py');

type Expected = 'pickle' | 'dict' | 'json';
const CLIENTS: [what: string, headers: Record<string, string>, expected: Expected][] = [
  [
    `Python API ${MIN_COMPATIBLE_API_VERSION} (the oldest served)`,
    { 'X-SkyPilot-API-Version': String(MIN_COMPATIBLE_API_VERSION), 'X-SkyPilot-Version': '0.10.0' },
    'pickle',
  ],
  ['Python API 24 (SkyPilot 0.11)', { 'X-SkyPilot-API-Version': '24', 'X-SkyPilot-Version': '0.11.0' }, 'pickle'],
  ['Python API 48 (just before #9302)', { 'X-SkyPilot-API-Version': '48', 'X-SkyPilot-Version': '1.0.0.dev20260410' }, 'pickle'],
  ['Python API 49 (the first with dict decoders)', { 'X-SkyPilot-API-Version': '49', 'X-SkyPilot-Version': '1.0.0.dev20260423' }, 'dict'],
  ['Python API 53 (June 2026)', { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': '1.0.0.dev20260624' }, 'dict'],
  ['the official dashboard, API 53', { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': 'dashboard;' }, 'json'],
  ['the official dashboard, API 58', { 'X-SkyPilot-API-Version': '58', 'X-SkyPilot-Version': 'Dashboard; build 7' }, 'json'],
  ['no declaration (curl, scripts)', {}, 'json'],
];

const h = useApiHarness();

beforeAll(async () => {
  await seedCluster('enc');
  await seedCluster('enc-stopped', { ready: false });
});

async function scheduled(pathName: string, body: object, headers: Record<string, string>) {
  const res = await request(h.app).post(pathName).send(body).set(headers);
  expect(res.status).toBe(200);
  const got = await request(h.app).get('/api/get').query({ request_id: res.headers[REQUEST_ID_HEADER] }).set(headers);
  expect(got.status).toBe(200);
  return got.body as { name: string; return_value: string };
}

/** What officialDecode.py (the 49+ client's decoders, stand-ins for SkyPilot's classes) makes of a payload. */
function decodeAsPython(payload: object): { ok: boolean; summary?: any; error?: string } {
  const run = spawnSync('python3', [DECODER], {
    input: JSON.stringify([{ kind: 'payload', http_status: 200, payload }]),
    encoding: 'utf8',
    timeout: 30_000,
    cwd: path.dirname(DECODER),
    env: { ...process.env, PYTHONPATH: path.dirname(DECODER) },
  });
  if (run.status !== 0) throw new Error(`officialDecode.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout)[0];
}

it('the threshold is the first API version whose decoders take a dict', () => {
  expect(DICT_OBJECTS_MIN_API_VERSION).toBe(49);
});

describe.each(CLIENTS)('%s', (_what, headers, expected) => {
  it(`/status handles: ${expected}`, async () => {
    const payload = await scheduled('/status', { cluster_names: ['enc'], include_handle: true }, headers);
    const [row] = JSON.parse(payload.return_value) as StatusRecord[];
    if (expected === 'pickle') {
      // Before #9302: `decode_and_unpickle(cluster['handle'])` on every row, so a string it loads.
      expect(typeof row.handle).toBe('string');
      expect(unpickle(row.handle as string).value).toMatchObject({
        __object__: 'sky.backends.cloud_vm_ray_backend.CloudVmRayResourceHandle',
      });
      expect(unpickle(row.storage_mounts_metadata as string).value).toBeNull();
    } else if (expected === 'dict') {
      expect(decodeAsPython(payload)).toMatchObject({ ok: true, summary: { value: [{ handle: { kind: 'dict' } }] } });
    } else {
      expect(row.handle).toMatchObject({ cluster_name: 'enc' });
      expect(JSON.stringify(row)).not.toMatch(/"gA[A-Za-z0-9+/]{2}/);
    }
  });

  it(`/cost_report resources: ${expected}`, async () => {
    const payload = await scheduled('/cost_report', { cluster_names: ['enc'] }, headers);
    const [report] = JSON.parse(payload.return_value) as CostReportRecord[];
    if (expected === 'pickle') {
      expect(unpickle(report.resources as string).value).toMatchObject({ __object__: 'sky.resources.Resources' });
    } else if (expected === 'dict') {
      expect(decodeAsPython(payload)).toMatchObject({ ok: true, summary: { value: [{ resources: 'dict' }] } });
    } else {
      expect(report.resources).toMatchObject({ cloud: 'AWS', instance_type: 'm6i.2xlarge' });
    }
  });

  it(`/start's handle: ${expected}`, async () => {
    await globalUserState.removeCluster('enc-stopped', false);
    const payload = await scheduled('/start', { cluster_name: 'enc-stopped' }, headers);
    const handle = JSON.parse(payload.return_value);
    if (expected === 'pickle') {
      expect(unpickle(handle).value).toMatchObject({ __object__: 'sky.backends.cloud_vm_ray_backend.CloudVmRayResourceHandle' });
    } else if (expected === 'dict') {
      expect(handle).toMatchObject({ cluster_name: 'enc-stopped', launched_resources: { cloud: 'AWS' } });
    } else {
      expect(handle).toMatchObject({ _version: 12, cluster_name: 'enc-stopped' });
    }
  });
});
