/** In-process runs of the CLI with a fake client: output lines, error lines and exit codes. */
import type { StatusRecord } from '../../src/api/wireTypes';
import type { SkyApi } from '../../src/cli/io';
import { run } from '../../src/cli/main';
import { ApiError } from '../../src/client/apiError';
import { Capture } from '../helpers/capture';

const NOW = '2026-05-01T12:00:00Z';
const NOW_S = Date.parse(NOW) / 1000;

function fakeClient(overrides: Partial<SkyApi>): SkyApi {
  const unexpected = (name: string) => () => {
    throw new Error(`unexpected call: ${name}`);
  };
  return {
    endpoint: 'http://127.0.0.1:46580',
    identity: { hash: 'abcd1234', name: 'tester' },
    health: unexpected('health'),
    serverVersion: unexpected('serverVersion'),
    status: unexpected('status'),
    costReport: unexpected('costReport'),
    queue: unexpected('queue'),
    endpoints: unexpected('endpoints'),
    jobStatus: unexpected('jobStatus'),
    jobsLogs: unexpected('jobsLogs'),
    logs: unexpected('logs'),
    stop: unexpected('stop'),
    start: unexpected('start'),
    down: unexpected('down'),
    autostop: unexpected('autostop'),
    jobsQueue: unexpected('jobsQueue'),
    users: unexpected('users'),
    apiStatus: unexpected('apiStatus'),
    ...overrides,
  } as SkyApi;
}

async function sky(argv: string[], client: Partial<SkyApi> = {}, env: Record<string, string> = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await run(argv, {
    stdout,
    stderr,
    env: { SKYPILOT_NOW: NOW, SKYPILOT_NO_AUTOSTART: '1', ...env },
    createClient: () => fakeClient(client),
  });
  return { code, stdout, stderr };
}

const notFound = (name: string) =>
  new ApiError({
    status: 500,
    type: 'ClusterDoesNotExist',
    code: 'request_failed',
    message: `Cluster '${name}' does not exist.`,
    requestId: 'r1',
  });

describe('error lines', () => {
  test('an API error: one stderr line, exit 1', async () => {
    const { code, stdout, stderr } = await sky(['stop', 'foo'], { stop: async () => Promise.reject(notFound('foo')) });
    expect(code).toBe(1);
    expect(stderr.lines).toEqual(["sky: error: Cluster 'foo' does not exist."]);
    expect(stdout.text).toBe('');
  });

  test("a demo refusal uses the server's message", async () => {
    const refusal = new ApiError({
      status: 403,
      type: 'DemoModeError',
      code: 'read_only',
      message: 'This is a read-only demo: stopping clusters is disabled.',
    });
    const { code, stderr } = await sky(['down', '-y', 'dev'], { down: async () => Promise.reject(refusal) });
    expect(code).toBe(1);
    expect(stderr.lines).toEqual(['sky: error: This is a read-only demo: stopping clusters is disabled.']);
  });

  test('an error from a read command: one line, exit 1, no stack', async () => {
    const { code, stderr } = await sky(['status'], {
      status: async () =>
        Promise.reject(
          new ApiError({
            status: 0,
            type: 'NetworkError',
            code: 'ECONNREFUSED',
            message: 'Could not reach the SkyPilot API server at http://127.0.0.1:46580: connect ECONNREFUSED',
          }),
        ),
    });
    expect(code).toBe(1);
    expect(stderr.lines).toEqual(['sky: error: Could not reach the SkyPilot API server at http://127.0.0.1:46580: connect ECONNREFUSED']);
  });

  test('an unexpected exception is still one line; SKY_DEBUG=1 adds the stack', async () => {
    const boom = { status: async () => Promise.reject(new Error('boom\nsecond line')) };
    const quiet = await sky(['status'], boom);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr.lines).toEqual(['sky: error: boom second line']);
    const loud = await sky(['status'], boom, { SKY_DEBUG: '1' });
    expect(loud.stderr.lines[0]).toBe('sky: error: boom second line');
    expect(loud.stderr.text).toContain('at ');
  });

  test.each([
    [['bogus'], /^sky: error: unknown command 'bogus'/],
    [['status', '--ip'], /^sky: error: --ip needs exactly one cluster name\.$/],
    [['status', '--nope'], /^sky: error: unknown option '--nope'$/],
    [['autostop', '-i', 'ten', 'c'], /^sky: error: option .* argument 'ten' is invalid/],
  ])('usage error %j: one line, exit 2', async (argv, pattern) => {
    const { code, stderr, stdout } = await sky(argv);
    expect(code).toBe(2);
    expect(stderr.lines).toHaveLength(1);
    expect(stderr.lines[0]).toMatch(pattern);
    expect(stdout.text).toBe('');
  });

  test('down without -y and without a terminal refuses (usage, exit 2)', async () => {
    const { code, stderr } = await sky(['down', 'dev'], { down: async () => undefined });
    expect(code).toBe(2);
    expect(stderr.lines).toEqual(['sky: error: Refusing to terminate without confirmation: pass -y to skip the prompt.']);
  });

  test('several clusters: one line per failure, exit 1, the others still run', async () => {
    const stopped: string[] = [];
    const { code, stdout, stderr } = await sky(['stop', 'a', 'missing', 'b'], {
      stop: async (name: string) => {
        if (name === 'missing') throw notFound(name);
        stopped.push(name);
      },
    });
    expect(code).toBe(1);
    expect(stopped).toEqual(['a', 'b']);
    expect(stdout.lines).toEqual(["Stopping cluster 'a'...done.", "Stopping cluster 'b'...done."]);
    expect(stderr.lines).toEqual(["sky: error: Cluster 'missing' does not exist."]);
  });
});

describe('commands', () => {
  const k8s = {
    name: 'lambda-k8s',
    cloud: 'Kubernetes',
    region: 'lambda-ctx',
    resources_str: '1x Kubernetes(4CPU--16GB)',
    status: 'UP',
    autostop: 30,
    to_down: false,
    launched_at: NOW_S - 7200,
    user_name: 'alice',
    workspace: 'default',
  } as StatusRecord;

  test('sky status prints the table (no colour when not a TTY)', async () => {
    let seen: unknown;
    const { code, stdout, stderr } = await sky(['status', 'lambda-k8s'], {
      status: async (options) => {
        seen = options;
        return [k8s];
      },
    });
    expect(code).toBe(0);
    expect(stderr.text).toBe('');
    expect(seen).toEqual({ clusterNames: ['lambda-k8s'], allUsers: true, refresh: undefined });
    expect(stdout.lines).toEqual([
      'Clusters',
      'NAME        INFRA                    RESOURCES                  STATUS  AUTOSTOP  LAUNCHED',
      'lambda-k8s  Kubernetes (lambda-ctx)  1x Kubernetes(4CPU--16GB)  UP      30m       2 hrs ago',
    ]);
  });

  test("sky status --mine asks for the caller's clusters only", async () => {
    let seen: { allUsers?: boolean } | undefined;
    const { code } = await sky(['status', '--mine'], {
      status: async (options) => {
        seen = options;
        return [];
      },
    });
    expect(code).toBe(0);
    expect(seen?.allUsers).toBe(false);
  });

  const mine = (seen: { value?: { allUsers?: boolean } }) => async (options: { allUsers?: boolean }) => {
    seen.value = options;
    return [{ ...k8s, head_ip: '10.0.0.5', cluster_hash: 'h-1' }];
  };

  test.each([
    [[], false],
    [['-u'], true],
    [['--all-users'], true],
    [['-a'], true],
  ])("sky status %j: all users %s (the caller's own by default, as upstream)", async (flags, allUsers) => {
    const seen: { value?: { allUsers?: boolean } } = {};
    const { code, stdout } = await sky(['status', ...flags], { status: mine(seen) });
    expect(code).toBe(0);
    expect(seen.value?.allUsers).toBe(allUsers);
    expect(stdout.lines[1].includes('USER')).toBe(allUsers);
  });

  test('sky status -v is --verbose (head IP and hash), not the version', async () => {
    const { code, stdout } = await sky(['status', '-v'], { status: mine({}) });
    expect(code).toBe(0);
    expect(stdout.lines[1]).toMatch(/HEAD_IP\s+HASH$/);
    expect(stdout.lines[2]).toMatch(/10\.0\.0\.5\s+h-1$/);
  });

  test('sky -v is still the version', async () => {
    const { code, stdout } = await sky(['-v']);
    expect(code).toBe(0);
    expect(stdout.text).toMatch(/^\d+\.\d+\.\d+/);
  });

  test('sky status --ip CLUSTER prints the head IP alone; --endpoints the ports', async () => {
    const ip = await sky(['status', '--ip', 'lambda-k8s'], { status: mine({}) });
    expect([ip.code, ip.stdout.lines]).toEqual([0, ['10.0.0.5']]);
    const ports = await sky(['status', '--endpoints', 'lambda-k8s'], {
      status: mine({}),
      endpoints: async () => ({ '8888': 'http://10.0.0.5:8888' }),
    });
    expect([ports.code, ports.stdout.lines]).toEqual([0, ['8888: http://10.0.0.5:8888']]);
  });

  test("sky queue with no cluster: each of your clusters; a stopped one gets upstream's two lines", async () => {
    const notUp = new ApiError({
      status: 500,
      type: 'ClusterNotUpError',
      code: 'request_failed',
      message: "Getting the job queue: skipped for cluster 'b' (status: STOPPED).",
      requestId: 'r2',
    });
    const asked: unknown[] = [];
    const { code, stdout, stderr } = await sky(['queue'], {
      status: async (options) => {
        asked.push(options);
        return [k8s, { ...k8s, name: 'b' }];
      },
      queue: async (cluster) => (cluster === 'b' ? Promise.reject(notUp) : []),
    });
    expect(code).toBe(1);
    expect(asked).toEqual([{ allUsers: false }]);
    expect(stdout.lines).toEqual(['Job queue of current user on cluster lambda-k8s', 'No jobs.']);
    expect(stderr.lines).toEqual([
      "sky: error: Failed to get the job queue for cluster 'b'. ClusterNotUpError: Getting the job queue: skipped for cluster 'b' (status: STOPPED).",
    ]);
  });

  test.each([
    [{ '3': 'SUCCEEDED' }, 0, ['Job 3: SUCCEEDED']],
    [{ '3': 'FAILED' }, 100, ['Job 3: FAILED']],
    [{ '3': 'RUNNING' }, 101, ['Job 3: RUNNING']],
    [{ '3': null }, 102, ['Job 3: None']],
  ])('sky logs --status: %j prints one line and exits %i, as upstream', async (answer, exit, lines) => {
    const asked: unknown[] = [];
    const { code, stdout } = await sky(['logs', 'c1', '3', '--status'], {
      jobStatus: async (...args) => {
        asked.push(args);
        return answer;
      },
    });
    expect([code, stdout.lines]).toEqual([exit, lines]);
    expect(asked).toEqual([['c1', [3]]]);
  });

  test('sky jobs logs --controller --no-follow 7 asks for the controller log and prints it raw', async () => {
    const asked: unknown[] = [];
    const { code, stdout } = await sky(['jobs', 'logs', '--controller', '--no-follow', '7'], {
      jobsLogs: (...args) => {
        asked.push(args);
        return (async function* () {
          yield 'controller: \x1b[32mRUNNING\x1b[0m\n';
        })();
      },
    });
    expect(code).toBe(0);
    expect(asked).toEqual([[7, { follow: false, controller: true, tail: 0 }]]);
    expect(stdout.text).toBe('controller: \x1b[32mRUNNING\x1b[0m\n');
  });

  test('sky status --json -a prints JSON', async () => {
    let seen: { allUsers?: boolean } | undefined;
    const { code, stdout } = await sky(['status', '--json', '-a'], {
      status: async (options) => {
        seen = options;
        return [k8s];
      },
    });
    expect(code).toBe(0);
    expect(seen?.allUsers).toBe(true);
    expect(JSON.parse(stdout.text)).toEqual([k8s]);
  });

  test('sky autostop -i 30 --down', async () => {
    const calls: unknown[] = [];
    const { code, stdout } = await sky(['autostop', '-i', '30', '--down', 'c1'], {
      autostop: async (...args: unknown[]) => {
        calls.push(args);
      },
    });
    expect(code).toBe(0);
    expect(calls).toEqual([['c1', 30, true]]);
    expect(stdout.lines).toEqual(["Scheduling autostop for cluster 'c1'...done."]);
  });

  test('sky logs streams chunks to stdout', async () => {
    let args: unknown[] = [];
    const { code, stdout } = await sky(['logs', 'c1', '2', '--no-follow'], {
      logs: (...a: unknown[]) => {
        args = a;
        return (async function* () {
          yield 'hello\n';
          yield 'world\n';
        })();
      },
    });
    expect(code).toBe(0);
    expect(args).toEqual(['c1', 2, { follow: false, tail: 0 }]);
    expect(stdout.text).toBe('hello\nworld\n');
  });

  test('sky jobs queue and sky users ls', async () => {
    const jobs = await sky(['jobs', 'queue'], {
      jobsQueue: async () => ({
        jobs: [
          {
            job_id: 1,
            job_name: 'train',
            resources: '4x[H200:8]',
            submitted_at: NOW_S - 3600,
            end_at: null,
            job_duration: 1800,
            recovery_count: 0,
            status: 'RUNNING',
          },
        ],
        total: 1,
        total_no_filter: 1,
        status_counts: { RUNNING: 1 },
      }),
    });
    expect(jobs.code).toBe(0);
    expect(jobs.stdout.lines).toEqual([
      'Managed jobs',
      'In progress tasks: 1 RUNNING',
      'ID  NAME   REQUESTED   SUBMITTED  TOT. DURATION  JOB DURATION  #RECOVERIES  STATUS',
      '1   train  4x[H200:8]  1 hr ago   1h             30m           0            RUNNING',
    ]);
    const users = await sky(['users', 'ls'], {
      users: async () => [{ id: 'abcd1234', name: 'alice', created_at: NOW_S - 86400, role: 'admin', user_type: 'basic' }],
    });
    expect(users.stdout.lines).toEqual(['NAME   ID        ROLE   CREATED', 'alice  abcd1234  admin  1 day ago']);
  });

  test('--help and --version exit 0', async () => {
    const help = await sky(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.text).toContain('Usage: sky');
    const version = await sky(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.text.trim()).toBe('1.0.0-dev0');
  });
});
