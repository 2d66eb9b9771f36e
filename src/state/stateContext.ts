/**
 * What a state family is built from: reads and write transactions on the store it uses. Families
 * never import the seam they are assembled into (src/state/globalUserState.ts), so there is no import
 * cycle and no family can see a half-built seam.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../db/database';
import { currentJoint } from './oneTransaction';
import { recordingEffect } from './requestEffects';
import type { StateSchema } from './stateSchema';

export interface StateContext {
  /** The store to query; opened on first use when nothing opened it before. */
  read(): Promise<Kysely<StateSchema>>;
  /** Runs `work` in a write transaction that excludes other writers (see `Db.writeTransaction`). */
  write<T>(work: (trx: Transaction<StateSchema>) => Promise<T>): Promise<T>;
}

/** The context of the store `open` resolves to, asked for on every call (it may be reopened). */
export function stateContextOf(open: () => Promise<Db<StateSchema>>): StateContext {
  return {
    read: async () => (await open()).kysely,
    // A durable request's change carries its record (requestEffects.ts); the scope is read now, at the call.
    write: (work) => {
      // Inside `inOneTransaction`: joins the scope's transaction, which records the request once, at its end.
      const joint = currentJoint();
      if (joint) return joint.run(work, (body) => open().then((db) => db.writeTransaction(recordingEffect(body))));
      const recorded = recordingEffect(work);
      return open().then((db) => db.writeTransaction(recorded));
    },
  };
}
