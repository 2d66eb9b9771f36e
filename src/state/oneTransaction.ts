/**
 * Several state writes that commit together or not at all: an operation whose change takes two seam
 * calls (`/down`: the cluster, then its jobs; `/users/create`: the user, then its role) runs them in
 * `inOneTransaction`, so a crash between them cannot leave half a change, and the request's record
 * (requestEffects.ts) is written once, with the whole change. After a crash the request is then
 * SUCCEEDED with everything done, or FAILED retryable with nothing done, and its retry works.
 *
 * The transaction is opened by the first write the store sees inside the scope and held open until the
 * scope's function returns (committed) or throws (rolled back); every later write of the scope runs
 * in it. A seam without a store (the demo's and the sessions' fakes) never writes through it, so the
 * scope costs them nothing. Reads inside the scope see the state as it was before the scope (they do
 * not go through the transaction): write first, read after.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Transaction } from 'kysely';
import type { StateSchema } from './stateSchema';

type Work<T> = (trx: Transaction<StateSchema>) => Promise<T>;
type Begin = (body: Work<void>) => Promise<void>;

class Joint {
  private trx: Promise<Transaction<StateSchema>> | null = null;
  private committed: Promise<void> | null = null;
  private end: ((error: unknown) => void) | null = null;

  /** `work` inside the scope's transaction, opened by `begin` on the first call. */
  run<T>(work: Work<T>, begin: Begin): Promise<T> {
    if (!this.trx) {
      let opened!: (trx: Transaction<StateSchema>) => void;
      const trx = new Promise<Transaction<StateSchema>>((resolve) => {
        opened = resolve;
      });
      const ended = new Promise<unknown>((resolve) => {
        this.end = resolve;
      });
      this.committed = begin(async (t) => {
        opened(t);
        const error = await ended;
        if (error !== undefined) throw error;
      });
      // A transaction that never opened (the store busy past its wait) fails the write that asked.
      this.trx = Promise.race([trx, this.committed.then(() => trx)]);
    }
    return this.trx.then(work);
  }

  /** Commits (no error) or rolls back what the scope wrote; resolves once the store has. */
  async settle(error: unknown): Promise<void> {
    if (!this.committed) return;
    this.end?.(error);
    await this.committed;
  }
}

const joints = new AsyncLocalStorage<Joint>();

/** The open scope's joint transaction, for the state context's writes (stateContext.ts). */
export function currentJoint(): Pick<Joint, 'run'> | undefined {
  return joints.getStore();
}

/** Runs `fn`; the state writes it makes commit together when it returns, or none when it throws. */
export async function inOneTransaction<T>(fn: () => Promise<T>): Promise<T> {
  if (joints.getStore()) return fn(); // already inside one: its writes join the outer
  const joint = new Joint();
  let value: T;
  try {
    value = await joints.run(joint, fn);
  } catch (error) {
    await joint.settle(error ?? new Error('inOneTransaction: rolled back')).catch(() => {});
    throw error;
  }
  await joint.settle(undefined);
  return value;
}
