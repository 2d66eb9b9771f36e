/**
 * The decoder the contract test relies on (tests/helpers/officialDecode.py) rejects what the official
 * Python client rejects: each trap from the notes, as a payload that must fail, beside one that passes.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { toBase64Pickle } from '../../src/pickle/pickleWriter';
import { pickleErrorObject, pickleRequestError, PICKLED_NONE_BASE64 } from '../../src/pickle/skypilotPickles';

const DECODER = path.resolve(__dirname, '..', 'helpers', 'officialDecode.py');

function decode(items: object[]): { ok: boolean; error?: string; summary?: any }[] {
  const run = spawnSync('python3', [DECODER], { input: JSON.stringify(items), encoding: 'utf8', cwd: path.dirname(DECODER) });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

const payload = (over: Record<string, unknown>, httpStatus = 200) => ({
  kind: 'payload',
  http_status: httpStatus,
  payload: {
    request_id: 'r1',
    name: 'sky.default',
    entrypoint: PICKLED_NONE_BASE64,
    request_body: PICKLED_NONE_BASE64,
    status: 'SUCCEEDED',
    created_at: 1.5,
    user_id: 'u',
    return_value: 'null',
    error: 'null',
    pid: 1,
    schedule_type: 'short',
    ...over,
  },
});
const statusRow = (over: Record<string, unknown>) => ({
  name: 'c',
  launched_at: 1,
  status: 'UP',
  autostop: -1,
  to_down: false,
  cluster_hash: 'h',
  cluster_ever_up: true,
  status_updated_at: 1,
  user_hash: 'u',
  user_name: 'u',
  workspace: 'default',
  nodes: 1,
  ...over,
});
const failed = (object: string) => payload({ status: 'FAILED', error: JSON.stringify({ type: 'X', message: 'm', object }) }, 500);

const CASES: [what: string, item: object, ok: boolean, error?: RegExp][] = [
  ['a well-formed empty result', payload({}), true],
  ['entrypoint as plain text', payload({ entrypoint: 'sky status' }), false, /entrypoint does not unpickle/],
  ['a WAITING status (clients < 55)', payload({ status: 'WAITING' }), false, /status 'WAITING'/],
  ['FAILED answered with 200', payload({ status: 'FAILED' }), false, /FAILED answered with HTTP 200/],
  [
    'an error object without stacktrace',
    failed(toBase64Pickle({ type: 'ValueError', message: 'm', args: [], attributes: {} })),
    false,
    /five/,
  ],
  [
    'a ClusterNotUpError without cluster_status',
    failed(pickleErrorObject({ type: 'ClusterNotUpError', message: 'm' })),
    false,
    /fails in the client/,
  ],
  ['a ClusterNotUpError as we record it', failed(pickleRequestError({ type: 'ClusterNotUpError', message: 'm' })), true],
  [
    'status_updated_at with a fraction',
    payload({ name: 'sky.status', return_value: JSON.stringify([statusRow({ status_updated_at: 1.5 })]) }),
    false,
    /status_updated_at/,
  ],
  [
    'a status row with a dict handle where the key is unknown',
    payload({ name: 'sky.status', return_value: JSON.stringify([statusRow({ handle: { cluster_name: 'c', _version: 12 } })]) }),
    false,
    /unknown/,
  ],
  [
    'a status row whose status the client lacks',
    payload({ name: 'sky.status', return_value: JSON.stringify([statusRow({ status: 'TERMINATED' })]) }),
    false,
    /status 'TERMINATED'/,
  ],
  [
    'a queue row whose job_name is null',
    payload({
      name: 'sky.queue',
      return_value: JSON.stringify([
        {
          job_id: 1,
          job_name: null,
          username: 'u',
          user_hash: 'u',
          submitted_at: 1,
          resources: 'r',
          status: 'RUNNING',
          log_path: 'p',
          metadata: {},
        },
      ]),
    }),
    false,
    /job_name is None/,
  ],
  [
    'a managed job whose metadata is null',
    payload({
      name: 'sky.jobs.queue_v2',
      return_value: JSON.stringify({
        jobs: [{ job_id: 1, status: 'RUNNING', metadata: null }],
        total: 1,
        total_no_filter: 1,
        status_counts: {},
      }),
    }),
    false,
    /metadata is None/,
  ],
  [
    'node info with a key the 49 dataclass lacks (one added after it)',
    payload({
      name: 'sky.kubernetes_node_info',
      return_value: JSON.stringify({
        node_info_dict: { n: { name: 'n', accelerator_type: null, total: {}, free: {}, future_key: 4 } },
        hint: '',
      }),
    }),
    false,
    /unexpected keyword/,
  ],
  ['a logs result that is not an int', payload({ name: 'sky.logs', return_value: '"0"' }), false, /not an int/],
  [
    'an accelerator row of 9 fields',
    payload({
      name: 'sky.list_accelerators',
      return_value: JSON.stringify({ A100: [['AWS', 'p4d', 'A100', 8, 96, 40, 1152, 32.7, 11.4]] }),
    }),
    false,
    /missing 1 required/,
  ],
];

describe('officialDecode.py', () => {
  const results = decode(CASES.map(([, item]) => item));
  it.each(CASES.map((c, i) => [c[0], c, i] as const))('%s', (_what, [, , ok, error], i) => {
    expect(results[i].ok).toBe(ok);
    if (error) expect(results[i].error).toMatch(error);
  });
});
