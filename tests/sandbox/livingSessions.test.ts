/**
 * Sessions ride on the living world: a visitor's change overrides that object's story for that
 * visitor only. A cluster they stopped stays stopped while the shared world moves on (its jobs were
 * cancelled at the stop and later ones are not its), and the GPUs it held are free for them alone.
 */
import { runInScope } from '../../src/sessions/sessionContext';
import { pinnedClock, SESSION_HEADER, startSandboxApp, type SandboxApp } from './sandboxApp';
import request from 'supertest';

const T0 = Date.parse('2026-11-22T12:00:00Z') / 1000;
let s: SandboxApp;
const clock = pinnedClock(T0);
const at = clock.at;

beforeAll(async () => {
  clock.save();
  at(0);
  s = await startSandboxApp();
});
afterAll(async () => {
  await s.close();
  clock.restore();
});

type Job = { job_id: number; status: string; submitted_at: number };
const status = async (id: string, name: string) =>
  (await s.inSession<{ name: string; status: string }[]>(id, '/status', {})).value.find((c) => c.name === name)?.status;
const queue = async (id: string, name: string) => (await s.inSession<Job[]>(id, '/queue', { cluster_name: name, all_users: true })).value;
const freeGpus = async (id: string, context: string) => {
  const info = await s.inSession<{ node_info_dict: Record<string, { free: { accelerators_available: number } }> }>(
    id,
    '/kubernetes_node_info',
    { context },
  );
  return Object.values(info.value.node_info_dict).reduce((sum, n) => sum + n.free.accelerators_available, 0);
};

describe('a session over the living world', () => {
  it('keeps a stopped cluster stopped, with no job running on it, while the shared world moves on', async () => {
    at(0);
    const [mine, other] = [await s.newSession(), await s.newSession()];
    const before = await queue(mine, 'inference-cluster');
    expect(before.some((j) => j.status === 'RUNNING' && j.job_id > 1)).toBe(true); // a load test runs
    expect((await request(s.app).post('/stop').set(SESSION_HEADER, mine).send({ cluster_name: 'inference-cluster' })).status).toBe(200);
    at(1800);
    expect(await status(mine, 'inference-cluster')).toBe('STOPPED');
    expect(await status(other, 'inference-cluster')).toBe('UP');
    // `sky queue` needs the cluster UP (as upstream), so the session's world is read directly.
    const session = (await s.demo.sessions!.store.get(mine))!;
    const mineLater = runInScope({ session, notice: null, store: s.demo.sessions!.store, world: null }, () =>
      s.demo.world.current().clusterJobs.filter((j) => j.clusterName === 'inference-cluster'),
    );
    expect(mineLater.filter((j) => ['RUNNING', 'PENDING', 'SETTING_UP'].includes(j.status))).toEqual([]);
    expect(Math.max(...mineLater.map((j) => j.jobId))).toBeLessThanOrEqual(Math.max(...before.map((j) => j.job_id)));
    const theirs = await queue(other, 'inference-cluster');
    expect(Math.max(...theirs.map((j) => j.job_id))).toBeGreaterThan(Math.max(...before.map((j) => j.job_id)));
    expect(theirs.some((j) => j.status === 'RUNNING' && j.job_id > 1)).toBe(true);
  });

  it('frees the GPUs of a cluster the visitor stopped, for that visitor only', async () => {
    at(0);
    const [mine, other] = [await s.newSession(), await s.newSession()];
    await request(s.app).post('/stop').set(SESSION_HEADER, mine).send({ cluster_name: 'lambda-k8s' }); // 1x H100
    at(60);
    expect(await freeGpus(mine, 'lambda-k8s-ctx')).toBe((await freeGpus(other, 'lambda-k8s-ctx')) + 1);
  });
});
