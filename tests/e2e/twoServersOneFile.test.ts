/**
 * Two server processes on one SQLite file: a second server that cannot bind (the port is taken)
 * exits with one line and touches nothing of the first's; a second server on another port answers
 * `/api/get` for the first's write as soon as it finished, not after the 60 s wait; and a restart
 * fails only what the restarted server itself left unfinished.
 */
import path from 'node:path';
import { RequestStore } from '../../src/requests/requestStore';
import { globalUserState } from '../../src/state/globalUserState';
import { seedCluster } from '../helpers/fixtures';
import { roundTripAcross, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { makeTempDir, removeDir } from '../helpers/tempState';
import { newRequest } from '../helpers/newRequest';

let dir: string;
let first: ServerProcess;
const files = () => ['--db-path', path.join(dir, 'state.db'), '--requests-db', path.join(dir, 'requests.db')];

beforeAll(async () => {
  dir = makeTempDir('skyts-two-servers-');
  await globalUserState.init({ dbPath: path.join(dir, 'state.db') });
  await seedCluster('shared-1');
  await globalUserState.close();
  first = await startServerProcess(['--port', '0', ...files()], { HOME: dir, SKYPILOT_REPLICA_ID: 'first' });
});
afterAll(async () => {
  await first?.stop();
  removeDir(dir);
});

async function pendingRow(replicaId: string, requestId: string): Promise<void> {
  const store = await RequestStore.openSqlite(path.join(dir, 'requests.db'), { replicaId });
  try {
    await store.create(newRequest({ requestId, name: 'sky.stop', durable: true }), () => 'unused');
  } finally {
    await store.close();
  }
}

async function statusOf(requestId: string): Promise<string | undefined> {
  const store = await RequestStore.openSqlite(path.join(dir, 'requests.db'));
  try {
    return (await store.table.get(requestId))?.status;
  } finally {
    await store.close();
  }
}

describe('two servers on one SQLite file', () => {
  it("a second server on a taken port exits with one line and fails none of the first's requests", async () => {
    await pendingRow('first', 'first-inflight-0001');
    const second = startServerProcess(['--port', String(first.port), ...files()], { HOME: dir, SKYPILOT_REPLICA_ID: 'first' });
    await expect(second).rejects.toThrow(/port \d+ on 127\.0\.0\.1 is already in use/);
    expect(await statusOf('first-inflight-0001')).toBe('PENDING');
  });

  it("another server on the same files answers /api/get for the first's write at once", async () => {
    const other = await startServerProcess(['--port', '0', ...files()], { HOME: dir, SKYPILOT_REPLICA_ID: 'other' });
    try {
      const started = performance.now();
      const result = await roundTripAcross(first.url, other.url, '/workspaces/create', { workspace_name: 'across', config: {} });
      expect(result.body.status).toBe('SUCCEEDED');
      expect(performance.now() - started).toBeLessThan(2000);
      expect(await statusOf('first-inflight-0001')).toBe('PENDING');
    } finally {
      await other.stop();
    }
  });

  it('a restarted server fails only its own leftovers', async () => {
    await pendingRow('someone-else', 'other-inflight-0002');
    await first.stop();
    first = await startServerProcess(['--port', '0', ...files()], { HOME: dir, SKYPILOT_REPLICA_ID: 'first' });
    expect(first.output()).toMatch(/marked 1 interrupted request\(s\) as FAILED/);
    expect(await statusOf('first-inflight-0001')).toBe('FAILED');
    expect(await statusOf('other-inflight-0002')).toBe('PENDING');
  });
});
