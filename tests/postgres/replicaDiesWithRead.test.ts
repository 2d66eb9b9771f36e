/**
 * A read accepted by a replica that dies before finishing it is answered by the surviving replicas
 * as FAILED (`ServerRestarted`, retryable) once the dead replica's lease runs out, never 404: a
 * shared store holds every read from the moment its id is answered. An id nobody issued is still
 * 404. Runs in the `postgres` jest project only.
 */
import { type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { createTestDatabase, type TestDatabase } from '../helpers/testBackend';
import { makeTempDir, removeDir } from '../helpers/tempState';

const SLOW_READ = './tests/helpers/slowRead.js';
let dir: string;
let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;

const env = (replica: string) => ({
  HOME: dir,
  SKYPILOT_DB_CONNECTION_URI: database.uri!,
  SKYPILOT_REPLICA_ID: replica,
  SKYPILOT_REPLICA_LEASE_SECONDS: '2',
});

beforeAll(async () => {
  dir = makeTempDir('skyts-replica-read-');
  database = await createTestDatabase(dir, '', 'postgres');
  [a, b] = await Promise.all([
    startServerProcess(['--port', '0'], env('reader-a'), { preload: [SLOW_READ] }),
    startServerProcess(['--port', '0'], env('reader-b'), { preload: [SLOW_READ] }),
  ]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.drop();
  removeDir(dir);
});

async function postRead(url: string, seconds: number): Promise<string> {
  const res = await fetch(`${url}/test/slow_read`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
  const id = res.headers.get('x-skypilot-request-id');
  if (res.status !== 200 || !id) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
  return id;
}

/** `/api/get` as the comparison needs it; a 404's body (a typed error, not a request) keeps only its status. */
async function get(url: string, id: string) {
  const res = await fetch(`${url}/api/get?request_id=${id}`);
  if (res.status === 404) return { http: 404 };
  const body = (await res.json()) as { detail?: unknown };
  const payload = (res.status === 500 ? body.detail : body) as { status: string; error: string; should_retry: boolean };
  const error = JSON.parse(payload.error) as { type: string } | null;
  return { http: res.status, status: payload.status, error: error?.type ?? null, retry: payload.should_retry };
}

it('a read in flight on a replica killed -9 is FAILED ServerRestarted on the survivor, never 404', async () => {
  const done = await postRead(a.url, 0);
  expect(await get(a.url, done)).toMatchObject({ http: 200, status: 'SUCCEEDED' });
  // Its outcome stored (the survivor sees it): a read killed between answering and storing its
  // outcome would be FAILED there too, as the replica died before storing it.
  expect(await get(b.url, done)).toMatchObject({ http: 200, status: 'SUCCEEDED' });
  const inFlight = await Promise.all([postRead(a.url, 30), postRead(a.url, 30), postRead(a.url, 30)]);
  a.child.kill('SIGKILL');
  await a.exited;
  const answers = await Promise.all(inFlight.map((id) => get(b.url, id)));
  expect(answers).toEqual(inFlight.map(() => ({ http: 500, status: 'FAILED', error: 'ServerRestarted', retry: true })));
  // What the dead replica finished is still its answer; an id nobody issued is still not found.
  expect(await get(b.url, done)).toMatchObject({ http: 200, status: 'SUCCEEDED' });
  expect((await fetch(`${b.url}/api/get?request_id=00000000-0000-4000-8000-000000000000`)).status).toBe(404);
}, 30_000);
