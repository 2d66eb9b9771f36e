/**
 * docker-compose.yml's topology with local processes, since no Docker engine runs here: the two
 * replicas as the image runs them (the Dockerfile's CMD, the compose file's environment with its
 * addresses mapped to this machine's) on one PostgreSQL database made for this run, behind Debian's
 * nginx running deploy/nginx/default.conf. Through the balancer: requests work and a round trip's
 * POST and GET land on different replicas without waiting; X-Forwarded-For is believed from the
 * balancer only; each request is one access-log line naming the visitor behind the balancer, and
 * each replica's metrics are served on the port it prints; a replica stopped with SIGTERM exits
 * cleanly while the balancer serves on; readiness fails when the database goes. Clients use loopback addresses of their own (127.0.0.x), so a
 * replica can tell them from the balancer (127.0.0.1).
 *
 * Needs `npm run build` (dist/), PostgreSQL (skipped, saying so, when unreachable, as the other
 * PostgreSQL suites are) and nginx (`apt-get install -y nginx`; skipped without it, except in CI).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../helpers/eventually';
import { metricsUrlOf } from '../helpers/serverProcess';
import { createTestDatabase, type TestDatabase } from '../helpers/testBackend';
import { addressOf, apiServices, balancer, readCompose } from './compose';
import { readDockerfile, ROOT, stageNamed } from './dockerfile';
import { type LocalBalancer, NGINX, startBalancer } from './localBalancer';
import { request, type Started, startServer, statusRoundTrip } from './processes';

const probe = spawnSync(process.execPath, [path.join(ROOT, 'tests/helpers/postgresProbe.js')], { encoding: 'utf8', timeout: 5000 });
const noPostgres = probe.stdout === 'ok' ? null : `PostgreSQL is not reachable (${(probe.stdout || probe.stderr || 'no answer').trim()})`;
const noNginx = NGINX ? null : 'nginx is not installed (apt-get install -y nginx)';
const skipWhy = noPostgres ?? (process.env.CI === 'true' ? null : noNginx);
if (skipWhy) console.log(`tests/deploy/topology.test.ts skipped: ${skipWhy}`);

/** Requests per client per replica in this test (the compose file sets none: the nightly's default is off). */
const LIMIT = 30;
const compose = readCompose();
const lb = balancer(compose);
const cmd = stageNamed(readDockerfile(), 'runtime')
  .steps.filter((s) => s.keyword === 'CMD')
  .pop()!.json!;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'skyts-topology-'));
const replicas = new Map<string, Started>();
let db: TestDatabase;
let front: LocalBalancer;

/** The compose environment of a replica, with compose addresses changed to this machine's. */
function localEnvironment(environment: Record<string, string>): Record<string, string> {
  const local: Record<string, string> = { ...environment, SKYPILOT_DB_CONNECTION_URI: db.uri! };
  // Two replicas on one host: not the compose file's one metrics port, but any free one each (the
  // server prints which), on loopback, as the API's own port is mapped.
  if (environment.SKYPILOT_METRICS_PORT) {
    local.SKYPILOT_METRICS_PORT = '0';
    local.SKYPILOT_METRICS_HOST = '127.0.0.1';
  }
  const addresses = new Map([[addressOf(lb.service), '127.0.0.1']]);
  local.SKYPILOT_TRUSTED_PROXIES = environment.SKYPILOT_TRUSTED_PROXIES.split(',')
    .map((entry) => {
      const mapped = addresses.get(entry.trim());
      if (!mapped) throw new Error(`SKYPILOT_TRUSTED_PROXIES names ${entry}, which is not the balancer's address`);
      return mapped;
    })
    .join(',');
  return local;
}

/**
 * GETs an ordinary read (`/api/status`, counted by the per-client rate limit like any request) until
 * the first 429, or `max` requests: the number of that request, else null.
 */
async function firstLimited(url: string, max: number, options: { localAddress: string; forwardedFor: (i: number) => string }) {
  for (let i = 1; i <= max; i++) {
    const reply = await request(url, { localAddress: options.localAddress, headers: { 'X-Forwarded-For': options.forwardedFor(i) } });
    if (reply.status === 429) return i;
    if (reply.status !== 200) throw new Error(`GET ${url}: ${reply.status} ${reply.body}`);
  }
  return null;
}

(skipWhy ? describe.skip : describe)('the compose topology, run with local processes', () => {
  beforeAll(async () => {
    if (noNginx) throw new Error(`${noNginx}: CI must install it`);
    db = await createTestDatabase(work, '', 'postgres');
    for (const [name, service] of apiServices(compose)) {
      const home = path.join(work, `home-${name}`);
      fs.mkdirSync(home);
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: home,
        SKYPILOT_HOST: '127.0.0.1',
        SKYPILOT_PORT: '0',
        SKYPILOT_RATE_LIMIT: `${LIMIT}/60`,
        ...localEnvironment(service.environment ?? {}),
      };
      replicas.set(name, await startServer(cmd, { cwd: ROOT, env }));
    }
    front = await startBalancer(lb.configFile, Object.fromEntries([...replicas].map(([n, r]) => [n, r.port])), path.join(work, 'nginx'));
  }, 60_000);

  afterAll(async () => {
    await front?.stop();
    await Promise.all(
      [...replicas.values()].map((r) => {
        const killer = setTimeout(() => r.child.kill('SIGKILL'), 15_000);
        return r.stop().finally(() => clearTimeout(killer));
      }),
    );
    await db?.drop();
    fs.rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('has both replicas ready, and answers through the balancer', async () => {
    for (const replica of replicas.values())
      expect(await request(`${replica.url}/readyz`, { localAddress: '127.0.0.6' })).toMatchObject({ status: 200 });
    expect(await request(`${front.url}/readyz`, { localAddress: '127.0.0.6' })).toMatchObject({ status: 200 });
    expect((await request(`${front.url}/dashboard/`, { localAddress: '127.0.0.6' })).status).toBe(200);
  });

  it("tells the pid to a caller on the replica's machine, never to a visitor through the balancer", async () => {
    const [replica] = replicas.values();
    const direct = JSON.parse((await request(`${replica.url}/api/health`, { localAddress: '127.0.0.6' })).body) as { pid?: number };
    expect(direct.pid).toBe(replica.child.pid);
    for (let i = 0; i < 2; i++) {
      const proxied = await request(`${front.url}/api/health`, { localAddress: '127.0.0.6' });
      expect(proxied.status).toBe(200);
      expect(JSON.parse(proxied.body)).not.toHaveProperty('pid');
    }
  });

  it('runs round trips whose POST and GET land on different replicas, without waiting', async () => {
    const before = front.served().length;
    for (let i = 0; i < 8; i++) {
      const { record, ms } = await statusRoundTrip(front.url, { localAddress: '127.0.0.6' });
      expect(record.status).toBe('SUCCEEDED');
      expect(ms).toBeLessThan(3000);
    }
    // nginx writes a request's line in its log phase, after the answer has gone out: the last line
    // may land just after the client has read its answer, so it is polled for.
    const roundTrips = () =>
      front
        .served()
        .slice(before)
        .filter((s) => s.uri === '/status' || s.uri.startsWith('/api/get'));
    const served = (await eventually(() => (roundTrips().length >= 16 ? roundTrips() : undefined), 5000)) ?? roundTrips();
    expect(served).toHaveLength(16);
    expect(new Set(served.map((s) => s.upstream))).toEqual(new Set([...replicas.values()].map((r) => `127.0.0.1:${r.port}`)));
    const crossed = served.filter((s, i) => i % 2 === 1 && s.upstream !== served[i - 1].upstream).length;
    expect(crossed).toBeGreaterThanOrEqual(4);
  });

  it('logs each request through the balancer as one JSON line naming the visitor, and serves metrics', async () => {
    const { requestId } = await statusRoundTrip(front.url, { localAddress: '127.0.0.12' });
    const lines = () =>
      [...replicas.values()].flatMap((r) =>
        r
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      );
    // Access-log lines are flushed at least every second: polled for, not slept for.
    const mine = () => lines().filter((l) => l.requestId === requestId);
    const logged = (await eventually(() => (mine().length ? mine() : undefined))) ?? [];
    expect(logged.length).toBeGreaterThanOrEqual(1);
    // The visitor behind nginx, not nginx's own address on every line.
    for (const line of logged) expect(line).toMatchObject({ msg: 'request', client: '127.0.0.12', status: 200 });
    for (const replica of replicas.values()) {
      const metrics = await request(await metricsUrlOf(replica), { localAddress: '127.0.0.12' });
      expect(metrics.status).toBe(200);
      // Round robin gave each replica its share of the round trips' POSTs and GETs.
      expect(metrics.body).toMatch(/skypilot_http_requests_total\{endpoint="(POST \/status|GET \/api\/get)",[^}]*status="200"\} [1-9]/);
    }
  });

  it('believes X-Forwarded-For from the balancer, and from nobody else', async () => {
    // Through the balancer: one client's budget on each replica, whatever it writes in the header
    // (a new address each time would be a new budget each time if the header were passed on as is).
    const viaBalancer = await firstLimited(`${front.url}/api/status`, 3 * LIMIT, {
      localAddress: '127.0.0.7',
      forwardedFor: (i) => `127.0.2.${i}`,
    });
    expect(viaBalancer).toBeGreaterThan(LIMIT + 1);
    expect(viaBalancer).toBeLessThanOrEqual(2 * LIMIT + 1);
    // Another client behind the same balancer is another client: the replicas did not count the
    // first one's requests against the balancer's own address.
    expect(await request(`${front.url}/api/status`, { localAddress: '127.0.0.8' })).toMatchObject({ status: 200 });
    // Straight to a replica: the header is not believed, so a new value per request does not help.
    const direct = await firstLimited(`${[...replicas.values()][0].url}/api/status`, 3 * LIMIT, {
      localAddress: '127.0.0.9',
      forwardedFor: (i) => `127.0.1.${i}`,
    });
    expect(direct).toBe(LIMIT + 1);
  });

  it('drains a replica stopped with SIGTERM while the balancer serves on with the other', async () => {
    const [first] = replicas.keys();
    expect(await replicas.get(first)!.stop('SIGTERM')).toBe(0);
    for (let i = 0; i < 4; i++) {
      const { record } = await statusRoundTrip(front.url, { localAddress: '127.0.0.10' });
      expect(record.status).toBe('SUCCEEDED');
    }
  });

  it('fails readiness, not liveness, when the database goes away', async () => {
    const last = [...replicas.values()].pop()!;
    await db.drop();
    let ready = await request(`${last.url}/readyz`, { localAddress: '127.0.0.11' });
    for (const started = Date.now(); ready.status === 200 && Date.now() - started < 10_000; ) {
      await new Promise((r) => setTimeout(r, 200));
      ready = await request(`${last.url}/readyz`, { localAddress: '127.0.0.11' });
    }
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'unavailable' });
    expect(await request(`${last.url}/healthz`, { localAddress: '127.0.0.11' })).toMatchObject({ status: 200 });
    expect((await request(`${front.url}/readyz`, { localAddress: '127.0.0.11' })).status).toBe(503);
  });
});
