/**
 * What both drivers share under `Db`: handlers of a channel registered on this process's own
 * emitter (PostgreSQL feeds it from LISTEN, SQLite from its own writes), and the liveness ping.
 */
import type { EventEmitter } from 'node:events';
import { type Kysely, sql } from 'kysely';

export function subscribeLocally(events: EventEmitter, channel: string, handler: (payload: string) => void): () => void {
  events.on(channel, handler);
  return () => {
    events.off(channel, handler);
  };
}

export function pingOf<S>(kysely: Kysely<S>): () => Promise<void> {
  return async () => {
    await sql`SELECT 1`.execute(kysely);
  };
}
