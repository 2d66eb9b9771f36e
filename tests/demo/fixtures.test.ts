/**
 * Fixtures are data files validated on load: a bad edit names the file and the field; edits are
 * picked up without a restart; after a bad edit the last good world keeps being served.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FixtureError, loadFixtures } from '../../src/demo/fixtureLoader';
import { installDemo } from '../../src/demo/installDemo';
import { stateQueries } from '../../src/state/stateQueries';
import { FIXTURES_DIR, copyFixtures } from './demoApp';

function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${file} changed nothing`);
  fs.writeFileSync(full, next);
}

describe('fixture validation', () => {
  it('loads the shipped fixtures', () => {
    expect(() => loadFixtures(FIXTURES_DIR)).not.toThrow();
  });

  it.each([
    ['clusters.yaml', 'status: STOPPED', 'status: STOPED', /^clusters\.yaml: \[3\]\.status: .*UP/],
    ['clusters.yaml', 'instance_type: 4CPU--16GB', 'instance_type: 4CPU-16GB', /^clusters\.yaml: \[3\]\.instance_type: .*4CPU-16GB.*CPU--/],
    ['clusters.yaml', 'launched: 45m ago', 'launched: yesterday', /^clusters\.yaml: \[2\]\.launched: expected a time like/],
    ['clusters.yaml', 'cloud: AWS', 'cloud: AWZ', /^clusters\.yaml: \[4\]\.cloud: expected one of/],
    [
      'clusters.yaml',
      '  user: mike@skypilot.co',
      '  user: zed@skypilot.co',
      /^clusters\.yaml: \[3\]\.user: unknown user 'zed@skypilot.co'/,
    ],
    ['users.yaml', 'role: viewer', 'role: superuser', /^users\.yaml: users\[2\]\.role: /],
    ['managed_jobs.yaml', 'status: RECOVERING', 'status: RESTARTING', /^managed_jobs\.yaml: \[5\]\.status: /],
    [
      'infra.yaml',
      'gpus_free: 7',
      'gpus_free: 70',
      /^infra\.yaml: kubernetes_contexts\[0\].nodes\[4\].gpus_free: gpus_free cannot exceed gpus/,
    ],
    [
      'cluster_jobs.yaml',
      'log: logs/vllm-serve.log',
      'log: logs/missing.log',
      /^cluster_jobs\.yaml: inference-cluster\[0\]\.log: file 'logs\/missing\.log' does not exist/,
    ],
    ['volumes.yaml', 'size: 500', 'size: big', /^volumes\.yaml: \[0\]\.size: /],
    ['workspaces.yaml', 'default: {}', 'defaults: {}', /^workspaces\.yaml: the "default" workspace must exist/],
    ['history.yaml', 'nodes: 2', 'nodes: 0', /^history\.yaml: \[0\]\.nodes: /],
    ['clusters.yaml', '- name: training-multinode-1', '- name: [training', /^clusters\.yaml: not valid YAML/],
    [
      'server_config.yaml',
      '    team: ml-platform',
      '    team: ml-platform\n  secret_access_key: AKIA',
      /^server_config\.yaml: .*'aws\.secret_access_key' looks like a secret/,
    ],
    [
      'server_config.yaml',
      'allowed_clouds:',
      'workspaces: {}\nallowed_clouds:',
      /^server_config\.yaml: workspaces belong in workspaces\.yaml/,
    ],
    [
      'workspaces.yaml',
      '    project_id: ml-team-prod',
      '    project_id: ml-team-prod\n    api_token: t',
      /^workspaces\.yaml: .*'ml-team\.gcp\.api_token' looks like a secret/,
    ],
    ['storage.yaml', 'store: [S3]', 'store: [DROPBOX]', /^storage\.yaml: \[2\]\.store\[0\]: /],
    ['recipes.yaml', 'type: job', 'type: notebook', /^recipes\.yaml: \[1\]\.type: /],
    [
      'clusters.yaml',
      'provision_log: logs/provision/lambda-k8s.log',
      'provision_log: logs/provision/none.log',
      /^clusters\.yaml: \[2\]\.provision_log: file 'logs\/provision\/none\.log' does not exist/,
    ],
    ['activity.yaml', '    every: 20m', '    every: 7m', /^activity\.yaml: managed_jobs\[0\]\.every: must divide the cycle/],
    [
      'activity.yaml',
      '    running: [15m, 45m]',
      '    running: [45m, 15m]',
      /^activity\.yaml: managed_jobs\[0\]\.running: the first duration/,
    ],
    [
      'activity.yaml',
      '    pending: [20s, 2m]',
      '    pending: [20s, soon]',
      /^activity\.yaml: managed_jobs\[0\]\.pending.*expected a duration/,
    ],
    ['activity.yaml', '    preemption: 0.35', '    preemption: 1.5', /^activity\.yaml: managed_jobs\[0\]\.preemption: /],
    ['activity.yaml', 'users: [bob@skypilot.co]', 'users: [zed@skypilot.co]', /^activity\.yaml: clusters\[1\]\.users\[0\]: unknown user/],
    [
      'activity.yaml',
      '    cluster: inference-cluster',
      '    cluster: nebius-k8s',
      /^activity\.yaml: cluster_jobs\[0\]\.cluster: 'nebius-k8s' is STOPPED/,
    ],
    [
      'activity.yaml',
      'log: logs/live/rlhf.log',
      'log: logs/live/none.log',
      /^activity\.yaml: managed_jobs\[3\]\.log: file 'logs\/live\/none\.log' does not exist/,
    ],
    ['activity.yaml', 'instance_type: 8CPU--32GB--L40S:1', 'instance_type: 8CPU-32GB', /^activity\.yaml: clusters\[0\]\.instance_type: /],
    [
      'activity.yaml',
      '    outcomes: { SUCCEEDED: 0.9, CANCELLED: 0.1 }',
      '    outcomes: { SUCCEEDED: 0 }',
      /^activity\.yaml: managed_jobs\[2\]\.outcomes: at least one outcome/,
    ],
  ])('%s: "%s" -> "%s" is reported with the file and field', (file, from, to, message) => {
    const dir = copyFixtures();
    edit(dir, file, from, to);
    expect(() => loadFixtures(dir)).toThrow(FixtureError);
    expect(() => loadFixtures(dir)).toThrow(message);
  });
});

describe('hot reload', () => {
  it('picks up edits without a restart and keeps the last good world after a bad edit', async () => {
    const dir = copyFixtures();
    const logged: string[] = [];
    const demo = installDemo({ fixturesDir: dir, reloadMs: 0, log: (line) => logged.push(line) });
    try {
      expect((await stateQueries.getClusterFromName('lambda-k8s'))!.autostop).toBe(-1);
      edit(dir, 'clusters.yaml', /autostop: -1\n {2}task: tasks\/finetune.yaml/, 'autostop: 15\n  task: tasks/finetune.yaml');
      expect((await stateQueries.getClusterFromName('lambda-k8s'))!.autostop).toBe(15);

      edit(dir, 'clusters.yaml', 'status: UP\n  launched: 45m ago', 'status: SLEEPING\n  launched: 45m ago');
      const served = await stateQueries.getClusterFromName('lambda-k8s');
      expect(served!.status).toBe('UP');
      expect(served!.autostop).toBe(15);
      expect(logged.join('\n')).toMatch(/fixture error, still serving the last good world: clusters\.yaml: \[2\]\.status/);

      edit(dir, 'clusters.yaml', 'status: SLEEPING', 'status: STOPPED');
      expect((await stateQueries.getClusterFromName('lambda-k8s'))!.status).toBe('STOPPED');
    } finally {
      demo.restore();
    }
  });

  it('reloads activity.yaml too: a new seed is a new world, a bad edit keeps the last good one', () => {
    const dir = copyFixtures();
    const logged: string[] = [];
    const demo = installDemo({ fixturesDir: dir, reloadMs: 0, log: (line) => logged.push(line) });
    try {
      const first = demo.world.current().fingerprint;
      expect(first.seed).toBe(17);
      edit(dir, 'activity.yaml', 'seed: 17', 'seed: 18');
      const second = demo.world.current().fingerprint;
      expect(second.seed).toBe(18);
      expect(second.fixtures).not.toBe(first.fixtures);
      edit(dir, 'activity.yaml', '    every: 20m', '    every: 7m');
      expect(demo.world.current().fingerprint).toMatchObject({ seed: second.seed, fixtures: second.fixtures });
      expect(logged.join('\n')).toMatch(/still serving the last good world: activity\.yaml: managed_jobs\[0\]\.every/);
      fs.rmSync(path.join(dir, 'activity.yaml'));
      expect(demo.world.current().fingerprint.seed).toBe(0); // no activity: the world holds still
    } finally {
      demo.restore();
    }
  });
});
