/**
 * A request's async context follows it into the executor, also when it waits in a full pool's queue
 * and is started by another request's completion: the demo sandbox finds the visitor's session that
 * way, so a queued job running in its predecessor's context would read and write another visitor's
 * session.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { RequestExecutor } from '../../src/requests/executor';
import { RequestStore } from '../../src/requests/requestStore';
import { newRequest } from '../helpers/newRequest';

const USER = { id: 'aaaa0001', name: 'a' };

it.each([1, 2])("each queued job runs in its submitter's context (pool of %i)", async (concurrency) => {
  const store = await RequestStore.openSqlite(':memory:');
  const executor = new RequestExecutor(store, { shortConcurrency: concurrency });
  const context = new AsyncLocalStorage<string>();
  const seen = new Map<string, string | undefined>();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const labels = ['first', 'second', 'third', 'fourth'];
  for (const label of labels) {
    const { record } = await store.create(newRequest({ requestId: `req-${label}` }), () => 'x');
    context.run(label, () =>
      executor.submit(record, USER, async () => {
        await gate;
        seen.set(label, context.getStore());
        return null;
      }),
    );
  }
  release();
  while (store.liveCount() > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(labels.map((l) => [l, l])));
  await store.close();
});
