import type { StatusRecord } from '../../src/api/wireTypes';
import { colorEnabled, colorStatus, renderColors, stripColors } from '../../src/cli/colors';
import { autostopOf, formatStatus, infraOf } from '../../src/cli/commands/status';
import { formatDuration, formatRelative, resolveNow } from '../../src/cli/relativeTime';
import { formatTable } from '../../src/cli/table';

const NOW = new Date('2026-05-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;

function record(overrides: Partial<StatusRecord>): StatusRecord {
  return {
    name: 'c',
    launched_at: NOW_S - 3600,
    status: 'UP',
    autostop: -1,
    to_down: false,
    last_use: '',
    cluster_hash: 'h',
    cluster_ever_up: true,
    status_updated_at: NOW_S - 3600,
    user_hash: 'abcd1234',
    user_name: 'alice',
    workspace: 'default',
    is_managed: false,
    nodes: 1,
    cloud: 'AWS',
    region: 'us-east-1',
    zone: null,
    cpus: null,
    memory: null,
    accelerators: null,
    labels: {},
    resources_str: '1x AWS(m6i.2xlarge)',
    resources_str_full: '1x AWS(m6i.2xlarge)',
    cluster_name_on_cloud: 'c-abcd',
    head_ip: null,
    instance_type: null,
    last_creation_command: null,
    last_creation_yaml: null,
    last_event: null,
    metadata: {},
    owner: null,
    config_hash: null,
    ...overrides,
  };
}

const K8S = record({
  name: 'lambda-k8s',
  cloud: 'Kubernetes',
  region: 'lambda-ctx',
  resources_str: '1x Kubernetes(4CPU--16GB)',
  status: 'UP',
  autostop: 30,
  to_down: false,
  launched_at: NOW_S - 2 * 3600,
});
const AWS = record({ name: 'dev', status: 'STOPPED', autostop: 10, to_down: true, launched_at: NOW_S - 5 * 60 - 20 });
const INIT = record({
  name: 'gpu-box',
  status: 'INIT',
  cloud: 'GCP',
  region: null,
  resources_str: '1x GCP(a2-highgpu-1g)',
  launched_at: NOW_S - 3 * 86400,
});

describe('sky status formatting', () => {
  test('exact lines for fixed records', () => {
    expect(formatStatus([K8S, AWS, INIT], { now: NOW, color: false })).toEqual([
      'Clusters',
      'NAME        INFRA                    RESOURCES                  STATUS   AUTOSTOP    LAUNCHED',
      'lambda-k8s  Kubernetes (lambda-ctx)  1x Kubernetes(4CPU--16GB)  UP       30m         2 hrs ago',
      'dev         AWS (us-east-1)          1x AWS(m6i.2xlarge)        STOPPED  10m (down)  5 mins ago',
      'gpu-box     GCP                      1x GCP(a2-highgpu-1g)      INIT     -           3 days ago',
    ]);
  });

  test('all users adds USER and WORKSPACE', () => {
    expect(formatStatus([K8S], { now: NOW, color: false, allUsers: true })).toEqual([
      'Clusters',
      'NAME        USER   WORKSPACE  INFRA                    RESOURCES                  STATUS  AUTOSTOP  LAUNCHED',
      'lambda-k8s  alice  default    Kubernetes (lambda-ctx)  1x Kubernetes(4CPU--16GB)  UP      30m       2 hrs ago',
    ]);
  });

  test('no clusters', () => {
    expect(formatStatus([], { now: NOW, color: false })).toEqual(['Clusters', 'No existing clusters.']);
  });

  test('colour keeps the columns aligned', () => {
    const plain = formatStatus([K8S, AWS, INIT], { now: NOW, color: false });
    const coloured = formatStatus([K8S, AWS, INIT], { now: NOW, color: true }).map(renderColors);
    expect(coloured[2]).toContain('\u001b[32mUP\u001b[0m');
    expect(coloured[3]).toContain('\u001b[33mSTOPPED\u001b[0m');
    expect(coloured[4]).toContain('\u001b[34mINIT\u001b[0m');
    expect(coloured.map((line) => line.replace(/\u001b\[\d+m/g, ''))).toEqual(plain);
    expect(formatStatus([K8S], { now: NOW, color: true }).map(stripColors)).toEqual(formatStatus([K8S], { now: NOW, color: false }));
  });

  test('infra and autostop cells', () => {
    expect(infraOf({ cloud: 'AWS', region: 'us-east-1' })).toBe('AWS (us-east-1)');
    expect(infraOf({ cloud: 'Kubernetes', region: null })).toBe('Kubernetes');
    expect(autostopOf({ autostop: -1, to_down: true })).toBe('-');
    expect(autostopOf({ autostop: 30, to_down: false })).toBe('30m');
    expect(autostopOf({ autostop: 30, to_down: true })).toBe('30m (down)');
    expect(autostopOf({ autostop: 0, to_down: false })).toBe('0m');
  });
});

describe('table', () => {
  test('upper-case headers, two-space gaps, no trailing spaces', () => {
    expect(
      formatTable(
        ['id', 'name'],
        [
          ['1', 'a'],
          ['22', 'bbb'],
        ],
      ),
    ).toEqual(['ID  NAME', '1   a', '22  bbb']);
  });
});

describe('relative time and durations', () => {
  test.each([
    [5, 'a few secs ago'],
    [30, '30 secs ago'],
    [60, '1 min ago'],
    [5 * 60 + 29, '5 mins ago'],
    [3600, '1 hr ago'],
    [2 * 3600 + 29 * 60, '2 hrs ago'],
    [86400, '1 day ago'],
    [3 * 86400, '3 days ago'],
    [14 * 86400, '2 weeks ago'],
  ])('%i seconds ago → %s', (ago, text) => {
    expect(formatRelative(NOW_S - ago, NOW)).toBe(text);
  });

  test('unknown times', () => {
    expect(formatRelative(null, NOW)).toBe('-');
    expect(formatRelative(0, NOW)).toBe('-');
  });

  test('durations', () => {
    expect(formatDuration(3723)).toBe('1h 2m 3s');
    expect(formatDuration(0.2)).toBe('< 1s');
    expect(formatDuration(90061)).toBe('1d 1h 1m 1s');
    expect(formatDuration(null)).toBe('-');
  });

  test('SKYPILOT_NOW as ISO or epoch seconds', () => {
    expect(resolveNow({ SKYPILOT_NOW: '2026-05-01T12:00:00Z' }).getTime()).toBe(NOW.getTime());
    expect(resolveNow({ SKYPILOT_NOW: String(NOW_S) }).getTime()).toBe(NOW.getTime());
    const fallback = new Date(0);
    expect(resolveNow({}, () => fallback)).toBe(fallback);
    expect(resolveNow({ SKYPILOT_NOW: 'garbage' }, () => fallback)).toBe(fallback);
  });
});

describe('colour switch', () => {
  test('only on a TTY and without NO_COLOR', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorStatus('UP', false)).toBe('UP');
  });
});
