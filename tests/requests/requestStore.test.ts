/**
 * The request store's bounds and lifetimes, on SQLite and (in the postgres project) PostgreSQL:
 * the memory tier's count and byte limits, read retention, durable writes, the database's size bound,
 * the log cap, and replica leases (a replica fails only its own leftovers; a crashed replica's
 * requests are failed by another once its lease runs out).
 */
import { sql } from 'kysely';
import sinon from 'sinon';
import { Metrics } from '../../src/observability/metrics';
import { RequestJanitor } from '../../src/requests/requestJanitor';
import type { RequestRecord, Viewer } from '../../src/requests/requestRecord';
import { MAX_LOG_BYTES, type NewRequest, RequestStore } from '../../src/requests/requestStore';
import { newRequest } from '../helpers/newRequest';
import { createTestDatabase, type TestDatabase, testBackend } from '../helpers/testBackend';
import { makeTempDir, removeDir } from '../helpers/tempState';

const ADMIN: Viewer = { principal: 'local', admin: true };
let dir: string;
let database: TestDatabase;

beforeAll(async () => {
  dir = makeTempDir('skyts-requests-');
  database = await createTestDatabase(dir, 'requests.db');
});
afterAll(async () => {
  await database.drop();
  removeDir(dir);
});

const open = (options: Parameters<typeof RequestStore.open>[0] extends infer O ? Partial<O> : never = {}) =>
  RequestStore.open({ target: database.target, ...options });

let seq = 0;
async function finished(store: RequestStore, overrides: Partial<NewRequest> = {}, value = 'null') {
  const { record } = await store.create(newRequest(overrides), () => `fresh-${++seq}`);
  await store.finish(record, 'SUCCEEDED', value, null);
  return record;
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('memory tier', () => {
  it('holds at most maxEntries finished results in memory, spilling the oldest unfetched; live ones stay', async () => {
    const store = await open({ memory: { maxEntries: 5 }, persistReads: false });
    try {
      const live = (await store.create(newRequest(), () => 'x')).record;
      const done: RequestRecord[] = [];
      for (let i = 0; i < 8; i++) done.push(await finished(store));
      await until(() => done.slice(0, 3).every((r) => r.spillFile !== undefined));
      expect(done.slice(3).every((r) => r.spillFile === undefined)).toBe(true);
      expect(await store.get(live.requestId)).not.toBeNull();
      // Spilled, not lost: nobody has fetched it yet.
      expect(String(await store.quotedResult((await store.get(done[0].requestId))!))).toBe('"null"');
      expect(await store.get(done[7].requestId)).not.toBeNull();
    } finally {
      await store.close();
    }
  });

  it('counts only finished requests against the bounds: live ones past them evict no result', async () => {
    const store = await open({ memory: { maxEntries: 3, maxBytes: 10_000 }, persistReads: false });
    try {
      // More live requests, with more bytes of bodies, than the bounds allow finished ones.
      for (let i = 0; i < 5; i++) await store.create(newRequest({ body: { pad: 'x'.repeat(5_000) } }), () => `live-${i}`);
      const result = await finished(store);
      expect(await store.get(result.requestId)).not.toBeNull();
      expect(store.memory.size).toBe(6);
    } finally {
      await store.close();
    }
  });

  it('past the bound, drops results already handed out before older ones nobody has fetched', async () => {
    const store = await open({ memory: { maxEntries: 4, fetchedGraceMs: 60_000 }, persistReads: false });
    try {
      const waiting = await finished(store);
      const handedOut = [];
      for (let i = 0; i < 3; i++) {
        handedOut.push(await finished(store));
        store.markFetched(handedOut[i].requestId);
      }
      const newest = await finished(store);
      expect(store.memory.size).toBe(4);
      expect(await store.get(waiting.requestId)).not.toBeNull();
      expect(await store.get(newest.requestId)).not.toBeNull();
      expect(store.memory.get(handedOut[0].requestId)).toBeUndefined();
      expect(store.memory.get(handedOut[2].requestId)).toBeDefined();
    } finally {
      await store.close();
    }
  });

  it('keeps at most maxBytes of results in memory', async () => {
    const store = await open({ memory: { maxBytes: 200_000 }, persistReads: false });
    try {
      for (let i = 0; i < 20; i++) await finished(store, {}, JSON.stringify('x'.repeat(50_000)));
      await until(() => store.memory.totalBytes <= 200_000);
    } finally {
      await store.close();
    }
  });

  it('forgets a finished read after the read retention', async () => {
    const store = await open({ memory: { readRetentionMs: 30 }, persistReads: false });
    try {
      const read = await finished(store);
      expect(await store.get(read.requestId)).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await store.get(read.requestId)).toBeNull();
    } finally {
      await store.close();
    }
  });
  it('keeps a fetched result only for the grace after its fetch, and an unfetched one for the retention', async () => {
    const store = await open({ memory: { readRetentionMs: 60_000, fetchedGraceMs: 30 }, persistReads: false });
    try {
      const fetched = await finished(store);
      const unfetched = await finished(store);
      store.markFetched(fetched.requestId);
      expect(await store.get(fetched.requestId)).not.toBeNull(); // asked again at once: still there
      await new Promise((resolve) => setTimeout(resolve, 50));
      store.memory.evict();
      expect(store.memory.get(fetched.requestId)).toBeUndefined();
      expect(await store.get(unfetched.requestId)).not.toBeNull();
    } finally {
      await store.close();
    }
  });

  it('keeps a delivered stream for its own grace, and a fetch after it for the fetch grace', async () => {
    const store = await open({ memory: { readRetentionMs: 60_000, fetchedGraceMs: 30, streamedGraceMs: 2_000 }, persistReads: false });
    // The graces are read off the clock: a clock moved by hand, to the millisecond, where waiting
    // out two seconds with wide margins for a loaded machine made the test slow and still inexact.
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    try {
      const streamed = await finished(store);
      const fetchedAfter = await finished(store);
      const unfetched = await finished(store);
      store.markStreamed(streamed.requestId);
      store.markStreamed(fetchedAfter.requestId);
      store.markFetched(fetchedAfter.requestId); // the CLI's /api/get of the exit code
      clock.tick(30);
      store.memory.evict();
      expect(store.memory.get(fetchedAfter.requestId)).toBeUndefined();
      expect(store.memory.get(streamed.requestId)).toBeDefined();
      clock.tick(2_000 - 30 - 1);
      store.memory.evict();
      expect(store.memory.get(streamed.requestId)).toBeDefined();
      clock.tick(1);
      store.memory.evict();
      expect(store.memory.get(streamed.requestId)).toBeUndefined();
      expect(await store.get(unfetched.requestId)).not.toBeNull();
    } finally {
      clock.restore();
      await store.close();
    }
  });

  it('never shortens the life of a live request by a fetch', async () => {
    const store = await open({ memory: { fetchedGraceMs: 1 }, persistReads: false });
    try {
      const { record } = await store.create(newRequest(), () => 'x');
      store.markFetched(record.requestId);
      await new Promise((resolve) => setTimeout(resolve, 10));
      store.memory.evict();
      expect(await store.get(record.requestId)).not.toBeNull();
    } finally {
      await store.close();
    }
  });
});

describe('durable requests', () => {
  it('a write is in the database from creation, with its body, and survives a new store', async () => {
    const first = await open();
    const { record } = await first.create(newRequest({ name: 'sky.stop', body: { cluster_name: 'c1' }, durable: true }), () => 'x');
    const stored = await first.table.get(record.requestId);
    expect(stored).toMatchObject({ status: 'PENDING', body: '{"cluster_name":"c1"}', owner: 'local', durable: true });
    await first.finish(record, 'SUCCEEDED', '"done"', null);
    await first.close();
    const second = await open();
    try {
      expect(await second.get(record.requestId)).toMatchObject({ status: 'SUCCEEDED', returnValue: '"done"' });
    } finally {
      await second.close();
    }
  });

  it('a read is not stored on a single server, and stored without its body, from acceptance, when replicas share the store', async () => {
    const single = await open({ persistReads: false });
    const shared = await open({ persistReads: true });
    try {
      const a = await finished(single, { body: { secret: 'not kept' } });
      expect(await single.table.get(a.requestId)).toBeNull();
      const b = await finished(shared, { body: { secret: 'not kept' } });
      // Stored when accepted (a replica dying now leaves it to the others to fail, never a 404);
      // its outcome follows in the batch of finished reads.
      expect(await shared.table.get(b.requestId)).toMatchObject({ body: '{}', status: 'PENDING', durable: false });
      await shared.flushReads();
      expect(await shared.table.get(b.requestId)).toMatchObject({ body: '{}', status: 'SUCCEEDED', durable: false });
    } finally {
      await single.close();
      await shared.close();
    }
  });

  it("caps one request's log and says so", async () => {
    const store = await open();
    try {
      const { record } = await store.create(newRequest({ durable: true }), () => 'x');
      const line = 'y'.repeat(64 * 1024);
      for (let i = 0; i < 20; i++) store.appendLog(record, line);
      expect(record.log.length).toBeLessThan(MAX_LOG_BYTES + 100);
      expect(record.log.endsWith('(log truncated: over 1 MiB)\n')).toBe(true);
      await store.finish(record, 'SUCCEEDED', 'null', null);
      expect((await store.table.get(record.requestId))!.log.length).toBe(record.log.length);
    } finally {
      await store.close();
    }
  });
});

describe('janitor', () => {
  it('prunes past retention, and past the size bound deletes the oldest finished requests, reads first', async () => {
    const store = await open({ persistReads: true });
    try {
      const oldWrite = await finished(store, { durable: true }, JSON.stringify('w'.repeat(20_000)));
      const reads = [];
      for (let i = 0; i < 30; i++) reads.push(await finished(store, {}, JSON.stringify('r'.repeat(20_000))));
      await store.flushReads();
      const janitor = new RequestJanitor(store, {
        durableRetentionSeconds: 3600,
        readRetentionSeconds: 3600,
        maxDbBytes: Number.MAX_SAFE_INTEGER,
      });
      await janitor.pass();
      expect(await store.table.get(reads[0].requestId)).not.toBeNull();
      const size = await store.table.sizeBytes();
      const bounded = new RequestJanitor(store, {
        durableRetentionSeconds: 3600,
        readRetentionSeconds: 3600,
        maxDbBytes: Math.floor(size / 2),
      });
      await bounded.pass();
      expect(await store.table.sizeBytes()).toBeLessThanOrEqual(Math.floor(size / 2) + 256 * 1024);
      expect(await store.table.get(reads[0].requestId)).toBeNull();
      const expiring = new RequestJanitor(store, {
        durableRetentionSeconds: -1,
        readRetentionSeconds: -1,
        maxDbBytes: Number.MAX_SAFE_INTEGER,
      });
      await expiring.pass();
      expect(await store.table.get(oldWrite.requestId)).toBeNull();
      expect((await store.table.list({ viewer: ADMIN, allStatus: true, limit: 1000 })).map((r) => r.requestId)).not.toContain(
        oldWrite.requestId,
      );
    } finally {
      await store.close();
    }
  });
});

describe('replica leases', () => {
  it('on start a replica fails only its own unfinished requests', async () => {
    const a = await open({ replicaId: 'replica-a' });
    const b = await open({ replicaId: 'replica-b' });
    const ja = new RequestJanitor(a, { durableRetentionSeconds: 3600, readRetentionSeconds: 600, maxDbBytes: 1e12, intervalMs: 60_000 });
    const jb = new RequestJanitor(b, { durableRetentionSeconds: 3600, readRetentionSeconds: 600, maxDbBytes: 1e12, intervalMs: 60_000 });
    try {
      await ja.start();
      await jb.start();
      const ofA = (await a.create(newRequest({ durable: true }), () => 'x')).record;
      const ofB = (await b.create(newRequest({ durable: true }), () => 'x')).record;
      // replica-a restarts: a new process with the same replica id.
      await ja.stop();
      await a.close();
      const a2 = await open({ replicaId: 'replica-a' });
      const ja2 = new RequestJanitor(a2, {
        durableRetentionSeconds: 3600,
        readRetentionSeconds: 600,
        maxDbBytes: 1e12,
        intervalMs: 60_000,
      });
      try {
        expect(await ja2.start()).toBe(1);
        expect(await a2.table.get(ofA.requestId)).toMatchObject({ status: 'FAILED', error: { type: 'ServerRestarted' } });
        expect(await a2.table.get(ofB.requestId)).toMatchObject({ status: 'PENDING' });
      } finally {
        await ja2.stop();
        await a2.close();
      }
    } finally {
      await jb.stop();
      await b.close();
    }
  });

  it("a crashed replica's requests are failed by another once its lease runs out", async () => {
    const crashed = await open({ replicaId: 'replica-crashed' });
    const survivor = await open({ replicaId: 'replica-survivor' });
    const lease = 1;
    const jc = new RequestJanitor(crashed, {
      durableRetentionSeconds: 3600,
      readRetentionSeconds: 600,
      maxDbBytes: 1e12,
      leaseSeconds: lease,
      intervalMs: 60_000,
    });
    const js = new RequestJanitor(survivor, {
      durableRetentionSeconds: 3600,
      readRetentionSeconds: 600,
      maxDbBytes: 1e12,
      leaseSeconds: lease,
      intervalMs: 60_000,
    });
    try {
      await jc.start();
      await js.start();
      const orphan = (await crashed.create(newRequest({ durable: true }), () => 'x')).record;
      await js.pass();
      expect(await survivor.table.get(orphan.requestId)).toMatchObject({ status: 'PENDING' });
      // The crashed replica stops heartbeating (no stop(): its lease row stays behind).
      await new Promise((resolve) => setTimeout(resolve, (lease + 0.5) * 1000));
      await js.pass();
      expect(await survivor.table.get(orphan.requestId)).toMatchObject({ status: 'FAILED', error: { type: 'ServerRestarted' } });
    } finally {
      await js.stop();
      await crashed.close();
      await survivor.close();
    }
  });
});

describe('lease clock', () => {
  const hour = 3600_000;
  /** Runs `fn` as on a host whose clock is `skewMs` off. */
  async function skewed<T>(skewMs: number, fn: () => Promise<T>): Promise<T> {
    const real = Date.now.bind(Date);
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => real() + skewMs);
    try {
      return await fn();
    } finally {
      spy.mockRestore();
    }
  }

  it(
    testBackend() === 'postgres'
      ? "leases are judged by the database's clock: replicas whose clocks disagree by an hour do not fail each other's requests"
      : 'leases are judged by the host clock, the one clock replicas sharing an SQLite file have',
    async () => {
      const slow = await open({ replicaId: 'replica-clock-behind' });
      const fast = await open({ replicaId: 'replica-clock-ahead' });
      const janitor = (store: RequestStore) =>
        new RequestJanitor(store, {
          durableRetentionSeconds: 3600,
          readRetentionSeconds: 600,
          maxDbBytes: 1e12,
          leaseSeconds: 5,
          intervalMs: 60_000,
        });
      const [js, jf] = [janitor(slow), janitor(fast)];
      try {
        const started = Date.now() / 1000;
        if (testBackend() === 'postgres') {
          // The replica whose clock runs an hour behind heartbeats; the one an hour ahead judges.
          await skewed(-hour, () => js.start());
          await jf.start();
          const live = (await slow.create(newRequest({ durable: true }), () => 'x')).record;
          await skewed(+hour, () => jf.pass());
          expect(await fast.table.get(live.requestId)).toMatchObject({ status: 'PENDING' });
          const [row] = await slow.db.kysely.selectFrom('replicas').selectAll().where('replica_id', '=', 'replica-clock-behind').execute();
          expect(Math.abs(row.heartbeat_at - started)).toBeLessThan(60);
        } else {
          await js.start();
          await jf.start();
          const [row] = await slow.db.kysely.selectFrom('replicas').selectAll().where('replica_id', '=', 'replica-clock-behind').execute();
          expect(Math.abs(row.heartbeat_at - started)).toBeLessThan(60);
          // One host: a heartbeat older than the lease by that clock is expired.
          expect(await skewed(+hour, () => fast.table.expiredReplicas(5))).toEqual(
            expect.arrayContaining(['replica-clock-behind', 'replica-clock-ahead']),
          );
          expect(await fast.table.expiredReplicas(5)).not.toContain('replica-clock-behind');
        }
      } finally {
        await js.stop();
        await jf.stop();
        await slow.close();
        await fast.close();
      }
    },
  );
});

/**
 * The message a promise rejects with, or null. Not `rejects.toThrow()`: better-sqlite3's native part
 * keeps the SqliteError class of the first test file that loaded it in this worker, so in a later
 * file its errors are not `instanceof Error` and jest would report "did not throw".
 */
async function failureOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return String((error as { message?: unknown }).message ?? error);
  }
}

const MISSING_TABLE = /no such table: requests|relation "requests" does not exist/;

describe('database errors', () => {
  it('are counted once each, reads as well as writes, in skypilot_db_errors_total', async () => {
    const store = await open({ replicaId: 'errors', persistReads: false });
    const metrics = new Metrics({
      queues: () => ({}),
      liveRequests: () => 0,
      memoryTier: () => ({ entries: 0, bytes: 0 }),
      waitsWokenBy: () => ({ event: 0, poll: 0 }),
    });
    const errors = async () => {
      const text = await metrics.registry.metrics();
      return Number(/skypilot_db_errors_total\{store="requests database",kind="error"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await errors();
    // The table goes away under the store (an operator's mistake, a failed restore).
    await sql`ALTER TABLE requests RENAME TO requests_moved_away`.execute(store.db.kysely);
    try {
      expect(await failureOf(store.table.get('req-missing'))).toMatch(MISSING_TABLE);
      expect(await failureOf(store.table.list({ viewer: ADMIN, allStatus: true, limit: 10 }))).toMatch(MISSING_TABLE);
      const record = await finished(store);
      expect(await failureOf(store.table.insert({ ...record, requestId: 'req-not-stored', durable: true }))).toMatch(MISSING_TABLE);
      expect((await errors()) - before).toBe(3);
    } finally {
      await sql`ALTER TABLE requests_moved_away RENAME TO requests`.execute(store.db.kysely);
      await store.close();
    }
  });
});

it('runs on the backend the project chose', () => {
  expect(database.target.kind).toBe(testBackend());
});

describe('the wire payload', () => {
  it('built by hand is byte for byte JSON.stringify of the payload object, for every kind of record', async () => {
    const { toWirePayload, wirePayloadJson } = await import('../../src/requests/requestRecord');
    const base = {
      requestId: 'r-1',
      name: 'sky.status',
      body: '{}',
      status: 'SUCCEEDED' as const,
      createdAt: 1796000000.123,
      finishedAt: 1796000001.5,
      userId: 'aaaa0001',
      userName: 'Ünïcode "quoted" \n',
      owner: 'local',
      replicaId: 'x',
      clusterName: null,
      scheduleType: 'short' as const,
      durable: false,
      returnValue: '[{"a":"\\u2028 \\"x\\""}]',
      error: null,
      statusMsg: null,
      shouldRetry: false,
      log: '',
    };
    const records = [
      base,
      { ...base, returnValueQuoted: JSON.stringify(base.returnValue) },
      {
        ...base,
        status: 'FAILED' as const,
        error: { type: 'ClusterDoesNotExist', message: "Cluster 'x' does not exist." },
        returnValue: 'null',
      },
      { ...base, status: 'PENDING' as const, finishedAt: null, clusterName: 'c', statusMsg: 'waiting', shouldRetry: true, userName: null },
    ];
    for (const record of records) expect(wirePayloadJson(record)).toBe(JSON.stringify(toWirePayload(record)));
  });
});
