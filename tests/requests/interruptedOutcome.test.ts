/**
 * A request interrupted before its outcome was recorded is settled as what it did, from the record
 * the state keeps with each change (src/state/requestEffects.ts): SUCCEEDED when its change
 * committed, FAILED and retryable when nothing of it happened; a request given up by a draining
 * server commits nothing afterwards. On SQLite (two files) and PostgreSQL (one database).
 */
import { recordingEffects } from '../../src/db/effectScope';
import { RequestExecutor } from '../../src/requests/executor';
import { RequestJanitor } from '../../src/requests/requestJanitor';
import { RequestStore } from '../../src/requests/requestStore';
import { RECOVERED_MSG } from '../../src/requests/requestsTable';
import { globalUserState } from '../../src/state/globalUserState';
import { requestEffects } from '../../src/state/requestEffects';
import { newRequest } from '../helpers/newRequest';
import { useTempStateDb } from '../helpers/tempState';

const state = useTempStateDb();
const USER = { id: 'aaaa0001', name: 'a' };

async function openStore(replicaId: string): Promise<RequestStore> {
  const uri = state.database?.uri;
  const store = uri
    ? await RequestStore.open({ target: { kind: 'postgres', uri }, replicaId })
    : await RequestStore.openSqlite(`${state.dir}/requests.db`, { replicaId });
  store.effects = requestEffects;
  return store;
}

const hasWorkspace = async (name: string) => Object.hasOwn(await globalUserState.getWorkspaces(), name);

describe('settling interrupted writes', () => {
  it('a drain that gives up: SUCCEEDED if the change committed, else FAILED retryable, and no change after', async () => {
    const store = await openStore('draining');
    const executor = new RequestExecutor(store);
    let releaseLate!: () => void;
    const late = new Promise<void>((resolve) => {
      releaseLate = resolve;
    });
    let lateWrite: Promise<unknown> = Promise.resolve();
    try {
      const { record: committed } = await store.create(newRequest({ name: 'sky.workspaces.create', durable: true }), () => 'x');
      const { record: notYet } = await store.create(newRequest({ name: 'sky.workspaces.create', durable: true }), () => 'y');
      let wrote!: () => void;
      const written = new Promise<void>((resolve) => {
        wrote = resolve;
      });
      executor.submit(committed, USER, (run) =>
        recordingEffects({ requestId: committed.requestId, signal: run.signal }, async () => {
          await globalUserState.setWorkspace('drain-committed', {});
          wrote();
          await new Promise(() => {}); // never finishes on its own
        }),
      );
      executor.submit(notYet, USER, (run) =>
        recordingEffects({ requestId: notYet.requestId, signal: run.signal }, async () => {
          await late;
          lateWrite = globalUserState.setWorkspace('drain-late', {}).then(
            () => 'committed',
            (error: Error) => error.name,
          );
          await lateWrite;
        }),
      );
      await written;
      await executor.drain(50);
      expect(await store.get(committed.requestId)).toMatchObject({ status: 'SUCCEEDED', statusMsg: RECOVERED_MSG, error: null });
      expect(await store.get(notYet.requestId)).toMatchObject({ status: 'FAILED', shouldRetry: true, error: { type: 'ServerRestarted' } });
      // The given-up request reaches its write only now: it must not commit.
      releaseLate();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await lateWrite).toBe('RequestCancelled');
      expect([await hasWorkspace('drain-committed'), await hasWorkspace('drain-late')]).toEqual([true, false]);
    } finally {
      releaseLate();
      await store.close();
    }
  });

  it('a restart settles its leftovers: the one whose change committed SUCCEEDED, the other FAILED retryable', async () => {
    const before = await openStore('restarting');
    const { record: applied } = await before.create(newRequest({ name: 'sky.workspaces.create', durable: true }), () => 'x');
    const { record: untouched } = await before.create(newRequest({ name: 'sky.workspaces.create', durable: true }), () => 'y');
    await before.setRunning(applied);
    await before.setRunning(untouched);
    // The change committed with its record, then the process "died" before recording the outcome.
    await recordingEffects({ requestId: applied.requestId, signal: new AbortController().signal }, () =>
      globalUserState.setWorkspace('restart-applied', {}),
    );
    await before.close();
    const after = await openStore('restarting');
    const janitor = new RequestJanitor(after, { durableRetentionSeconds: 3600, readRetentionSeconds: 60, maxDbBytes: 1e9 });
    try {
      expect(await janitor.start()).toBe(2);
      expect(await after.table.get(applied.requestId)).toMatchObject({ status: 'SUCCEEDED', statusMsg: RECOVERED_MSG });
      expect(await after.table.get(untouched.requestId)).toMatchObject({
        status: 'FAILED',
        shouldRetry: true,
        error: { type: 'ServerRestarted' },
      });
    } finally {
      await janitor.stop();
      await after.close();
    }
  });
});
