/**
 * A state database left at a past schema version, filled by the caller: where a migration test
 * starts. The old schema has no type in the code any more, so the filling is untyped.
 */
import type { UntypedDb } from '../../src/db/createTable';
import { openStore } from '../../src/db/openStore';
import { STATE_MIGRATIONS, STATE_OWNERSHIP } from '../../src/state/stateMigrations';
import type { TestDatabase } from './testBackend';

export async function writeOldState(database: TestDatabase, beforeVersion: number, fill: (db: UntypedDb) => Promise<void>): Promise<void> {
  const old = await openStore<never>(database.target, {
    what: 'state database',
    ownership: STATE_OWNERSHIP,
    migrations: STATE_MIGRATIONS.filter((m) => m.version < beforeVersion),
    synchronous: 'FULL',
    postgres: { channel: 'skyts_test_unused' },
  });
  try {
    await fill(old.kysely as unknown as UntypedDb);
  } finally {
    await old.close();
  }
}
