/**
 * The official dashboard declares itself on every call (upstream master, API 53:
 * `X-SkyPilot-API-Version: 53`, `X-SkyPilot-Version: dashboard;`, connectors/constants.jsx) and reads
 * every answer as JSON. This replays every read its pages make (its connectors under
 * sky/dashboard/src/data/connectors/, with their bodies) against the nightly (seeded) and the demo,
 * and checks that no answer, result or envelope, carries a pickle anywhere, while each still answers
 * (so the scan has something to read). A control proves the scan finds pickles: the same reads by an
 * official Python client of API 48 carry them (python3 unpickles what it found).
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { SkyApp } from '../../src/app';
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import { type ApiHarness, closeApiHarness, openApiHarness } from '../helpers/api';
import { USER_A, gcpA100, makeHandle, seedCluster, seedRecipe } from '../helpers/fixtures';
import { makeTempDir, removeDir } from '../helpers/tempState';
import { unpickleAll } from '../helpers/unpickle';
import { type DemoApp, startDemoApp } from '../demo/demoApp';

const DASHBOARD_HEADERS = { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': 'dashboard;' };
/** An official Python client from just before upstream PR #9302: it needs the pickles. */
const PYTHON_48_HEADERS = { 'X-SkyPilot-API-Version': '48', 'X-SkyPilot-Version': '1.0.0.dev20260410' };
const ENV = { env_vars: { SKYPILOT_IS_FROM_DASHBOARD: 'true', SKYPILOT_USER_ID: 'local', SKYPILOT_USER: 'local' } };

interface Target {
  app: SkyApp;
  cluster: string;
  terminated: string;
  managedJobId: number;
  recipe: string;
}

interface Read {
  what: string;
  method: 'GET' | 'POST';
  path: string;
  body?: (t: Target) => object;
}

const JOBS_FIELDS = ['job_id', 'job_name', 'user_name', 'user_hash', 'workspace', 'status', 'resources', 'cloud', 'region', 'pool'];

/** What the official dashboard's pages read, as its connectors send it (apiClient adds `env_vars`). */
const READS: Read[] = [
  { what: 'every page: version', method: 'GET', path: '/api/health' },
  { what: 'every page: user', method: 'GET', path: '/users/role' },
  { what: 'every page: plugins', method: 'GET', path: '/api/plugins' },
  { what: 'cluster and job pages: log links', method: 'GET', path: '/dashboard_config' },
  {
    what: 'clusters page',
    method: 'POST',
    path: '/status',
    body: () => ({ cluster_names: null, all_users: true, include_credentials: false, include_handle: false, summary_response: true }),
  },
  {
    what: 'cluster page',
    method: 'POST',
    path: '/status',
    body: (t) => ({
      cluster_names: [t.cluster],
      all_users: true,
      include_credentials: false,
      include_handle: false,
      summary_response: false,
    }),
  },
  { what: 'clusters page: history', method: 'POST', path: '/cost_report', body: () => ({ days: 30, dashboard_summary_response: true }) },
  {
    what: 'terminated cluster page',
    method: 'POST',
    path: '/cost_report',
    body: (t) => ({ days: 30, dashboard_summary_response: true, cluster_hashes: [t.terminated], cluster_names: [t.terminated] }),
  },
  { what: 'cluster page: jobs', method: 'POST', path: '/queue', body: (t) => ({ cluster_name: t.cluster, all_users: true }) },
  { what: 'cluster page: log', method: 'POST', path: '/logs', body: (t) => ({ cluster_name: t.cluster, job_id: 1, tail: 5000 }) },
  {
    what: 'cluster page: provisioning log',
    method: 'POST',
    path: '/provision_logs?follow=false&tail=0',
    body: (t) => ({ cluster_name: t.cluster }),
  },
  {
    what: 'cluster job page: download',
    method: 'POST',
    path: '/download_logs',
    body: (t) => ({ cluster_name: t.cluster, job_ids: ['1'] }),
  },
  {
    what: 'jobs page',
    method: 'POST',
    path: '/jobs/queue/v2',
    body: () => ({ all_users: true, verbose: true, skip_finished: false, fields: JOBS_FIELDS, page: 1, limit: 10 }),
  },
  { what: 'jobs page: pools', method: 'POST', path: '/jobs/pool_status', body: () => ({ pool_names: null }) },
  {
    what: 'managed job page: log',
    method: 'POST',
    path: '/jobs/logs',
    body: (t) => ({ controller: false, follow: false, job_id: t.managedJobId, tail: 5000 }),
  },
  {
    what: 'managed job page: download',
    method: 'POST',
    path: '/jobs/download_logs',
    body: (t) => ({ job_id: t.managedJobId, name: null, controller: false, refresh: false }),
  },
  { what: 'volumes page', method: 'GET', path: '/volumes' },
  { what: 'users page', method: 'GET', path: '/users' },
  { what: 'workspaces page', method: 'GET', path: '/workspaces' },
  { what: 'settings page', method: 'GET', path: '/workspaces/config' },
  { what: 'infra page: clouds', method: 'GET', path: '/enabled_clouds?workspace=default&expand=true' },
  { what: 'workspaces page: clouds', method: 'GET', path: '/enabled_clouds/batch?workspaces=default' },
  { what: 'infra page: check', method: 'POST', path: '/check', body: () => ({ clouds: null, verbose: false }) },
  { what: 'infra page: nodes', method: 'POST', path: '/kubernetes_node_info', body: () => ({ context: null }) },
  { what: 'infra page: GPUs', method: 'POST', path: '/list_accelerator_counts', body: () => ({ gpus_only: true }) },
  { what: 'infra page: GPU offers', method: 'POST', path: '/list_accelerators', body: () => ({ gpus_only: true, name_filter: 'A100' }) },
  { what: 'infra page: Slurm GPUs', method: 'POST', path: '/slurm_gpu_availability', body: () => ({}) },
  { what: 'infra page: Slurm nodes', method: 'POST', path: '/slurm_node_info', body: () => ({}) },
  { what: 'infra page: SSH node pools', method: 'GET', path: '/ssh_node_pools' },
  {
    what: 'recipes page',
    method: 'POST',
    path: '/recipes/list',
    body: () => ({ pinned_only: false, my_recipes_only: false, recipe_type: null }),
  },
  { what: 'recipe page', method: 'POST', path: '/recipes/get', body: (t) => ({ recipe_name: t.recipe }) },
];

/** A base64 string that decodes to a pickle: the PROTO opcode, a protocol 2 to 5, ending in STOP. */
function isPickle(value: string): boolean {
  if (value.length < 8 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const bytes = Buffer.from(value, 'base64');
  return bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5 && bytes[bytes.length - 1] === 0x2e;
}

/** Every pickle in a JSON value, JSON texts inside strings included (`return_value`, `error`). */
function picklesIn(value: unknown, at = '$'): { at: string; pickle: string }[] {
  if (typeof value === 'string') {
    if (isPickle(value)) return [{ at, pickle: value }];
    const trimmed = value.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return picklesIn(JSON.parse(trimmed), `${at}<json>`);
      } catch {
        return [];
      }
    }
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => picklesIn(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => picklesIn(v, `${at}.${k}`));
  return [];
}

/** The answers a read gets: the first response and, for a scheduled one, its `/api/get` (as client.js). */
async function answersTo(t: Target, read: Read, headers: Record<string, string>): Promise<{ status: number; texts: string[] }> {
  const url = `/internal/dashboard${read.path}`;
  const sent =
    read.method === 'GET'
      ? request(t.app).get(url)
      : request(t.app)
          .post(url)
          .send({ ...read.body?.(t), ...ENV });
  const res = await sent
    .set(headers)
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
  const texts = [res.body as string];
  const id = res.headers['x-skypilot-request-id'];
  if (res.status !== 200 || !id) return { status: res.status, texts };
  const got = await request(t.app).get('/internal/dashboard/api/get').query({ request_id: id }).set(headers);
  return { status: got.status, texts: [...texts, got.text] };
}

function scan(texts: string[]): { at: string; pickle: string }[] {
  return texts.flatMap((text, i) => {
    try {
      return picklesIn(JSON.parse(text), `answer${i}`);
    } catch {
      return picklesIn(text, `answer${i}`);
    }
  });
}

function describeTarget(name: string, open: () => Promise<{ target: Target; close: () => Promise<void> }>) {
  describe(name, () => {
    let target: Target;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ target, close } = await open());
    }, 60_000);
    afterAll(async () => close());

    it.each(READS.map((r) => [r.what, `${r.method} ${r.path}`, r] as const))(
      '%s (%s): answers, and carries no pickle',
      async (_w, _c, read) => {
        const { status, texts } = await answersTo(target, read, DASHBOARD_HEADERS);
        expect(status).toBe(200);
        expect(scan(texts)).toEqual([]);
      },
    );

    it('covers what the dashboard reads that carried pickles (status rows, cost report, the envelope)', () => {
      expect(READS.map((r) => r.path)).toEqual(expect.arrayContaining(['/status', '/cost_report', '/queue', '/volumes']));
    });

    it('the scan finds pickles where a Python client of API 48 needs them, and python3 loads each', async () => {
      const found: { at: string; pickle: string }[] = [];
      for (const read of READS.filter((r) => ['/status', '/cost_report'].includes(r.path))) {
        found.push(...scan((await answersTo(target, read, PYTHON_48_HEADERS)).texts));
      }
      const where = found.map((f) => f.at.replace(/\[\d+\]/g, '[]'));
      expect(where).toEqual(
        expect.arrayContaining(['answer1.entrypoint', 'answer1.return_value<json>[].handle', 'answer1.return_value<json>[].resources']),
      );
      const loaded = unpickleAll(found.map((f) => f.pickle));
      expect(loaded.filter((l) => l.error !== undefined)).toEqual([]);
    });

    it('a failed request answers the dashboard its message without the pickled exception', async () => {
      const read: Read = {
        what: 'no such cluster',
        method: 'POST',
        path: '/queue',
        body: () => ({ cluster_name: 'no-such-cluster', all_users: true }),
      };
      const { status, texts } = await answersTo(target, read, DASHBOARD_HEADERS);
      expect(status).toBe(500);
      const payload = JSON.parse(texts[1]).detail;
      expect(JSON.parse(payload.error)).toEqual({ type: 'ClusterDoesNotExist', message: expect.stringMatching(/no-such-cluster/) });
      expect([payload.entrypoint, payload.request_body]).toEqual([null, null]);
      expect(scan(texts)).toEqual([]);
      // The Python client still gets the exception it rebuilds.
      const python = await answersTo(target, read, PYTHON_48_HEADERS);
      expect(JSON.parse(JSON.parse(python.texts[1]).detail.error)).toHaveProperty('object');
    });
  });
}

describeTarget('the nightly (seeded)', async () => {
  const h: ApiHarness = await openApiHarness();
  await globalUserState.addOrUpdateUser({ id: USER_A, name: 'alice@skypilot.co' });
  const logDir = makeTempDir('skyts-provision-');
  const provisionLogPath = path.join(logDir, 'provision.log');
  fs.writeFileSync(provisionLogPath, 'Launching on GCP us-central1\n');
  await globalUserState.addOrUpdateCluster({
    clusterName: 'train',
    handle: makeHandle('train', gcpA100()),
    requestedResources: null,
    ready: true,
    userHash: USER_A,
    provisionLogPath,
  });
  await seedCluster('old-sweep', { userHash: USER_A });
  await globalUserState.removeCluster('old-sweep', true);
  const job = await globalUserState.addClusterJob({ clusterName: 'train', jobName: 'train', userHash: USER_A, resources: '1x[A100:8]' });
  await globalUserState.appendClusterJobLog('train', job, 'epoch 1\n');
  const managed = await managedJobsState.addJob({ name: 'pretrain', userHash: USER_A, resources: '1x[A100:8]' });
  await managedJobsState.appendJobLog(managed, 'step 1\n');
  await seedRecipe();
  return {
    target: { app: h.app, cluster: 'train', terminated: 'old-sweep', managedJobId: managed, recipe: 'dev' },
    close: async () => {
      await closeApiHarness(h);
      removeDir(logDir);
    },
  };
});

describeTarget('the demo', async () => {
  const demo: DemoApp = await startDemoApp();
  return {
    target: { app: demo.app, cluster: 'inference-cluster', terminated: 'sweep-a100-old', managedJobId: 1, recipe: 'dev-box' },
    close: () => demo.close(),
  };
});
