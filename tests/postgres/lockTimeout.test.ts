/**
 * A PostgreSQL lock held elsewhere past `lock_timeout` is the same typed, retryable 503 as a busy
 * SQLite file (tests/attacks/lockedDatabase.test.ts): `DatabaseBusy`, code `database_busy`,
 * `Retry-After`, for a read as for a write, answered directly or as a FAILED request. Before, a
 * statement outside `Db.write` (any read) surfaced PostgreSQL's own error: an untyped 500 `error`.
 */
import pg from 'pg';
import request from 'supertest';
import { fetchResult, schedule, useApiHarness } from '../helpers/api';

const h = useApiHarness();

/** Another session holding `table` in `mode` until released. */
async function lockTable(table: string, mode: string): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: h.state.database!.uri! });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${table} IN ${mode} MODE`);
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}

function expectBusy(res: request.Response): void {
  expect({ status: res.status, retryAfter: res.headers['retry-after'], error: res.body.error }).toEqual({
    status: 503,
    retryAfter: '1',
    error: expect.objectContaining({ type: 'DatabaseBusy', code: 'database_busy' }),
  });
}

describe('PostgreSQL lock_timeout', () => {
  const direct: { what: string; table: string; mode: string; send: () => request.Test }[] = [
    {
      what: 'a direct write (/users/create) on a locked state table',
      table: 'users',
      mode: 'EXCLUSIVE',
      send: () => request(h.app).post('/users/create').send({ username: 'locked-out' }),
    },
    {
      what: 'a read of the requests table (/api/get) while it is locked',
      table: 'requests',
      mode: 'ACCESS EXCLUSIVE',
      send: () => request(h.app).get('/api/get').query({ request_id: 'aaaaaaaa-0000-4000-8000-000000000000' }),
    },
    {
      what: 'a durable request refused at the door (/stop) while the requests table is locked',
      table: 'requests',
      mode: 'EXCLUSIVE',
      send: () => request(h.app).post('/stop').send({ cluster_name: 'any' }),
    },
  ];

  it.each(direct)('$what: 503 DatabaseBusy with Retry-After', async ({ table, mode, send }) => {
    const release = await lockTable(table, mode);
    try {
      expectBusy(await send());
    } finally {
      await release();
    }
  });

  it('a scheduled request that meets the lock FAILED with the typed DatabaseBusy', async () => {
    const release = await lockTable('config', 'ACCESS EXCLUSIVE');
    try {
      const id = await schedule(h.app, '/workspaces/create', { body: { workspace_name: 'locked-ws', config: {} } });
      const result = await fetchResult(h.app, id);
      expect({ status: result.payload.status, error: result.error?.type }).toEqual({ status: 'FAILED', error: 'DatabaseBusy' });
    } finally {
      await release();
    }
  });
});
