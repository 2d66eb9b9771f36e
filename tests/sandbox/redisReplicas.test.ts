/**
 * The Redis path end to end: two real server processes with the demo preloaded
 * (`-r dist/src/demo/demo.js`), the sandbox on, sharing one redis-server. A session made on one is
 * served by the other: its writes, its extensions, its launch; another session on either sees none of
 * it. Every key the sandbox writes has a TTL; ending the sessions and sweeping leaves only the shared
 * counters. Skipped with a message without redis-server, except in CI (CI=true), where it fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { REDIS_URL, redisAvailability, testPrefix } from '../helpers/redis';
import { makeTempDir, removeDir } from '../helpers/tempState';

const TOKEN = 'replica-stats-token-0123';
const redis = redisAvailability();
if (!redis.run) console.warn(redis.reason);
const suite = redis.run ? describe : describe.skip;

suite('two server processes sharing one Redis', () => {
  let dir: string;
  let a: ServerProcess;
  let b: ServerProcess;
  let client: Redis;
  const prefix = testPrefix('replicas');

  beforeAll(async () => {
    dir = makeTempDir('skyts-sandbox-replicas-');
    for (const name of ['a', 'b']) fs.mkdirSync(path.join(dir, name));
    const env = (name: string) => ({
      HOME: path.join(dir, name),
      SKYPILOT_DEMO_SANDBOX: '1',
      SKYPILOT_DEMO_REDIS_URL: REDIS_URL,
      SKYPILOT_DEMO_REDIS_PREFIX: prefix,
      SKYPILOT_DEMO_STATS_TOKEN: TOKEN,
      SKYPILOT_RATE_LIMIT: 'off',
    });
    const args = (name: string) => ['--port', '0', '--requests-db', path.join(dir, name, 'requests.db')];
    [a, b] = await Promise.all([
      startServerProcess(args('a'), env('a'), { demo: true }),
      startServerProcess(args('b'), env('b'), { demo: true }),
    ]);
    client = new Redis(REDIS_URL);
  }, 40_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    const keys = await client.keys(`${prefix}*`);
    if (keys.length) await client.del(...keys);
    client.disconnect();
    removeDir(dir);
  });

  const headers = (id: string) => ({ 'content-type': 'application/json', 'X-Demo-Session-Id': id });

  async function onServer<T>(server: ServerProcess, id: string, route: string, body: object = {}): Promise<{ status: string; value: T }> {
    const post = await fetch(`${server.url}${route}`, { method: 'POST', headers: headers(id), body: JSON.stringify(body) });
    const requestId = post.headers.get('x-skypilot-request-id');
    expect([post.status, typeof requestId]).toEqual([200, 'string']);
    const got = await fetch(`${server.url}/api/get?request_id=${requestId}`, { headers: headers(id) });
    const payload = (await got.json()) as { status?: string; return_value?: string; detail?: { status: string } };
    const final = payload.detail ?? payload;
    return { status: final.status as string, value: JSON.parse((final as { return_value?: string }).return_value ?? 'null') as T };
  }

  const statusOn = async (server: ServerProcess, id: string, cluster: string) =>
    (await onServer<{ name: string; status: string }[]>(server, id, '/status')).value.find((c) => c.name === cluster)?.status;

  const newSession = async (server: ServerProcess) => {
    const res = await fetch(`${server.url}/demo/session`, { method: 'POST' });
    expect(res.status).toBe(201);
    return ((await res.json()) as { session_id: string }).session_id;
  };

  it('serves a session made on one replica from the other, and keeps sessions apart', async () => {
    const mine = await newSession(a);
    const other = await newSession(b);
    expect((await onServer(a, mine, '/stop', { cluster_name: 'lambda-k8s' })).status).toBe('SUCCEEDED');
    expect(await statusOn(b, mine, 'lambda-k8s')).toBe('STOPPED');
    expect(await statusOn(a, other, 'lambda-k8s')).toBe('UP');
    expect(await statusOn(b, other, 'lambda-k8s')).toBe('UP');

    expect((await onServer(b, mine, '/launch', { task: 'recipes:nightly-eval', cluster_name: 'eval-x' })).status).toBe('SUCCEEDED');
    expect(await statusOn(a, mine, 'eval-x')).toBe('INIT');
    expect(await statusOn(a, other, 'eval-x')).toBeUndefined();

    const extended = await fetch(`${b.url}/demo/session/extend`, { method: 'POST', headers: headers(mine) });
    expect(((await extended.json()) as { extensions_left: number }).extensions_left).toBe(2);
    const seen = await fetch(`${a.url}/demo/session`, { headers: headers(mine) });
    expect(await seen.json()).toMatchObject({ session_id: mine, extensions_left: 2, changes: 2 });
  });

  it('counts on both replicas into one set of stats', async () => {
    const stats = await fetch(`${a.url}/demo/stats`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(await stats.json()).toMatchObject({
      store: 'redis',
      live_sessions: 2,
      created: 2,
      extended: 1,
      writes: { stop: 1, launch: 1 },
    });
  });

  it('puts a TTL on every key, and ending the sessions leaves only the shared counters', async () => {
    const keys = await client.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(4);
    for (const key of keys) expect([key, (await client.pttl(key)) > 0]).toEqual([key, true]);
    const sessions = await client.zrange(`${prefix}live`, 0, -1);
    for (const id of sessions) await fetch(`${b.url}/demo/session`, { method: 'DELETE', headers: headers(id) });
    const left = (await client.keys(`${prefix}*`)).map((k) => k.slice(prefix.length)).filter((k) => !k.startsWith('new:'));
    expect(left.sort()).toEqual(['stats']);
  });
});
