/**
 * The executor's waiting jobs take turns by client (src/requests/executor.ts): a burst from one
 * address waits behind itself, not in front of another address's requests; and waiting jobs start
 * one per turn of the event loop, so a queue of jobs that never wait for I/O cannot hold the loop
 * (every other connection) until the last one ends.
 */
import { DatabaseBusyError } from '../../src/db/databaseBusy';
import { RequestExecutor } from '../../src/requests/executor';
import { RequestStore } from '../../src/requests/requestStore';
import { newRequest } from '../helpers/newRequest';

const USER = { id: 'aaaa0001', name: 'a' };

async function setup(concurrency: number) {
  const store = await RequestStore.openSqlite(':memory:');
  const executor = new RequestExecutor(store, { shortConcurrency: concurrency });
  let n = 0;
  const submit = async (client: string, body: () => Promise<unknown>) => {
    const { record } = await store.create(newRequest({ requestId: `req-${client}-${n++}` }), () => 'x');
    executor.submit(record, USER, body, client);
  };
  const settled = async () => {
    while (store.liveCount() > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { store, submit, settled };
}

it.each([1, 4])("another client's jobs start between a burst's, not after it (pool of %i)", async (concurrency) => {
  const { store, submit, settled } = await setup(concurrency);
  const started: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const job = (label: string) => async () => {
    started.push(label);
    await gate;
    return null;
  };
  for (let i = 0; i < 40; i++) await submit('10.0.0.1', job(`a${i}`));
  for (let i = 0; i < 2; i++) await submit('10.0.0.2', job(`b${i}`));
  release();
  await settled();
  // The pool's first `concurrency` jobs were the burst's; then the two clients alternate.
  expect(started.slice(concurrency, concurrency + 4)).toEqual([`a${concurrency}`, 'b0', `a${concurrency + 1}`, 'b1']);
  expect(started).toHaveLength(42);
  await store.close();
});

it('a queue of jobs that never wait for I/O lets the event loop turn between them', async () => {
  const { store, submit, settled } = await setup(1);
  let ran = 0;
  let ranWhenTimerFired = -1;
  const quick = async () => {
    ran += 1;
    return null;
  };
  for (let i = 0; i < 200; i++) await submit('10.0.0.1', quick);
  // A timer is what every other connection waits behind: it fires long before the queue is through.
  setTimeout(() => {
    ranWhenTimerFired = ran;
  }, 0);
  await settled();
  expect(ran).toBe(200);
  expect(ranWhenTimerFired).toBeGreaterThanOrEqual(0);
  expect(ranWhenTimerFired).toBeLessThan(200);
  await store.close();
});

it('a request failed by a database too busy to take its change, with nothing of it committed, is retryable', async () => {
  const { store, submit, settled } = await setup(1);
  await submit('10.0.0.1', async () => {
    throw new DatabaseBusyError('state database', 1000);
  });
  await submit('10.0.0.1', async () => {
    throw new Error('something else');
  });
  await settled();
  const busy = await store.get('req-10.0.0.1-0');
  const other = await store.get('req-10.0.0.1-1');
  expect([busy?.status, busy?.error?.type, busy?.shouldRetry]).toEqual(['FAILED', 'DatabaseBusy', true]);
  expect([other?.status, other?.shouldRetry]).toEqual(['FAILED', false]);
  await store.close();
});
