/**
 * An open store: a kysely instance over SQLite or PostgreSQL with what the state and request layers
 * need beyond queries: write transactions that serialize writers, a change counter that tells a cache
 * whether anyone (this process or another) may have written since, and close.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DbKind } from './dbTarget';

export interface Db<S> {
  readonly kind: DbKind;
  /** For messages: "state database /home/me/.sky/state.db". */
  readonly label: string;
  readonly kysely: Kysely<S>;
  /**
   * Runs `fn` in a transaction that excludes other writers (SQLite: BEGIN IMMEDIATE; PostgreSQL: a
   * transaction-scoped advisory lock unless the store opted out), so read-modify-write sequences are
   * safe across replicas. Every write goes through here: a lock held elsewhere is waited for without
   * holding up anyone (see databaseBusy.ts), and changeCounter moves.
   */
  writeTransaction<T>(fn: (trx: Transaction<S>) => Promise<T>): Promise<T>;
  /**
   * A write that needs no transaction of its own (one statement, or a batch that may commit apart):
   * on SQLite the same retried write transaction; on PostgreSQL a plain autocommit statement, with
   * lock waits bounded by `lock_timeout`.
   */
  write<T>(fn: (db: Kysely<S>) => Promise<T>): Promise<T>;
  /** Changes whenever data may have changed, here or in another process. Cheap: called per request. */
  changeCounter(): number;
  /**
   * Messages between processes sharing the store (PostgreSQL NOTIFY/LISTEN). SQLite delivers them
   * within this process only; `crossProcessEvents` says which, so callers know when to poll.
   */
  publish(channel: string, payload: string): Promise<void>;
  subscribe(channel: string, handler: (payload: string) => void): () => void;
  readonly crossProcessEvents: boolean;
  /** Cheap liveness query, for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
