/**
 * Two server processes on one PostgreSQL database, as replicas behind a load balancer: any replica
 * answers `/api/get` and `/api/stream` for a request the other ran, without waiting longer than the
 * request; writes on one are seen by the other at once; a replica that dies has its unfinished
 * requests failed by the other after the lease, and nothing else is ever failed. Runs in the
 * `postgres` jest project only (jest.config.js), on a database of its own.
 */
import { sql } from 'kysely';
import { RequestStore } from '../../src/requests/requestStore';
import { NOTIFY_GRACE_MS } from '../../src/requests/requestWaits';
import { globalUserState } from '../../src/state/globalUserState';
import { seedCluster } from '../helpers/fixtures';
import { metricsUrlOf, roundTripAcross, SLOW_ENDPOINT, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { createTestDatabase, type TestDatabase } from '../helpers/testBackend';
import { makeTempDir, removeDir } from '../helpers/tempState';
import { newRequest } from '../helpers/newRequest';

let dir: string;
let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;

const env = (replica: string) => ({
  HOME: dir,
  SKYPILOT_DB_CONNECTION_URI: database.uri!,
  SKYPILOT_REPLICA_ID: replica,
  SKYPILOT_REPLICA_LEASE_SECONDS: '2',
  SKYPILOT_METRICS_PORT: '0',
});

beforeAll(async () => {
  dir = makeTempDir('skyts-replicas-');
  database = await createTestDatabase(dir, '', 'postgres');
  await globalUserState.init({ target: database.target });
  for (const name of ['rep-1', 'rep-2', 'rep-3']) await seedCluster(name);
  await globalUserState.close();
  // With a test-only endpoint that runs as long as asked (nothing on the nightly runs long itself).
  [a, b] = await Promise.all([
    startServerProcess(['--port', '0'], env('replica-a'), { preload: [SLOW_ENDPOINT] }),
    startServerProcess(['--port', '0'], env('replica-b'), { preload: [SLOW_ENDPOINT] }),
  ]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.drop();
  removeDir(dir);
});

/**
 * Whether a fetch from the other replica waited past its request is read from the replicas
 * themselves, not from a clock: each counts the `/api/get` waits on a running request that a
 * notification ended and those the 1 s fallback poll of the database ended (a NOTIFY missed, or
 * later than the poll). Timings on this shared 2-core machine vary by hundreds of milliseconds under
 * the rest of the suite; the counts do not.
 */
async function waitsWokenBy(server: ServerProcess): Promise<{ event: number; poll: number }> {
  const text = await (await fetch(await metricsUrlOf(server))).text();
  const count = (by: string) => Number(new RegExp(`skypilot_request_waits_total\\{woken_by="${by}"\\} (\\d+)`).exec(text)?.[1] ?? NaN);
  return { event: count('event'), poll: count('poll') };
}

async function bothReplicasWaits(): Promise<{ event: number; poll: number }> {
  const [x, y] = await Promise.all([waitsWokenBy(a), waitsWokenBy(b)]);
  return { event: x.event + y.event, poll: x.poll + y.poll };
}

/** Only the 60 s long poll is a clock matter: no fetch comes near it. */
const FAR_PAST_ITS_REQUEST_MS = 5000;

interface Round {
  path: string;
  status: number;
  body: Record<string, unknown>;
  /** The request's own time as a client sees it: from the POST's answer to its replica's own `/api/get`. */
  requestMs: number;
  /** The same, through the other replica's `/api/get`, sent at the same moment. */
  acrossMs: number;
}

/**
 * POST on one replica, then at once `/api/get` on both: the one that ran the request answers when
 * the request is done and stored, the other only once a NOTIFY tells it. (The request's duration
 * as recorded, created to finished, leaves out storing the result, which on this shared machine
 * sometimes takes longer than a notification: the same request fetched from its own replica is the
 * fair measure of "the request itself".)
 */
async function timedRoundTrip(post: string, get: string, path: string, body: unknown): Promise<Round> {
  const res = await fetch(`${post}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const id = res.headers.get('x-skypilot-request-id');
  if (res.status !== 200 || !id) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  const sent = performance.now();
  const fetchFrom = async (url: string) => {
    const answer = await fetch(`${url}/api/get?request_id=${encodeURIComponent(id)}`);
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown>, ms: performance.now() - sent };
  };
  const [own, across] = await Promise.all([fetchFrom(post), fetchFrom(get)]);
  return { path, status: across.status, body: across.body, requestMs: own.ms, acrossMs: across.ms };
}

function late(rounds: Round[]): string[] {
  return rounds
    .filter((r) => r.acrossMs > r.requestMs + FAR_PAST_ITS_REQUEST_MS)
    .map((r) => `${r.path}: across ${r.acrossMs.toFixed(0)} ms, its own replica ${r.requestMs.toFixed(0)} ms`);
}

describe('two replicas on one PostgreSQL', () => {
  it('under load, POST on one and /api/get on the other: no error, and no fetch waits past its request', async () => {
    const rounds: Round[] = [];
    const failures: string[] = [];
    const before = await bothReplicasWaits();
    let next = 0;
    const worker = async () => {
      while (next < 300) {
        const i = next++;
        const [post, get] = i % 2 ? [a.url, b.url] : [b.url, a.url];
        // Reads (stored once finished, in batches) and durable writes still running when fetched:
        // a fetch of such a write that misses its NOTIFY is left on the 1 s poll.
        const [path, body] = i % 3 === 0 ? ['/test/sleep', { seconds: 0.05 }] : i % 3 === 1 ? ['/status', {}] : ['/cost_report', {}];
        const round = await timedRoundTrip(post, get, path, body);
        rounds.push(round);
        if (round.status !== 200 || round.body.status !== 'SUCCEEDED')
          failures.push(`${i}: ${round.status} ${JSON.stringify(round.body).slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(failures).toEqual([]);
    expect(rounds).toHaveLength(300);
    expect(late(rounds)).toEqual([]);
    // A wait whose poll read the finish before its notification came is counted once the grace is over.
    await new Promise((resolve) => setTimeout(resolve, NOTIFY_GRACE_MS + 100));
    const after = await bothReplicasWaits();
    // 100 sleeps of 50 ms, each fetched from both replicas: most fetches find it still running (a
    // loaded machine may answer some after it ended, with no wait), and no wait ends on the poll.
    expect(after.event - before.event).toBeGreaterThanOrEqual(100);
    expect(after.poll - before.poll).toBe(0);
  });

  it('a request still running when fetched from the other replica is answered as soon as it ends', async () => {
    const before = await bothReplicasWaits();
    // At once: each round is timed against its own replica's fetch, and ten half-second requests
    // in a row only made the file five seconds longer.
    const rounds = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const [post, get] = i % 2 ? [a.url, b.url] : [b.url, a.url];
        return timedRoundTrip(post, get, '/test/sleep', { seconds: 0.5 });
      }),
    );
    expect(rounds.map((round) => round.body.status)).toEqual(Array(10).fill('SUCCEEDED'));
    expect(late(rounds)).toEqual([]);
    // Both fetches of every request found it running (the counts hold only waits that did), and each
    // was ended by its event: the finish on its own replica, the notification on the other.
    const after = await bothReplicasWaits();
    expect(after.event - before.event).toBe(20);
    expect(after.poll - before.poll).toBe(0);
  });

  it('a write on one replica is seen by the other at once, and its result fetched there', async () => {
    const created = await roundTripAcross(a.url, b.url, '/workspaces/create', { workspace_name: 'replicated', config: {} });
    expect(created.body.status).toBe('SUCCEEDED');
    const seen = await roundTripAcross(b.url, b.url, '/status', {});
    expect(seen.body.status).toBe('SUCCEEDED');
    const workspaces = await fetch(`${b.url}/workspaces`);
    const id = workspaces.headers.get('x-skypilot-request-id')!;
    const result = (await (await fetch(`${a.url}/api/get?request_id=${id}`)).json()) as { return_value: string };
    expect(Object.keys(JSON.parse(result.return_value))).toContain('replicated');
    const stopped = await roundTripAcross(b.url, a.url, '/stop', { cluster_name: 'rep-2' });
    expect(stopped.body.status).toBe('SUCCEEDED');
    const status = await roundTripAcross(a.url, a.url, '/status', { cluster_names: ['rep-2'] });
    expect(JSON.parse(status.body.return_value as string)[0].status).toBe('STOPPED');
  });

  it("streams another replica's request log", async () => {
    const res = await fetch(`${a.url}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cluster_name: 'rep-2' }),
    });
    const id = res.headers.get('x-skypilot-request-id')!;
    const stream = await fetch(`${b.url}/api/stream?request_id=${id}&follow=True`);
    expect(stream.status).toBe(200);
    expect(await stream.text()).toContain('Starting cluster rep-2...');
  });

  it('cancels a long request running on one replica through the other, promptly', async () => {
    const post = await fetch(`${a.url}/test/sleep`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 60 }),
    });
    const id = post.headers.get('x-skypilot-request-id')!;
    const statusOnB = async () =>
      ((await (await fetch(`${b.url}/api/status?request_ids=${id}&all_status=true`)).json()) as { status: string }[])[0]?.status;
    for (const started = Date.now(); (await statusOnB()) !== 'RUNNING'; ) {
      if (Date.now() - started > 5000) throw new Error(`the request never ran on replica-a: ${await statusOnB()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Both replicas wait for its result meanwhile.
    const waitingOnA = fetch(`${a.url}/api/get?request_id=${id}`).then(async (r) => ({ at: Date.now(), body: await r.json() }));
    const waitingOnB = fetch(`${b.url}/api/get?request_id=${id}`).then(async (r) => ({ at: Date.now(), body: await r.json() }));
    const cancelledAt = Date.now();
    const cancel = await roundTripAcross(b.url, b.url, '/api/cancel', { request_ids: [id] });
    expect(cancel.body.status).toBe('SUCCEEDED');
    expect(JSON.parse(cancel.body.return_value as string)).toEqual([id]);
    for (const waiting of [waitingOnA, waitingOnB]) {
      const { at, body } = await waiting;
      expect(body).toMatchObject({ status: 'CANCELLED' });
      expect(at - cancelledAt).toBeLessThan(1500);
    }
    // Replica A keeps the outcome, and runs the next long request as usual.
    const again = (await (await fetch(`${a.url}/api/get?request_id=${id}`)).json()) as { status: string };
    expect(again.status).toBe('CANCELLED');
    const next = await fetch(`${a.url}/test/sleep`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 0 }),
    });
    const result = (await (await fetch(`${b.url}/api/get?request_id=${next.headers.get('x-skypilot-request-id')}`)).json()) as {
      status: string;
    };
    expect(result.status).toBe('SUCCEEDED');
  });

  it("fails a dead replica's unfinished requests after its lease, and nobody else's", async () => {
    const store = await RequestStore.open({ target: database.target, replicaId: 'probe' });
    try {
      // An in-flight write of replica-a, as a crash would leave it.
      const { record } = await store.create(
        newRequest({ requestId: 'inflight-on-a-0001', name: 'sky.stop', durable: true }),
        () => 'unused',
      );
      await store.db.kysely.updateTable('requests').set({ replica_id: 'replica-a' }).where('request_id', '=', record.requestId).execute();
      a.child.kill('SIGKILL');
      await a.exited;
      const deadline = Date.now() + 8000;
      let row = await store.table.get(record.requestId);
      while (row?.status === 'PENDING' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        row = await store.table.get(record.requestId);
      }
      expect(row).toMatchObject({ status: 'FAILED', error: { type: 'ServerRestarted' } });
      const restartedFailures = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM requests
        WHERE status = 'FAILED' AND error LIKE '%ServerRestarted%' AND request_id <> ${record.requestId}`.execute(store.db.kysely);
      expect(Number(restartedFailures.rows[0].n)).toBe(0);
      // The survivor still serves.
      expect((await roundTripAcross(b.url, b.url, '/status')).body.status).toBe('SUCCEEDED');
    } finally {
      await store.close();
    }
  });
});
