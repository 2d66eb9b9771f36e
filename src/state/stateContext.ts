/**
 * What a state family is built from: the store it reads and writes. Families never import the seam
 * they are assembled into (src/state/globalUserState.ts), so there is no import cycle and no family
 * can see a half-built seam.
 */
import type { Db } from '../db/database';
import type { StateSchema } from './stateSchema';

export interface StateContext {
  /** The open state store; opened on first use when nothing opened it before. */
  db(): Promise<Db<StateSchema>>;
}
