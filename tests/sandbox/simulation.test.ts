/**
 * Realistic timing, derived from the clock: with the demo's "now" pinned (SKYPILOT_NOW) and moved by
 * the test, a start goes STOPPED -> INIT -> UP with its events and provision log lines, a launch of a
 * recipe goes INIT -> UP and its job PENDING -> RUNNING -> SUCCEEDED with log lines appearing, and
 * interruptions (a stop, a cancel) end things where they happen. Nothing is scheduled: the same
 * session read at a later second simply reads further along.
 */
import request from 'supertest';
import { pinnedClock, SESSION_HEADER, startSandboxApp, type SandboxApp } from './sandboxApp';

const T0 = Date.parse('2026-11-22T12:00:00Z') / 1000;
let s: SandboxApp;
const clock = pinnedClock(T0);
const at = clock.at;

beforeAll(async () => {
  clock.save();
  s = await startSandboxApp({ startSeconds: 8 });
});
afterAll(async () => {
  await s.close();
  clock.restore();
});
beforeEach(() => at(0));

type Row = { name: string; status: string; autostop: number; head_ip?: string | null };
const cluster = async (id: string, name: string) => (await s.inSession<Row[]>(id, '/status', {})).value.find((c) => c.name === name);
const events = async (id: string, name: string) =>
  (
    await s.inSession<{ reason: string; ending_status: string }[]>(id, '/cluster_events', { cluster_name: name, include_timestamps: true })
  ).value.map((e) => `${e.ending_status}: ${e.reason}`);
const provisionLog = async (id: string, name: string) =>
  (await request(s.app).post('/provision_logs').set(SESSION_HEADER, id).send({ cluster_name: name })).text;
const jobs = async (id: string, name: string) =>
  (await s.inSession<{ job_id: number; status: string; job_name: string }[]>(id, '/queue', { cluster_name: name })).value;
const log = async (id: string, name: string, job: number) =>
  (await request(s.app).post('/logs').set(SESSION_HEADER, id).send({ cluster_name: name, job_id: job })).text;

describe('start', () => {
  it.each([
    [0, 'INIT', 1],
    [4, 'INIT', 3],
    [8, 'UP', 6],
    [60, 'UP', 6],
  ])('at +%is the started cluster is %s with %i provision log line(s)', async (seconds, status, lines) => {
    const id = await s.newSession();
    await s.inSession(id, '/start', { cluster_name: 'dev-cluster-alice' });
    at(seconds);
    expect((await cluster(id, 'dev-cluster-alice'))?.status).toBe(status);
    expect((await provisionLog(id, 'dev-cluster-alice')).trim().split('\n')).toHaveLength(lines);
  });

  it('records the transitions as events, and the cluster gets addresses once UP', async () => {
    const id = await s.newSession();
    await s.inSession(id, '/start', { cluster_name: 'dev-cluster-alice', idle_minutes_to_autostop: 45 });
    expect((await cluster(id, 'dev-cluster-alice'))?.head_ip ?? null).toBeNull();
    at(10);
    expect(await cluster(id, 'dev-cluster-alice')).toMatchObject({
      status: 'UP',
      autostop: 45,
      // The address the start operation assigned and the session recorded (one formula, src/operations).
      head_ip: expect.stringMatching(/^192\.0\.2\./),
    });
    expect((await events(id, 'dev-cluster-alice')).slice(-2)).toEqual(['INIT: Starting the cluster (sky start).', 'UP: Cluster is up.']);
  });

  it('a stop while provisioning wins, and the provision log stops there', async () => {
    const id = await s.newSession();
    await s.inSession(id, '/start', { cluster_name: 'nebius-k8s' });
    at(3);
    await s.inSession(id, '/stop', { cluster_name: 'nebius-k8s' });
    at(30);
    expect((await cluster(id, 'nebius-k8s'))?.status).toBe('STOPPED');
    expect((await provisionLog(id, 'nebius-k8s')).trim().split('\n')).toHaveLength(3);
  });
});

describe('launch of a recipe', () => {
  // llama-finetune: 10 s to provision, then 17 lines at one per 1.5 s (sandbox.yaml); the demo's
  // clock moves in whole seconds.
  it.each([
    [0, 'INIT', 'PENDING', 0],
    [9, 'INIT', 'PENDING', 0],
    [10, 'UP', 'RUNNING', 1],
    [14, 'UP', 'RUNNING', 3],
    [35, 'UP', 'RUNNING', 17],
    [36, 'UP', 'SUCCEEDED', 18],
  ])('at +%ss the cluster is %s, the job %s, with %i log line(s)', async (seconds, clusterStatus, jobStatus, lines) => {
    const id = await s.newSession();
    const launched = await s.inSession<{ job_id: number }>(id, '/launch', { task: 'recipes:llama-finetune', cluster_name: 'ft' });
    expect(launched.value.job_id).toBe(1);
    at(seconds);
    expect((await cluster(id, 'ft'))?.status).toBe(clusterStatus);
    expect(await jobs(id, 'ft')).toEqual([expect.objectContaining({ job_id: 1, status: jobStatus, job_name: 'finetune-lora' })]);
    const text = await log(id, 'ft', 1);
    expect(text === '' ? 0 : text.trim().split('\n').length).toBe(lines);
    if (jobStatus === 'SUCCEEDED') expect(text).toMatch(/Job finished \(status: SUCCEEDED\)/);
  });

  it('names the cluster when not told, in the workspace asked for', async () => {
    const id = await s.newSession();
    await s.inSession(id, '/launch', { task: 'recipes:nightly-eval', override_skypilot_config: { active_workspace: 'ml-team' } });
    const row = (await s.inSession<(Row & { workspace: string })[]>(id, '/status', {})).value.find((c) =>
      c.name.startsWith('nightly-eval-'),
    );
    expect(row).toMatchObject({ status: 'INIT', workspace: 'ml-team', name: expect.stringMatching(/^nightly-eval-[0-9a-f]{4}$/) });
  });

  it('a server recipe keeps running after its last line; a cancel ends it', async () => {
    const id = await s.newSession();
    await s.inSession(id, '/launch', { task: 'recipes:dev-box', cluster_name: 'box' });
    at(120);
    expect((await jobs(id, 'box'))[0].status).toBe('RUNNING');
    const cancelled = await s.inSession(id, '/cancel', { cluster_name: 'box', job_ids: [1] });
    expect(cancelled.value).toEqual([1]);
    at(200);
    expect((await jobs(id, 'box'))[0].status).toBe('CANCELLED');
    expect(await log(id, 'box', 1)).toMatch(/Job cancelled/);
  });

  it('down removes the cluster; the cost report keeps it as terminated', async () => {
    const id = await s.newSession();
    await s.inSession(id, '/launch', { task: 'recipes:vllm-inference', cluster_name: 'serve' });
    at(60);
    await s.inSession(id, '/down', { cluster_name: 'serve' });
    expect(await cluster(id, 'serve')).toBeUndefined();
    const report = (await s.inSession<{ name: string; status: string | null }[]>(id, '/cost_report', {})).value;
    expect(report.find((r) => r.name === 'serve')).toMatchObject({ status: null });
    const again = await s.inSession(id, '/launch', { task: 'recipes:vllm-inference', cluster_name: 'serve' });
    expect(again.payload.status).toBe('SUCCEEDED');
    expect((await jobs(id, 'serve'))[0].status).toBe('PENDING');
  });

  it('refuses a name that is taken in the session', async () => {
    const id = await s.newSession();
    const taken = await s.inSession(id, '/launch', { task: 'recipes:dev-box', cluster_name: 'lambda-k8s' });
    expect(taken.error?.message).toMatch(/already exists/);
  });
});

describe('managed job cancel', () => {
  it('reads CANCELLING, then CANCELLED 3 s later', async () => {
    const id = await s.newSession();
    await s.inSession(id, '/jobs/cancel', { job_ids: [6] });
    const statusOf = async () =>
      (await s.inSession<{ jobs: { status: string }[] }>(id, '/jobs/queue/v2', { job_ids: [6] })).value.jobs[0].status;
    expect(await statusOf()).toBe('CANCELLING');
    at(3);
    expect(await statusOf()).toBe('CANCELLED');
  });
});
