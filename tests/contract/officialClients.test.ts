/**
 * The contract with the official clients: a table of the calls the official Python CLI (client API
 * 49) and the official dashboard make, with their method, path, query, headers and bodies as their
 * source sends them, replayed against the nightly (seeded) and the demo. The calls and the way each
 * answer is read come from upstream's source (skypilot-org/skypilot): the CLI's `sky/client/sdk.py`,
 * `sky/jobs/client/sdk.py`, `sky/serve/client/impl.py`, `sky/server/common.py` (`get_request_id`,
 * `handle_request_error`) and `sky/server/requests/serializers/decoders.py`; the dashboard's
 * `sky/dashboard/src/data/connectors/{client,clusters,jobs,users,volumes,recipes,workspaces}.js(x)`,
 * `sky/dashboard/src/data/utils.js`, `sky/dashboard/src/utils/grafana.js` and the pages under
 * `sky/dashboard/src/pages/` with the components they render (`components/users.jsx`,
 * `components/recipe-detail.jsx`). Every answer is decoded the way that client decodes it: Python
 * answers by python3 (tests/helpers/officialDecode.py: base64 + unpickle of entrypoint, request_body,
 * error.object, handles and resources under SkyPilot's module names, the response models' types and
 * the traps that crash the CLI); dashboard answers as its connectors and pages read them.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { SkyApp } from '../../src/app';
import { CloudVmRayResourceHandle } from '../../src/state/cloudVmRayResourceHandle';
import { GCP, Kubernetes } from '../../src/state/clouds';
import { userHashForName } from '../../src/state/currentUser';
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import { Resources } from '../../src/state/resources';
import { type ApiHarness, closeApiHarness, openApiHarness } from '../helpers/api';
import { USER_A, seedCluster, seedRecipe } from '../helpers/fixtures';
import { makeTempDir, removeDir } from '../helpers/tempState';
import { type DemoApp, startDemoApp } from '../demo/demoApp';
import { decodeInPython } from '../helpers/decodeInPython';

const FAVICON = path.resolve(__dirname, '..', '..', 'src', 'dashboard', 'ui', 'favicon.ico');
/** What every call of a 49 client carries (`sky/server/rest.py`). */
const CLI_HEADERS = { 'X-SkyPilot-API-Version': '49', 'X-SkyPilot-Version': '1.0.0.dev20260301' };
/** The newest dashboard builds send their version; older ones send none (see the `legacy` rows). */
const DASHBOARD_HEADERS = { 'X-SkyPilot-API-Version': '58', 'X-SkyPilot-Version': 'dashboard;' };
/** `RequestBody`'s base fields: the CLI sends every field, defaults and nulls included. */
const CLI_BASE = {
  env_vars: { SKYPILOT_USER_ID: 'abcd1234', SKYPILOT_USER: 'alice@skypilot.co' },
  entrypoint: 'sky',
  entrypoint_command: 'sky',
  using_remote_api_server: true,
  override_skypilot_config: null,
  override_skypilot_config_path: null,
  file_mounts_blob_id: null,
};
const DASHBOARD_ENV = { env_vars: { SKYPILOT_IS_FROM_DASHBOARD: 'true', SKYPILOT_USER_ID: 'local', SKYPILOT_USER: 'local' } };

/** The names a target's world uses, so one table serves both. */
interface Target {
  name: 'nightly' | 'demo';
  app: SkyApp;
  /** An UP cluster with jobs, an open port and a provisioning log. */
  cluster: string;
  managedJobId: number;
  volume: string;
  recipe: string;
}

type Kind =
  | 'scheduled' // 200 + request id, then /api/get, decoded by the Python client
  | 'streamed' // a text stream with X-Skypilot-Request-ID, then /api/get
  | 'health'
  | 'api_status' // direct JSON the Python client parses
  | 'exception_detail' // direct; on a 400 the Python client raises the exception in `detail`
  | 'dashboard' // scheduled, read by the dashboard's connector: JSON.parse(return_value)
  | 'dashboard_error' // scheduled, failed: the dashboard shows JSON.parse(detail.error).message
  | 'dashboard_error_text' // scheduled, failed: the page shows getErrorMessageFromResponse (the /api/get text)
  | 'dashboard_fetch_error' // apiClient.fetch (client.js) of a refused write: the message it throws
  | 'dashboard_detail' // direct, refused: the page throws (and shows) the body's `detail`
  | 'direct' // direct JSON (status checked)
  | 'text'
  | 'file' // a direct stream or file (status and content type checked)
  | 'page'; // several calls a page combines (`visit`), checked as the page computes its result

interface Call {
  client: 'cli' | 'dashboard';
  /** The command or page that makes the call. */
  what: string;
  kind: Kind;
  method: 'GET' | 'POST';
  path: (t: Target) => string;
  body?: (t: Target) => object;
  /** Request name the payload must carry (selects the Python decoder). */
  name?: string;
  only?: Target['name'];
  /** Expected status for direct calls. */
  status?: number;
  /** Extra request headers (the Grafana probe asks for JSON). */
  headers?: Record<string, string>;
  /** For `page` rows: makes the page's calls, returns what the page computes from them. */
  visit?: (t: Target) => Promise<unknown>;
  check?: (summary: any, t: Target) => void;
}

const cli = (
  what: string,
  kind: Kind,
  method: 'GET' | 'POST',
  p: string | ((t: Target) => string),
  name: string | undefined,
  body?: (t: Target) => object,
  check?: Call['check'],
  only?: Target['name'],
): Call => ({
  client: 'cli',
  what,
  kind,
  method,
  path: typeof p === 'string' ? () => p : p,
  name,
  body: body ? (t) => ({ ...CLI_BASE, ...body(t) }) : method === 'POST' ? () => CLI_BASE : undefined,
  check,
  only,
});

const STATUS_FIELDS = [
  'job_id',
  'task_id',
  'workspace',
  'job_name',
  'task_name',
  'resources',
  'submitted_at',
  'end_at',
  'job_duration',
  'recovery_count',
  'status',
  'pool',
];
const VERBOSE_FIELDS = [
  ...STATUS_FIELDS,
  'current_cluster_name',
  'job_id_on_pool_cluster',
  'start_at',
  'infra',
  'cloud',
  'region',
  'zone',
  'cluster_resources',
  'schedule_state',
  'details',
  'failure_reason',
  'metadata',
  'user_name',
  'user_hash',
];
const jobsQueueBody = (fields: string[], limit: number | null) => () => ({
  refresh: false,
  skip_finished: false,
  all_users: true,
  job_ids: null,
  limit,
  page: null,
  fields,
  user_match: null,
  workspace_match: null,
  name_match: null,
  pool_match: null,
  statuses: null,
});

/** A task as `dag_utils.dump_chain_dag_to_yaml_str` sends it (the CLI validates files client-side). */
const LAUNCH_DAG = 'name: hello\nresources:\n  cpus: 2+\nrun: echo hello\n';
const LAUNCH_OPTIONS = { cluster_name: 'new-cluster', idle_minutes_to_autostop: null, down: false, dryrun: false };

/** What the CLI prints for a refused launch-like call: the demo's read-only message, the nightly's "not supported". */
const refusal = (t: Target) =>
  t.name === 'demo'
    ? { exception: 'PermissionDeniedError', module: 'sky.exceptions', message: expect.stringMatching(/read-only demo/) }
    : {
        exception: 'NotSupportedError',
        module: 'sky.exceptions',
        message: expect.stringMatching(/not supported by this SkyPilot API server/),
      };

const CALLS: Call[] = [
  // sky api info (sky api status comes last, when there are requests to list)
  cli('sky api info', 'health', 'GET', '/api/health', undefined, undefined, (s) =>
    expect(Number(s.api_version)).toBeGreaterThanOrEqual(24),
  ),
  // sky status: jobs, services, pools, workspaces, enabled infra, then the clusters
  cli('sky status', 'scheduled', 'POST', '/jobs/queue/v2', 'sky.jobs.queue_v2', jobsQueueBody(STATUS_FIELDS, 5)),
  cli(
    'sky status',
    'scheduled',
    'POST',
    '/serve/status',
    'sky.serve.status',
    () => ({ service_names: null }),
    (s) => expect(s.value).toEqual([]),
  ),
  cli('sky status', 'scheduled', 'POST', '/jobs/pool_status', 'sky.jobs.pool_status', () => ({ pool_names: null })),
  cli('sky status', 'scheduled', 'GET', '/workspaces', 'sky.workspaces.get'),
  cli('sky status', 'scheduled', 'GET', '/enabled_clouds?workspace=default&expand=True', 'sky.enabled_clouds', undefined, (s) =>
    expect(s.value.length).toBeGreaterThan(0),
  ),
  cli(
    'sky status',
    'scheduled',
    'POST',
    '/status',
    'sky.status',
    () => ({
      cluster_names: null,
      refresh: 'NONE',
      all_users: true,
      include_credentials: true,
      summary_response: true,
      include_handle: true,
    }),
    (s, t) => {
      const row = s.value.find((r: { name: string }) => r.name === t.cluster);
      expect(row.handle).toMatchObject({ kind: 'dict', head_ip: expect.any(String) });
      expect(row.accelerators).toMatch(/^\{'[^']+': \d+\}$/);
    },
  ),
  cli('sky status -v -r', 'scheduled', 'POST', '/status', 'sky.status', () => ({
    cluster_names: null,
    refresh: 'FORCE',
    all_users: false,
    include_credentials: true,
    summary_response: false,
    include_handle: true,
  })),
  // sky status --endpoints
  cli(
    'sky status --endpoints',
    'scheduled',
    'POST',
    '/status',
    'sky.status',
    (t) => ({
      cluster_names: [t.cluster],
      refresh: 'NONE',
      all_users: true,
      include_credentials: true,
      summary_response: true,
      include_handle: true,
    }),
    (s) => expect(s.value).toHaveLength(1),
  ),
  cli(
    'sky status --endpoints',
    'scheduled',
    'POST',
    '/endpoints',
    'sky.endpoints',
    (t) => ({ cluster: t.cluster, port: null }),
    (s) => expect(Object.keys(s.value)).toEqual(['8000']),
  ),
  // sky queue
  cli(
    'sky queue',
    'scheduled',
    'POST',
    '/queue',
    'sky.queue',
    (t) => ({ cluster_name: t.cluster, skip_finished: false, all_users: true }),
    (s) => expect(s.value.length).toBeGreaterThan(0),
  ),
  cli(
    'sky queue (no such cluster)',
    'scheduled',
    'POST',
    '/queue',
    'sky.queue',
    () => ({ cluster_name: 'no-such-cluster', skip_finished: true, all_users: false }),
    (s) => expect(s).toMatchObject({ exception: 'ClusterDoesNotExist', module: 'sky.exceptions' }),
  ),
  // sky logs
  cli(
    'sky logs',
    'streamed',
    'POST',
    '/logs',
    'sky.logs',
    (t) => ({ cluster_name: t.cluster, job_id: null, follow: true, tail: 1000 }),
    (s) => expect(typeof s.value).toBe('number'),
  ),
  cli('sky logs --no-follow', 'streamed', 'POST', '/logs', 'sky.logs', (t) => ({
    cluster_name: t.cluster,
    job_id: 1,
    follow: false,
    tail: 0,
  })),
  cli(
    'sky logs (no such cluster)',
    'streamed',
    'POST',
    '/logs',
    'sky.logs',
    () => ({ cluster_name: 'no-such-cluster', job_id: null, follow: true, tail: 1000 }),
    (s) => expect(s).toMatchObject({ exception: 'ClusterDoesNotExist' }),
  ),
  cli('sky logs --status', 'scheduled', 'POST', '/job_status', 'sky.job_status', (t) => ({ cluster_name: t.cluster, job_ids: null })),
  cli(
    'sky logs --provision',
    'text',
    'POST',
    () => '/provision_logs?follow=false&tail=0',
    undefined,
    (t) => ({ cluster_name: t.cluster, worker: null }),
  ),
  // sky jobs queue / sky jobs logs
  cli('sky jobs queue', 'scheduled', 'POST', '/jobs/queue/v2', 'sky.jobs.queue_v2', jobsQueueBody(STATUS_FIELDS, 50)),
  cli('sky jobs queue -v -u', 'scheduled', 'POST', '/jobs/queue/v2', 'sky.jobs.queue_v2', jobsQueueBody(VERBOSE_FIELDS, 50), (s) =>
    expect(s.value.keys).toContain('metadata'),
  ),
  cli(
    'sky jobs logs',
    'streamed',
    'POST',
    '/jobs/logs',
    'sky.jobs.logs',
    (t) => ({
      name: null,
      job_id: t.managedJobId,
      follow: true,
      controller: false,
      refresh: false,
      tail: null,
    }),
    (s) => expect(typeof s.value).toBe('number'),
  ),
  // sky cost-report
  cli(
    'sky cost-report',
    'scheduled',
    'POST',
    '/cost_report',
    'sky.cost_report',
    () => ({ days: 30, cluster_hashes: null }),
    // API 49 has upstream's dict decoders (PR #9302): dicts, not pickles.
    (s) => expect(s.value.every((r: { resources: string }) => r.resources === 'dict')).toBe(true),
  ),
  // sky check, sky gpus list, sky storage ls
  cli('sky check', 'scheduled', 'POST', '/check', 'sky.check', () => ({ clouds: null, verbose: false, workspace: null })),
  cli('sky gpus list', 'scheduled', 'GET', '/enabled_clouds?workspace=default&expand=False', 'sky.enabled_clouds'),
  cli('sky gpus list', 'scheduled', 'POST', '/realtime_kubernetes_gpu_availability', 'sky.realtime_kubernetes_gpu_availability', () => ({
    context: null,
    name_filter: null,
    quantity_filter: null,
    is_ssh: false,
  })),
  cli(
    'sky gpus list',
    'scheduled',
    'POST',
    '/list_accelerator_counts',
    'sky.list_accelerator_counts',
    () => ({ gpus_only: true, clouds: ['aws', 'gcp'], name_filter: null, region_filter: null, quantity_filter: null }),
    (s) => expect(s.value.A100).toEqual(expect.arrayContaining([1, 8])),
  ),
  cli(
    'sky gpus list A100',
    'scheduled',
    'POST',
    '/list_accelerators',
    'sky.list_accelerators',
    () => ({
      gpus_only: true,
      name_filter: 'A100',
      quantity_filter: null,
      region_filter: null,
      clouds: null,
      case_sensitive: false,
      all_regions: false,
      require_price: true,
    }),
    (s) => expect(s.value.A100).toBeGreaterThan(0),
  ),
  cli('sky storage ls', 'scheduled', 'GET', '/storage/ls', 'sky.storage_ls', undefined, (s) => expect(s.value.length).toBeGreaterThan(0)),
  // Refusals: one readable line, exit 1. `sky launch` calls /validate first (direct: only a 400 is
  // read, as the exception to raise), then /optimize and /launch (scheduled); `sky exec` /validate then
  // /exec; `sky jobs launch` and `sky serve up|update` /validate then their own. The demo refuses them
  // as read-only, the nightly as not supported: either way the first refused call is the line.
  cli(
    'sky launch: validate',
    'exception_detail',
    'POST',
    '/validate',
    undefined,
    () => ({ dag: LAUNCH_DAG, request_options: LAUNCH_OPTIONS }),
    (s, t) => expect(s).toMatchObject(refusal(t)),
  ),
  cli(
    'sky launch: optimize',
    'scheduled',
    'POST',
    '/optimize',
    'sky.optimize',
    () => ({ dag: LAUNCH_DAG, minimize: 0, request_options: LAUNCH_OPTIONS }),
    (s, t) => expect(s).toMatchObject(refusal(t)),
  ),
  cli(
    'sky launch',
    'scheduled',
    'POST',
    '/launch',
    'sky.launch',
    () => ({
      task: LAUNCH_DAG,
      cluster_name: 'new-cluster',
      retry_until_up: false,
      dryrun: false,
      backend: null,
      optimize_target: 0,
      no_setup: false,
      clone_disk_from: null,
      fast: false,
      quiet_optimizer: true,
      is_launched_by_jobs_controller: false,
      is_launched_by_sky_serve_controller: false,
      disable_controller_check: false,
    }),
    (s, t) => expect(s).toMatchObject(refusal(t)),
  ),
  cli(
    'sky exec',
    'scheduled',
    'POST',
    '/exec',
    'sky.exec',
    (t) => ({ task: LAUNCH_DAG, cluster_name: t.cluster, dryrun: false, down: false, backend: null }),
    (s, t) => expect(s).toMatchObject(refusal(t)),
  ),
  cli(
    'sky jobs launch',
    'scheduled',
    'POST',
    '/jobs/launch',
    'sky.jobs.launch',
    () => ({ task: LAUNCH_DAG, name: 'new-job' }),
    (s, t) => expect(s).toMatchObject(refusal(t)),
  ),
  cli(
    'sky serve up',
    'scheduled',
    'POST',
    '/serve/up',
    'sky.serve.up',
    () => ({ task: LAUNCH_DAG, service_name: 'svc' }),
    (s, t) => expect(s).toMatchObject(refusal(t)),
  ),
  cli(
    'sky serve update',
    'scheduled',
    'POST',
    '/serve/update',
    'sky.serve.update',
    () => ({ task: LAUNCH_DAG, service_name: 'svc', mode: 'rolling' }),
    (s, t) => expect(s).toMatchObject(refusal(t)),
  ),
  cli(
    'sky serve down',
    'scheduled',
    'POST',
    '/serve/down',
    'sky.serve.down',
    () => ({ service_names: ['svc'], all: false, purge: false }),
    (s, t) => expect(s).toMatchObject(refusal(t)),
  ),
  cli(
    'sky storage delete',
    'scheduled',
    'POST',
    '/storage/delete',
    'sky.storage_delete',
    () => ({ name: 'bucket' }),
    (s, t) => expect(s).toMatchObject(refusal(t)),
  ),
  cli(
    'sky down (demo)',
    'scheduled',
    'POST',
    '/down',
    'sky.down',
    (t) => ({ cluster_name: t.cluster, purge: false, graceful: false, graceful_timeout: null }),
    (s) =>
      expect(s).toMatchObject({
        exception: 'PermissionDeniedError',
        module: 'sky.exceptions',
        message: expect.stringMatching(/read-only demo/),
      }),
    'demo',
  ),
  cli(
    'sky autostop (demo)',
    'scheduled',
    'POST',
    '/autostop',
    'sky.autostop',
    (t) => ({ cluster_name: t.cluster, idle_minutes: 5, wait_for: null, down: false, hook: null, hook_timeout: null }),
    (s) => expect(s.exception).toBe('PermissionDeniedError'),
    'demo',
  ),
  // sky api status: last of the CLI's rows, so the requests above are there to list (a fresh server
  // has none, and a table of nothing proves nothing). `sdk.api_status` builds a RequestPayload of
  // each row; the table prints the id, user, name, created time and status.
  cli(
    'sky api status',
    'api_status',
    'GET',
    '/api/status?all_status=True&limit=50&fields=request_id&fields=name&fields=user_id&fields=status&fields=created_at',
    undefined,
    undefined,
    (rows, t) => {
      expect(rows.length).toBeGreaterThan(10);
      // The nightly records the user a POST names in env_vars (a GET has no body: the server's own
      // user, as upstream); the demo's every visitor is its one user.
      const user = t.name === 'demo' ? userHashForName('alice@skypilot.co') : CLI_BASE.env_vars.SKYPILOT_USER_ID;
      const fromGet = new Set(['sky.workspaces.get', 'sky.enabled_clouds', 'sky.storage_ls']);
      for (const row of rows) {
        expect(row).toEqual({
          request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name: expect.stringMatching(/^sky\./),
          status: expect.stringMatching(/^(SUCCEEDED|FAILED)$/),
          user_id: t.name === 'nightly' && fromGet.has(row.name) ? expect.stringMatching(/^[0-9a-f]{8}$/) : user,
          created_at: expect.any(Number),
        });
      }
      const names = rows.map((r: { name: string }) => r.name);
      expect(names).toEqual(expect.arrayContaining(['sky.status', 'sky.queue', 'sky.jobs.queue_v2', 'sky.cost_report', 'sky.launch']));
      expect(rows.find((r: { name: string }) => r.name === 'sky.launch').status).toBe('FAILED');
    },
  ),

  // The official dashboard's pages.
  {
    client: 'dashboard',
    what: 'every page: shell',
    kind: 'direct',
    method: 'GET',
    path: () => '/internal/dashboard/users/role',
    status: 200,
    check: (b) => expect(b).toMatchObject({ id: expect.any(String), name: expect.any(String), role: expect.any(String) }),
  },
  { client: 'dashboard', what: 'every page: icon', kind: 'file', method: 'GET', path: () => '/favicon.ico', status: 200 },
  {
    // utils/grafana.js checkGrafanaAvailability: `${origin}/grafana/api/health` (the root, not under
    // /internal/dashboard); only a 200 makes the page embed Grafana panels, and a 4xx/5xx is logged by
    // the browser as a console error: 204.
    client: 'dashboard',
    what: 'cluster, job and task pages: Grafana probe',
    kind: 'direct',
    method: 'GET',
    path: () => '/grafana/api/health',
    headers: { Accept: 'application/json' },
    status: 204,
  },
  {
    client: 'dashboard',
    what: 'users page: GPUs per user',
    kind: 'page',
    method: 'POST',
    path: () => '/status + /jobs/queue/v2 + /users',
    visit: (t) => usersPageGpus(t.app),
    // Demo: alice's 4-node A100:8 cluster (32) and her running 4x H100:8 (32) and recovering H200:8 (8)
    // jobs; her pending job has no placement yet and her stopped cluster counts 0 (72; 40 when the
    // cluster's accelerators were `A100:8`, which the page cannot parse). Nightly: the seeded 2-node
    // A100:8 cluster (her pending managed job is not placed yet). The demo's living runs
    // (activity.yaml) add to the fixtures' counts while they run, so those are floors there.
    check: (gpus, t) => {
      if (t.name !== 'demo') return expect(gpus).toEqual({ 'alice@skypilot.co': 16 });
      expect(Object.keys(gpus).sort()).toEqual(['alice@skypilot.co', 'bob@skypilot.co', 'mike@skypilot.co']);
      expect(gpus['alice@skypilot.co']).toBeGreaterThanOrEqual(72);
      expect(gpus['bob@skypilot.co']).toBeGreaterThanOrEqual(4);
    },
  },
  {
    client: 'dashboard',
    what: 'recipes page',
    kind: 'dashboard',
    method: 'POST',
    path: () => '/recipes/list',
    body: () => ({ pinned_only: false, my_recipes_only: false, recipe_type: null }),
    check: (list) =>
      expect(list[0]).toMatchObject({ name: expect.any(String), content: expect.any(String), recipe_type: expect.any(String) }),
  },
  // volumes/[volume].js: getVolumes (connectors/volumes.js), then the one the URL names; the card
  // reads these fields (size as `${size}Gi`, the storage class, access mode and namespace from config).
  {
    client: 'dashboard',
    what: 'volume page',
    kind: 'dashboard',
    method: 'GET',
    path: () => '/volumes',
    check: (list, t) => {
      const volume = list.find((v: { name: string }) => v.name === t.volume);
      expect(volume).toMatchObject({
        name: t.volume,
        status: expect.stringMatching(/^(READY|IN_USE)$/),
        type: expect.any(String),
        cloud: expect.any(String),
        size: expect.stringMatching(/^\d+$/),
        user_hash: expect.any(String),
        user_name: expect.any(String),
        workspace: expect.any(String),
        launched_at: expect.any(Number),
        name_on_cloud: expect.any(String),
        last_use: expect.any(String),
        usedby_clusters: expect.any(Array),
        usedby_pods: expect.any(Array),
        config: { storage_class_name: expect.any(String), access_mode: expect.any(String), namespace: expect.any(String) },
      });
      expect(volume).toHaveProperty('last_attached_at');
    },
  },
  // recipes/[recipe].js -> components/recipe-detail.jsx: getRecipe, which shows "Recipe not found" for
  // a null; the card reads these fields, and the Pin/Edit/Delete buttons is_pinnable and is_editable.
  {
    client: 'dashboard',
    what: 'recipe page',
    kind: 'dashboard',
    method: 'POST',
    path: () => '/recipes/get',
    body: (t) => ({ recipe_name: t.recipe }),
    check: (recipe, t) => {
      expect(recipe.description === null || typeof recipe.description === 'string').toBe(true);
      expect(recipe).toEqual({
        name: t.recipe,
        description: recipe.description,
        content: expect.any(String),
        recipe_type: expect.stringMatching(/^(cluster|job|pool|volume)$/),
        pinned: expect.any(Boolean),
        user_id: expect.any(String),
        user_name: expect.any(String),
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
        updated_by_id: null,
        updated_by_name: null,
        is_editable: true,
        is_pinnable: true,
      });
    },
  },
  {
    client: 'dashboard',
    what: 'recipe page: no such recipe',
    kind: 'dashboard',
    method: 'POST',
    path: () => '/recipes/get',
    body: () => ({ recipe_name: 'no-such-recipe' }),
    check: (recipe) => expect(recipe).toBeNull(),
  },
  // jobs/[job]/[task].js: useSingleManagedJob (getManagedJobs with allFields and the URL's id, a
  // string), the task at the URL's index among the job's rows; then its logs (streamManagedJobLogs).
  {
    client: 'dashboard',
    what: 'managed job task page',
    kind: 'dashboard',
    method: 'POST',
    path: () => '/jobs/queue/v2',
    body: (t) => ({ ...DASHBOARD_ENV, all_users: true, verbose: true, skip_finished: false, job_ids: [String(t.managedJobId)] }),
    check: (v, t) => {
      const tasks = v.jobs.filter((j: { job_id: number }) => String(j.job_id) === String(t.managedJobId));
      expect(tasks[0]).toMatchObject({
        job_id: t.managedJobId,
        task_id: 0,
        task_name: expect.any(String),
        job_name: expect.any(String),
        status: expect.any(String),
        user_name: expect.any(String),
        user_hash: expect.any(String),
        workspace: expect.any(String),
        job_duration: expect.any(Number),
        resources: expect.any(String),
        recovery_count: expect.any(Number),
        pool: null,
        pool_hash: null,
      });
      for (const key of ['cloud', 'region', 'details', 'failure_reason', 'cluster_resources_full', 'links'])
        expect(tasks[0]).toHaveProperty(key);
    },
  },
  {
    client: 'dashboard',
    what: 'managed job task page: logs',
    kind: 'text',
    method: 'POST',
    path: () => '/internal/dashboard/jobs/logs',
    body: (t) => ({ ...DASHBOARD_ENV, controller: false, follow: false, job_id: t.managedJobId, tail: 5000, task: 0 }),
  },
  // jobs/pools/[pool].js: getPoolStatus (pool_status, then the jobs' pool and status for the counts)
  // and the pool the URL names. This build runs no pools, so the page says "Pool <name> not found".
  {
    client: 'dashboard',
    what: 'pool page',
    kind: 'dashboard',
    method: 'POST',
    path: () => '/jobs/pool_status',
    body: () => ({ ...DASHBOARD_ENV, pool_names: null }),
    check: (pools) => {
      expect(Array.isArray(pools)).toBe(true);
      expect(pools.find((p: { name: string }) => p.name === 'gpu-pool')).toBeUndefined();
    },
  },
  {
    client: 'dashboard',
    what: 'pool page: job counts',
    kind: 'dashboard',
    method: 'POST',
    path: () => '/jobs/queue/v2',
    body: () => ({ ...DASHBOARD_ENV, all_users: true, verbose: true, skip_finished: true, fields: ['pool', 'status'] }),
    check: (v) => {
      expect(v.jobs.length).toBeGreaterThan(0);
      for (const job of v.jobs) expect(job).toHaveProperty('pool');
    },
  },
  // plugins/[...slug].js: PluginProvider's manifest; with no plugin the page has no route to mount.
  {
    client: 'dashboard',
    what: 'plugins page',
    kind: 'direct',
    method: 'GET',
    path: () => '/internal/dashboard/api/plugins',
    status: 200,
    check: (b) => expect(b).toEqual({ plugins: [] }),
  },
  // users page, Service Accounts tab (components/users.jsx): shown only when /api/health says
  // service_account_token_enabled (off unless SKYPILOT_SERVICE_ACCOUNTS=1); it lists the tokens'
  // metadata (tests/api/serviceAccounts.test.ts makes and uses them). The demo lists its fixture's.
  {
    client: 'dashboard',
    what: 'users page: service-account tab flag',
    kind: 'direct',
    method: 'GET',
    path: () => '/internal/dashboard/api/health',
    status: 200,
    check: (b) => expect(b.service_account_token_enabled).toBe(false),
  },
  {
    client: 'dashboard',
    what: 'users page: service-account tokens',
    kind: 'direct',
    method: 'GET',
    path: () => '/internal/dashboard/users/service-account-tokens',
    status: 200,
    only: 'nightly',
    check: (b) => expect(b).toEqual([]),
  },
  {
    client: 'dashboard',
    what: 'users page: service-account tokens (demo)',
    kind: 'direct',
    method: 'GET',
    path: () => '/internal/dashboard/users/service-account-tokens',
    status: 200,
    only: 'demo',
    check: (b) =>
      expect(b).toEqual([
        expect.objectContaining({ token_name: 'ci-deployer', creator_name: 'alice@skypilot.co', service_account_roles: ['user'] }),
        expect.objectContaining({ token_name: 'nightly-evals', creator_name: 'bob@skypilot.co', expires_at: null }),
      ]),
  },
  {
    client: 'dashboard',
    what: 'settings page',
    kind: 'dashboard',
    method: 'GET',
    path: () => '/workspaces/config',
    // The server config is an admin's (upstream's viewer list leaves it out on purpose); the demo
    // serves it as a read of its own (its config holds no secret), since the page reads it on load.
    only: 'nightly',
    check: (config) => {
      expect(config.workspaces.default).toEqual({});
      expect(JSON.stringify(config)).not.toMatch(/hunter2|sk-live/);
    },
  },
  {
    client: 'dashboard',
    what: 'settings page (demo: its own read)',
    kind: 'dashboard',
    method: 'GET',
    path: () => '/workspaces/config',
    only: 'demo',
    check: (config) => expect(Object.keys(config.workspaces)).toEqual(expect.arrayContaining(['default'])),
  },
  {
    client: 'dashboard',
    what: 'cluster page: provisioning log',
    kind: 'text',
    method: 'POST',
    path: () => '/internal/dashboard/provision_logs?follow=false&tail=0',
    body: (t) => ({ cluster_name: t.cluster, worker: null }),
  },
  {
    client: 'dashboard',
    what: 'cluster job page: download',
    kind: 'dashboard',
    method: 'POST',
    path: () => '/download_logs',
    body: (t) => ({ ...DASHBOARD_ENV, cluster_name: t.cluster, job_ids: ['1'] }),
    check: (v) => expect(Object.keys(v)).toEqual(['1']),
  },
  {
    client: 'dashboard',
    what: 'managed job page: download',
    kind: 'dashboard',
    method: 'POST',
    path: () => '/jobs/download_logs',
    body: (t) => ({ ...DASHBOARD_ENV, job_id: t.managedJobId, name: null, controller: false, refresh: false }),
    check: (v, t) => expect(Object.keys(v)).toEqual([String(t.managedJobId)]),
  },
  {
    client: 'dashboard',
    what: 'cluster job page: logs',
    kind: 'text',
    method: 'POST',
    path: () => '/internal/dashboard/logs',
    body: (t) => ({ follow: false, cluster_name: t.cluster, job_id: 1, tail: 10000 }),
  },
  // Refused actions in the demo, each read the way its page reads the refusal.
  // connectors/volumes.js deleteVolume: `error: ${getErrorMessageFromResponse(/api/get answer)}`.
  {
    client: 'dashboard',
    what: 'volumes page: delete (demo)',
    kind: 'dashboard_error_text',
    method: 'POST',
    path: () => '/volumes/delete',
    body: (t) => ({ ...DASHBOARD_ENV, names: [t.volume] }),
    only: 'demo',
  },
  // connectors/workspaces.jsx (pollForTaskCompletion): `${task} failed: ${JSON.parse(detail.error).message}`.
  {
    client: 'dashboard',
    what: 'workspaces page: create (demo)',
    kind: 'dashboard_error',
    method: 'POST',
    path: () => '/workspaces/create',
    body: () => ({ ...DASHBOARD_ENV, workspace_name: 'new-team', config: { gcp: { project_id: 'p' } } }),
    only: 'demo',
  },
  {
    client: 'dashboard',
    what: 'workspace page: update (demo)',
    kind: 'dashboard_error',
    method: 'POST',
    path: () => '/workspaces/update',
    body: () => ({ ...DASHBOARD_ENV, workspace_name: 'ml-team', config: {} }),
    only: 'demo',
  },
  {
    client: 'dashboard',
    what: 'workspaces page: delete (demo)',
    kind: 'dashboard_error',
    method: 'POST',
    path: () => '/workspaces/delete',
    body: () => ({ ...DASHBOARD_ENV, workspace_name: 'ml-team' }),
    only: 'demo',
  },
  {
    client: 'dashboard',
    what: 'settings page: save (demo)',
    kind: 'dashboard_error',
    method: 'POST',
    path: () => '/workspaces/config',
    body: () => ({ ...DASHBOARD_ENV, config: { workspaces: { default: {} } } }),
    only: 'demo',
  },
  // components/users.jsx: apiClient.post, then `throw new Error(errorData.detail || ...)`, shown in
  // the page's error box (create, delete) or an alert (import, role change).
  {
    client: 'dashboard',
    what: 'users page: create (demo)',
    kind: 'dashboard_detail',
    method: 'POST',
    path: () => '/users/create',
    body: () => ({ username: 'eve@skypilot.co', password: 'correct horse', role: 'user' }),
    only: 'demo',
  },
  {
    client: 'dashboard',
    what: 'users page: import (demo)',
    kind: 'dashboard_detail',
    method: 'POST',
    path: () => '/users/import',
    body: () => ({ csv_content: 'username,password,role\neve@skypilot.co,correct horse,user\n' }),
    only: 'demo',
  },
  {
    client: 'dashboard',
    what: 'users page: role change (demo)',
    kind: 'dashboard_detail',
    method: 'POST',
    path: () => '/users/update',
    body: () => ({ user_id: userHashForName('bob@skypilot.co'), role: 'admin' }),
    only: 'demo',
  },
  {
    client: 'dashboard',
    what: 'users page: delete (demo)',
    kind: 'dashboard_detail',
    method: 'POST',
    path: () => '/users/delete',
    body: () => ({ user_id: userHashForName('mike@skypilot.co') }),
    only: 'demo',
  },
  // connectors/recipes.js: apiClient.fetch, whose error the recipe pages show (recipe-hub's create
  // form, recipe-detail's edit form, its delete and pin toasts).
  {
    client: 'dashboard',
    what: 'recipes page: create (demo)',
    kind: 'dashboard_fetch_error',
    method: 'POST',
    path: () => '/recipes/create',
    body: () => ({
      ...DASHBOARD_ENV,
      name: 'my-box',
      content: 'run: echo hi\n',
      recipe_type: 'cluster',
      description: null,
      owner_name: null,
    }),
    only: 'demo',
  },
  {
    client: 'dashboard',
    what: 'recipe page: edit (demo)',
    kind: 'dashboard_fetch_error',
    method: 'POST',
    path: () => '/recipes/update',
    body: (t) => ({ ...DASHBOARD_ENV, recipe_name: t.recipe, description: 'changed', content: 'run: echo changed\n' }),
    only: 'demo',
  },
  {
    client: 'dashboard',
    what: 'recipe page: delete (demo)',
    kind: 'dashboard_fetch_error',
    method: 'POST',
    path: () => '/recipes/delete',
    body: (t) => ({ ...DASHBOARD_ENV, recipe_name: t.recipe }),
    only: 'demo',
  },
  {
    client: 'dashboard',
    what: 'recipe page: pin (demo)',
    kind: 'dashboard_fetch_error',
    method: 'POST',
    path: () => '/recipes/pin',
    body: (t) => ({ ...DASHBOARD_ENV, recipe_name: t.recipe, pinned: false }),
    only: 'demo',
  },
];

/** `apiClient.fetch` (connectors/client.js): the scheduling call, then /api/get, `JSON.parse(return_value)`. */
async function dashboardFetch(app: SkyApp, path: string, body?: object): Promise<any> {
  const sent = body ? request(app).post(`/internal/dashboard${path}`).send(body) : request(app).get(`/internal/dashboard${path}`);
  const res = await sent.set(DASHBOARD_HEADERS);
  const id = res.headers['x-skypilot-request-id'];
  if (res.status !== 200 || !id) throw new Error(`${path} answered ${res.status}`);
  const got = await request(app).get('/internal/dashboard/api/get').query({ request_id: id }).set(DASHBOARD_HEADERS);
  if (got.status !== 200) throw new Error(`${path}: /api/get ${got.status}`);
  return got.body.return_value ? JSON.parse(got.body.return_value) : [];
}

/** users.jsx getGPUCount: the Python dict string (quotes swapped, None -> null) or a dict; the first entry's count. */
function gpuCount(accelerators: unknown): number {
  if (!accelerators) return 0;
  let parsed = accelerators;
  if (typeof accelerators === 'string') {
    try {
      parsed = JSON.parse(accelerators.replace(/'/g, '"').replace(/None/g, 'null'));
    } catch {
      return 0;
    }
  }
  const entries = parsed && typeof parsed === 'object' ? Object.entries(parsed) : [];
  return entries.length ? Number(entries[0][1]) || 0 : 0;
}

interface UserRow {
  id: string;
  name: string;
  user_type?: string;
}

/** components/jobs.jsx statusGroups.active: the jobs the users page counts. */
const ACTIVE_MANAGED = new Set(['PENDING', 'RUNNING', 'RECOVERING', 'SUBMITTED', 'STARTING', 'CANCELLING']);
/** connectors/jobs.jsx DEFAULT_FIELDS: what getManagedJobs asks for. */
const JOBS_DEFAULT_FIELDS = [
  'job_id',
  '_job_id',
  'job_name',
  'user_name',
  'user_hash',
  'workspace',
  'submitted_at',
  'job_duration',
  'status',
  'resources',
  'cloud',
  'region',
  'accelerators',
  'cluster_resources',
  'cluster_resources_full',
  'recovery_count',
  'pool',
  'pool_hash',
  'details',
  'failure_reason',
  'links',
];

/**
 * The users page's GPU column (components/users.jsx UsersTable): per user, GPUs per node times nodes
 * of each cluster not STOPPED (getClusters: `gpus` = accelerators, `num_nodes` = nodes), plus GPUs per
 * node times nodes (the `Nx` of cluster_resources_full) of each active managed job.
 */
async function usersPageGpus(app: SkyApp): Promise<Record<string, number>> {
  const env = DASHBOARD_ENV;
  const clusters = await dashboardFetch(app, '/status', {
    ...env,
    cluster_names: null,
    all_users: true,
    include_credentials: false,
    include_handle: false,
    summary_response: true,
  });
  const jobs = await dashboardFetch(app, '/jobs/queue/v2', {
    ...env,
    all_users: true,
    verbose: true,
    skip_finished: true,
    fields: JOBS_DEFAULT_FIELDS,
  });
  // connectors/users.js getUsers drops the dashboard's own legacy users.
  const users = ((await request(app).get('/internal/dashboard/users').set(DASHBOARD_HEADERS)).body as UserRow[]).filter(
    (u) => !(['dashboard', 'local'].includes(u.name) && u.user_type === 'legacy'),
  );
  const nodesOf = (full: unknown) => Number(/^(\d+)x/.exec(typeof full === 'string' ? full : '')?.[1] ?? 1);
  const totals: Record<string, number> = {};
  for (const user of users) {
    let total = 0;
    for (const c of clusters) {
      if (c.user_hash === user.id && c.status !== 'STOPPED') total += gpuCount(c.accelerators) * (c.nodes || 1);
    }
    for (const j of jobs.jobs) {
      if (j.user_hash === user.id && ACTIVE_MANAGED.has(j.status)) {
        total += gpuCount(j.accelerators) * nodesOf(j.cluster_resources_full || j.cluster_resources);
      }
    }
    // "Deduplicate users" (on by default without SSO) sums the ids that share a name.
    totals[user.name] = (totals[user.name] ?? 0) + total;
  }
  return totals;
}

/** One call's answer, made ready for the decoder (Python) or checked at once (dashboard). */
interface Answer {
  item?: object;
  value?: unknown;
  error?: string;
}

async function send(app: SkyApp, c: Call, t: Target) {
  const headers = c.client === 'cli' ? CLI_HEADERS : DASHBOARD_HEADERS;
  const url =
    c.client === 'dashboard' && !c.path(t).startsWith('/internal') && c.kind.startsWith('dashboard')
      ? `/internal/dashboard${c.path(t)}`
      : c.path(t);
  const req =
    c.method === 'GET'
      ? request(app).get(url)
      : request(app)
          .post(url)
          .send(c.body?.(t) ?? {});
  return req
    .set({ ...headers, ...c.headers })
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

async function apiGet(app: SkyApp, id: string, headers: Record<string, string>) {
  const res = await request(app).get('/api/get').query({ request_id: id }).set(headers);
  return { status: res.status, body: res.body };
}

async function answer(c: Call, t: Target): Promise<Answer> {
  if (c.visit) return { value: await c.visit(t) };
  const headers = c.client === 'cli' ? CLI_HEADERS : DASHBOARD_HEADERS;
  const res = await send(t.app, c, t);
  const text = (res.body as Buffer).toString('utf8');
  const requestId = res.headers['x-skypilot-request-id'] as string | undefined;
  switch (c.kind) {
    case 'health':
      return { item: { kind: 'health', headers: res.headers, body: JSON.parse(text) } };
    case 'api_status':
      return { item: { kind: 'status_rows', rows: JSON.parse(text) } };
    case 'exception_detail':
      return { item: { kind: 'exception_detail', http_status: res.status, body: JSON.parse(text) } };
    case 'scheduled':
    case 'streamed': {
      // get_request_id: any 4xx/5xx on the POST is an HTTPError traceback; the id header is required.
      if (res.status !== 200 || !requestId) return { error: `POST answered ${res.status} without a request id: ${text}` };
      if (c.kind === 'scheduled' && text !== 'null') return { error: `scheduled body ${text}` };
      const got = await apiGet(t.app, requestId, headers);
      if (got.status !== 200 && got.status !== 500) return { error: `/api/get answered ${got.status}` };
      const payload = got.status === 500 ? got.body.detail : got.body;
      if (c.name && payload.name !== c.name) return { error: `payload name ${payload.name}, expected ${c.name}` };
      return { item: { kind: 'payload', http_status: got.status, payload } };
    }
    case 'dashboard_detail':
      if (res.ok) return { error: `expected a refusal, got ${res.status}` };
      return { value: JSON.parse(text).detail };
    case 'dashboard_fetch_error': {
      // client.js apiClient.fetch: a POST that is not ok throws "Initial API request ... failed" (no
      // reason at all); else /api/get, and a failed one throws with getErrorMessageFromResponse
      // (data/utils.js: "Failed to fetch resource <url> (<status>): " and the answer's text).
      if (!res.ok) return { value: `Initial API request ${c.path(t)} failed with status ${res.status}` };
      if (!requestId) return { value: `No request ID received from server for ${c.path(t)}` };
      const got = await request(t.app).get('/internal/dashboard/api/get').query({ request_id: requestId }).set(headers);
      if (got.ok) return { error: `expected a failed request, got ${got.status}` };
      return {
        value: `API request to get ${c.path(t)} result failed with status ${got.status}, error: Failed to fetch resource (${got.status}): ${got.text}`,
      };
    }
    case 'dashboard':
    case 'dashboard_error':
    case 'dashboard_error_text': {
      // client.js: the POST must be ok and carry the id; then /api/get; 500 -> detail.error.
      if (res.status !== 200 || !requestId) return { error: `POST answered ${res.status}` };
      const got = await apiGet(t.app, requestId, headers);
      if (c.kind !== 'dashboard') {
        if (got.status !== 500) return { error: `expected a failed request, got ${got.status}` };
        return { value: c.kind === 'dashboard_error' ? JSON.parse(got.body.detail.error).message : JSON.stringify(got.body) };
      }
      if (got.status !== 200) return { error: `/api/get ${got.status}: ${got.body.detail?.error}` };
      // apiClient.fetch: `[]` only when there is no return_value at all; a JSON null stays null.
      return { value: got.body.return_value ? JSON.parse(got.body.return_value) : [] };
    }
    case 'direct':
      if (res.status !== c.status) return { error: `answered ${res.status}: ${text}` };
      return { value: text ? JSON.parse(text) : null };
    case 'text':
      if (res.status !== 200 || !/^text\/plain/.test(String(res.headers['content-type']))) {
        return { error: `answered ${res.status} ${res.headers['content-type']}: ${text}` };
      }
      return { value: text };
    case 'file':
      if (res.status !== 200 || !/icon/.test(String(res.headers['content-type']))) return { error: `answered ${res.status}` };
      return { value: (res.body as Buffer).subarray(0, 4).toString('hex') };
    case 'page':
      return { error: 'a page row needs `visit`' };
  }
}

interface Outcome {
  ok: boolean;
  summary?: any;
  error?: string;
}

async function replay(t: Target): Promise<Map<Call, Outcome>> {
  const outcomes = new Map<Call, Outcome>();
  const forPython: [Call, object][] = [];
  for (const c of CALLS.filter((call) => !call.only || call.only === t.name)) {
    const a = await answer(c, t);
    if (a.error) outcomes.set(c, { ok: false, error: a.error });
    else if (a.item) forPython.push([c, a.item]);
    else outcomes.set(c, { ok: true, summary: a.value });
  }
  for (const [i, result] of decodeInPython(forPython.map(([, item]) => item)).entries()) outcomes.set(forPython[i][0], result);
  return outcomes;
}

function rowsFor(name: Target['name']) {
  return CALLS.filter((c) => !c.only || c.only === name).map((c) => [c.client, c.what, `${c.method} ${c.path({} as Target)}`, c] as const);
}

describe('the official clients against the nightly (seeded)', () => {
  let h: ApiHarness;
  let logDir: string;
  let outcomes: Map<Call, Outcome>;
  const target = {} as Target;

  beforeAll(async () => {
    h = await openApiHarness();
    fs.copyFileSync(FAVICON, path.join(h.dashboardDir, 'favicon.ico'));
    logDir = makeTempDir('skyts-provision-');
    const provisionLog = path.join(logDir, 'provision.log');
    fs.writeFileSync(provisionLog, 'Launching on GCP us-central1\nCluster train is up.\n');
    const resources = new Resources({ cloud: new GCP(), instanceType: 'a2-highgpu-8g', region: 'us-central1', ports: ['8000'] });
    await globalUserState.addOrUpdateCluster({
      clusterName: 'train',
      userHash: USER_A,
      requestedResources: null,
      ready: true,
      isLaunch: true,
      provisionLogPath: provisionLog,
      handle: new CloudVmRayResourceHandle({
        clusterName: 'train',
        clusterNameOnCloud: 'train-2ea4',
        launchedNodes: 2,
        launchedResources: resources,
        stableInternalExternalIps: [
          ['10.0.0.1', '198.51.100.1'],
          ['10.0.0.2', '198.51.100.2'],
        ],
        stableSshPorts: [22, 22],
        sshUser: 'gcpuser',
      }),
    });
    await seedCluster('idle', { ready: false });
    await globalUserState.addOrUpdateUser({ id: USER_A, name: 'alice@skypilot.co' });
    const jobId = await globalUserState.addClusterJob({
      clusterName: 'train',
      jobName: 'train',
      userHash: USER_A,
      resources: '2x[A100:8]',
    });
    await globalUserState.appendClusterJobLog('train', jobId, 'epoch 1\nepoch 2\n');
    await globalUserState.setClusterJobStatus('train', jobId, 'SUCCEEDED');
    const managed = await managedJobsState.addJob({ name: 'pretrain', userHash: USER_A, resources: '1x[A100:8]' });
    await managedJobsState.appendJobLog(managed, 'step 1\n');
    await globalUserState.setEnabledClouds(['gcp', 'aws', 'kubernetes']);
    await globalUserState.addOrUpdateStorage({
      name: 'bucket',
      launchedAt: 1_760_000_000,
      stores: ['GCS'],
      lastUse: 'sky launch',
      status: 'READY',
      userHash: USER_A,
    });
    await seedRecipe();
    await globalUserState.setServerConfig({
      aws: { labels: { team: 'ml' } },
      api_server: { auth: { password: 'hunter2', api_key: 'sk-live-1' } },
    });
    await globalUserState.addVolume({
      name: 'data',
      type: 'k8s-pvc',
      launchedAt: 1_760_000_000,
      cloud: new Kubernetes(),
      region: 'kind-ctx',
      zone: null,
      sizeGb: 100,
      config: { storage_class_name: 'standard', access_mode: 'ReadWriteOnce', namespace: 'default' },
      nameOnCloud: 'data-aaaa',
      userHash: USER_A,
      workspace: 'default',
      lastAttachedAt: null,
      lastUse: 'sky volumes apply data.yaml',
      status: 'READY',
      usedbyPods: [],
      usedbyClusters: [],
    });
    Object.assign(target, { name: 'nightly', app: h.app, cluster: 'train', managedJobId: managed, volume: 'data', recipe: 'dev' });
    outcomes = await replay(target);
  }, 60_000);

  afterAll(async () => {
    await closeApiHarness(h);
    removeDir(logDir);
  });

  it.each(rowsFor('nightly'))('%s: %s (%s)', (_client, _what, _call, c) => {
    const outcome = outcomes.get(c)!;
    expect(outcome.error ?? null).toBeNull();
    c.check?.(outcome.summary, target);
  });
});

describe('the official clients against the demo', () => {
  let demo: DemoApp;
  let outcomes: Map<Call, Outcome>;
  const target = {} as Target;

  const savedFollow = process.env.SKYPILOT_LOG_FOLLOW_MAX_SECONDS;
  beforeAll(async () => {
    // The demo's world moves, so `sky logs` (follow: true) would follow a running job for minutes:
    // the replay checks the protocol, so it follows for a second, then reads the exit code.
    process.env.SKYPILOT_LOG_FOLLOW_MAX_SECONDS = '1';
    demo = await startDemoApp();
    Object.assign(target, {
      name: 'demo',
      app: demo.app,
      cluster: 'inference-cluster',
      managedJobId: 1,
      volume: 'ml-datasets',
      recipe: 'dev-box',
    });
    outcomes = await replay(target);
  }, 60_000);

  afterAll(async () => {
    await demo.close();
    if (savedFollow === undefined) delete process.env.SKYPILOT_LOG_FOLLOW_MAX_SECONDS;
    else process.env.SKYPILOT_LOG_FOLLOW_MAX_SECONDS = savedFollow;
  });

  it.each(rowsFor('demo'))('%s: %s (%s)', (_client, _what, _call, c) => {
    const outcome = outcomes.get(c)!;
    expect(outcome.error ?? null).toBeNull();
    c.check?.(outcome.summary, target);
  });

  const REFUSAL_KINDS: Kind[] = ['dashboard_error', 'dashboard_error_text', 'dashboard_fetch_error', 'dashboard_detail'];
  const refusedActions = CALLS.filter((call) => REFUSAL_KINDS.includes(call.kind)).map((c) => [c.what, c] as const);

  it('covers every write the official dashboard offers', () => {
    expect(refusedActions.map(([what]) => what)).toEqual(
      expect.arrayContaining([
        'volumes page: delete (demo)',
        'workspaces page: create (demo)',
        'workspace page: update (demo)',
        'workspaces page: delete (demo)',
        'settings page: save (demo)',
        'users page: create (demo)',
        'users page: import (demo)',
        'users page: role change (demo)',
        'users page: delete (demo)',
        'recipes page: create (demo)',
        'recipe page: edit (demo)',
        'recipe page: delete (demo)',
        'recipe page: pin (demo)',
      ]),
    );
  });

  it.each(refusedActions)('every refused action in the dashboard shows the read-only message: %s', (_what, c) => {
    expect(outcomes.get(c)).toMatchObject({ ok: true, summary: expect.stringMatching(/read-only demo/) });
  });
});
