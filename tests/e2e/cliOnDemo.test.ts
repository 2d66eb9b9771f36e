/**
 * The `sky` CLI against the demo over HTTP, with "now" pinned: the five clusters as SkyPilot prints
 * them, and one readable line with a non-zero exit for a refused write or bad input.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/cli/main';
import { type DemoApp, PINNED_NOW, startDemoApp } from '../demo/demoApp';
import { Capture } from '../helpers/capture';
import { listen } from './listen';

let demo: DemoApp;
let served: Awaited<ReturnType<typeof listen>>;
let env: Record<string, string>;

beforeAll(async () => {
  process.env.SKYPILOT_NOW = PINNED_NOW;
  demo = await startDemoApp();
  served = await listen(demo.app);
  env = {
    SKYPILOT_API_SERVER_ENDPOINT: served.url,
    SKYPILOT_NOW: PINNED_NOW,
    SKYPILOT_NO_AUTOSTART: '1',
    HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'sky-cli-home-')),
    NO_COLOR: '1',
  };
});
afterAll(async () => {
  await served.close();
  await demo.close();
  delete process.env.SKYPILOT_NOW;
});

async function sky(...argv: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await run(argv, { stdout, stderr, env });
  return { code, out: stdout.lines, err: stderr.lines };
}

describe('sky on the demo', () => {
  it('status -u lists the five clusters with infra, resources, status, autostop and launch time', async () => {
    const { code, out, err } = await sky('status', '-u');
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const header = out.findIndex((l) => /^NAME\s+USER\s+WORKSPACE\s+INFRA\s+RESOURCES\s+STATUS\s+AUTOSTOP\s+LAUNCHED/.test(l));
    expect(header).toBeGreaterThanOrEqual(0);
    // Without the USER and WORKSPACE columns, which the rows of other tests check.
    const rows = out.slice(header + 1).map((l) => l.trim().split(/\s{2,}/));
    const byName = Object.fromEntries(rows.map((r) => [r[0], [r[0], ...r.slice(3)]]));
    expect(byName['lambda-k8s']).toEqual([
      'lambda-k8s',
      'Kubernetes (lambda-k8s-ctx)',
      '1x Kubernetes(8CPU--32GB--H100:1)',
      'UP',
      '-',
      '45 mins ago',
    ]);
    expect(byName['nebius-k8s']).toEqual([
      'nebius-k8s',
      'Kubernetes (nebius-mk8s-ctx)',
      '2x Kubernetes(4CPU--16GB)',
      'STOPPED',
      '-',
      '3 days ago',
    ]);
    expect(byName['training-multinode-1']).toEqual([
      'training-multinode-1',
      'GCP (us-central1)',
      "4x GCP(a2-highgpu-8g, {'A100': 8})",
      'UP',
      '60m',
      '5 hrs ago',
    ]);
    expect(byName['inference-cluster']).toEqual([
      'inference-cluster',
      'GCP (us-west1)',
      "1x GCP(a2-highgpu-1g, {'A100': 1}, ports=['8000'])",
      'UP',
      '30m (down)',
      '2 days ago',
    ]);
    expect(byName['dev-cluster-alice']).toEqual([
      'dev-cluster-alice',
      'AWS (us-east-1)',
      "1x AWS(m6i.2xlarge, ports=['8888'])",
      'STOPPED',
      '120m',
      '6 days ago',
    ]);
  });

  it.each([-1, -0.4, 0.4, 1])('the times do not flip when the CLI clock is %d s off the server', async (drift) => {
    const pinned = await sky('status');
    const drifted = { ...env, SKYPILOT_NOW: new Date(Date.parse(PINNED_NOW) + drift * 1000).toISOString() };
    const stdout = new Capture();
    expect(await run(['status'], { stdout, stderr: new Capture(), env: drifted })).toBe(0);
    expect(stdout.lines).toEqual(pinned.out); // fixtures sit on whole units: 45m, 3d, 5h, 6d ago
  });

  it('status --mine narrows to the current user (alice)', async () => {
    const { code, out } = await sky('status', '--mine', '--json');
    expect(code).toBe(0);
    expect((JSON.parse(out.join('\n')) as { name: string }[]).map((r) => r.name).sort()).toEqual([
      'dev-cluster-alice',
      'training-multinode-1',
    ]);
  });

  it('status -u --json gives the records', async () => {
    const { code, out } = await sky('status', '-u', '--json');
    expect(code).toBe(0);
    // clusters.yaml's five, and at this pinned instant two stopped runs of activity.yaml's sweep-box.
    expect((JSON.parse(out.join('\n')) as { name: string }[]).map((r) => r.name).sort()).toEqual([
      'dev-cluster-alice',
      'inference-cluster',
      'lambda-k8s',
      'nebius-k8s',
      'sweep-box-1300',
      'sweep-box-1301',
      'training-multinode-1',
    ]);
  });

  it('api info says it is talking to the demo', async () => {
    const { code, out } = await sky('api', 'info');
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^Using SkyPilot API server: http:\/\/\S+ \(demo\)$/);
    expect(out[1]).toMatch(/api version: 53\b/);
  });

  it('queue, jobs queue, cost-report and users ls show the fake world', async () => {
    const queue = await sky('queue', 'training-multinode-1');
    expect(queue.code).toBe(0);
    expect(queue.out.join('\n')).toMatch(/train-llama-8b[\s\S]*RUNNING/);
    const jobs = await sky('jobs', 'queue', '-a');
    expect(jobs.code).toBe(0);
    for (const s of ['RUNNING', 'SUCCEEDED', 'FAILED', 'PENDING', 'CANCELLED', 'RECOVERING']) expect(jobs.out.join('\n')).toContain(s);
    const cost = await sky('cost-report', '--all');
    expect(cost.code).toBe(0);
    expect(cost.out.join('\n')).toContain('h100-benchmark');
    const users = await sky('users', 'ls');
    expect(users.out.join('\n')).toMatch(/alice@skypilot\.co[\s\S]*admin/);
  });

  it('logs prints a job log', async () => {
    const { code, out } = await sky('logs', 'training-multinode-1', '2', '--no-follow');
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/step +1000 \| loss 2\.941/);
  });

  it.each([
    [['down', 'dev-cluster-alice', '-y']],
    [['stop', 'training-multinode-1']],
    [['start', 'nebius-k8s']],
    [['autostop', '-i', '10', 'lambda-k8s']],
  ])('%j is refused with one line saying the demo is read-only', async (argv) => {
    const { code, out, err } = await sky(...argv);
    expect(code).not.toBe(0);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^sky: error: .*read-only demo/);
    expect(out.join('\n')).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it.each([
    [['autostop', '-i', 'soon', 'lambda-k8s'], 2],
    [['status', '--no-such-flag'], 2],
    [['frobnicate'], 2],
    [['queue', 'no-such-cluster'], 1],
  ])('%j fails with one line and exit %d', async (argv, expected) => {
    const { code, err } = await sky(...argv);
    expect(code).toBe(expected);
    expect(err).toHaveLength(1);
    expect(err[0]).not.toMatch(/\bat .*:\d+:\d+/);
  });

  it('runs as npx sky through bin/sky.js', async () => {
    const bin = path.resolve(__dirname, '..', '..', 'bin', 'sky.js');
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, 'down', 'dev-cluster-alice', '-y'], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/read-only demo/);
  });
});
