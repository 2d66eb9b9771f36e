/**
 * What an operator relies on, from a real server process: Prometheus metrics on their own port
 * (requests by endpoint and status, latency, queue depth, live requests, database errors, the
 * process's event-loop lag), one JSON access-log line per request, and a clean stop on SIGTERM
 * (exit 0, the lease given up so no other replica ever fails this one's requests): requests in
 * flight finish, a request arriving meanwhile on a kept-alive connection is told 503 to retry.
 */
import http from 'node:http';
import path from 'node:path';
import { RequestStore } from '../../src/requests/requestStore';
import { metricsUrlOf, roundTripAcross, SLOW_ENDPOINT, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { eventually } from '../helpers/eventually';
import { makeTempDir, removeDir } from '../helpers/tempState';

let dir: string;
let server: ServerProcess;
let metricsPort: number;

beforeAll(async () => {
  dir = makeTempDir('skyts-operable-');
  server = await startServerProcess(
    ['--port', '0', '--db-path', path.join(dir, 'state.db'), '--requests-db', path.join(dir, 'requests.db')],
    {
      HOME: dir,
      // Any free port: the server prints the one it got, as it does for the API's port 0.
      SKYPILOT_METRICS_PORT: '0',
      SKYPILOT_ACCESS_LOG: '1',
      SKYPILOT_REPLICA_ID: 'operable',
      // As behind nginx on this host: the balancer is a loopback peer that says whom it forwards.
      SKYPILOT_TRUSTED_PROXIES: 'loopback',
    },
  );
  metricsPort = Number(new URL(await metricsUrlOf(server)).port);
});
afterAll(async () => {
  await server?.stop();
  removeDir(dir);
});

describe('an operable server', () => {
  it('prints where its metrics are, the port it was given when asked for any', () => {
    expect(metricsPort).toBeGreaterThan(0);
    expect(server.output()).toMatch(/^\[skypilot-ts\] Prometheus metrics at http:\/\/127\.0\.0\.1:\d+\/metrics$/m);
  });

  it('exposes Prometheus metrics on its own port, and only there', async () => {
    await roundTripAcross(server.url, server.url, '/status');
    await fetch(`${server.url}/no-such-endpoint`);
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(text).toMatch(/skypilot_http_requests_total\{endpoint="POST \/status",method="POST",status="200"\} [1-9]/);
    expect(text).toMatch(/skypilot_http_requests_total\{endpoint="GET \/api\/get",method="GET",status="200"\} [1-9]/);
    expect(text).toMatch(/skypilot_http_requests_total\{endpoint="not_found",method="GET",status="404"\} 1/);
    expect(text).toMatch(/skypilot_http_request_duration_seconds_bucket\{le="0.005",endpoint="POST \/status"\}/);
    expect(text).toMatch(/skypilot_request_queue_depth\{queue="short"\} 0/);
    expect(text).toMatch(/skypilot_requests_live \d+/);
    expect(text).toMatch(/skypilot_request_memory_entries \d+/);
    expect(text).toMatch(/skypilot_request_waits_total\{woken_by="poll"\} 0/);
    expect(text).toMatch(/nodejs_eventloop_lag_p99_seconds [0-9.e-]+/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });

  it('writes one JSON line per request, naming the client as resolved through trusted proxies', async () => {
    const { id } = await roundTripAcross(server.url, server.url, '/cost_report', {}, { 'X-Forwarded-For': '203.0.113.9' });
    const direct = await roundTripAcross(server.url, server.url, '/cost_report');
    const logged = () =>
      server
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    // Lines are flushed at least every second: polled for, not slept for.
    const lines =
      (await eventually(() => {
        const all = logged();
        return [id, direct.id].every((rid) => all.some((l) => l.requestId === rid && l.method === 'POST')) ? all : undefined;
      })) ?? logged();
    const post = lines.find((l) => l.requestId === id && l.method === 'POST');
    expect(post).toMatchObject({ msg: 'request', path: '/cost_report', endpoint: 'POST /cost_report', status: 200, client: '203.0.113.9' });
    expect(lines.find((l) => l.requestId === direct.id && l.method === 'POST')).toMatchObject({ client: '127.0.0.1' });
    expect(typeof post!.ms).toBe('number');
    expect(typeof post!.time).toBe('string');
  });

  it('stops cleanly on SIGTERM: exit 0, and its lease given up', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const store = await RequestStore.openSqlite(path.join(dir, 'requests.db'));
    try {
      const leases = await store.db.kysely.selectFrom('replicas').select('replica_id').execute();
      expect(leases.map((r) => r.replica_id)).not.toContain('operable');
    } finally {
      await store.close();
    }
  });
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The client side of the connection it came on: the same port means the same kept-alive connection. */
  localPort: number;
}

/** One request through `agent` (keep-alive, one socket), so the next one reuses its connection. */
function send(agent: http.Agent, url: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, localPort: req.socket?.localPort ?? -1 }),
      );
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('SIGTERM with requests in flight', () => {
  let drainDir: string;
  let slow: ServerProcess;

  beforeAll(async () => {
    drainDir = makeTempDir('skyts-drain-');
    slow = await startServerProcess(
      ['--port', '0', '--db-path', path.join(drainDir, 'state.db'), '--requests-db', path.join(drainDir, 'requests.db')],
      { HOME: drainDir, SKYPILOT_REPLICA_ID: 'draining' },
      { preload: [SLOW_ENDPOINT] },
    );
  });
  afterAll(async () => {
    await slow?.stop();
    removeDir(drainDir);
  });

  it('finishes them, and answers a request arriving on a kept-alive connection 503 with Retry-After and Connection: close', async () => {
    const first = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const second = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const long = await send(first, slow.url, 'POST', '/test/sleep', { seconds: 2.5 });
      const short = await send(second, slow.url, 'POST', '/test/sleep', { seconds: 1 });
      const [longId, shortId] = [long, short].map((a) => a.headers['x-skypilot-request-id'] as string);
      // Both results are being waited for when the signal comes: two busy kept-alive connections.
      const longResult = send(first, slow.url, 'GET', `/api/get?request_id=${longId}`);
      const shortResult = send(second, slow.url, 'GET', `/api/get?request_id=${shortId}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const signalled = Date.now();
      slow.child.kill('SIGTERM');

      const shortDone = await shortResult;
      expect(shortDone.status).toBe(200);
      expect(JSON.parse(shortDone.body)).toMatchObject({ status: 'SUCCEEDED' });
      // The drain goes on (the long request is still running): the next request on this connection
      // is refused, typed, and the connection closed after it.
      const refused = await send(second, slow.url, 'POST', '/status', {});
      expect(refused.localPort).toBe(shortDone.localPort);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.headers.connection).toBe('close');
      expect(JSON.parse(refused.body)).toEqual({
        detail: 'The API server is shutting down; retry the request.',
        error: { type: 'ServerDraining', code: 'server_draining', message: 'The API server is shutting down; retry the request.' },
      });
      expect(refused.headers['x-skypilot-request-id']).toBeUndefined();
      // A new connection is not accepted at all.
      await expect(send(new http.Agent(), slow.url, 'GET', '/api/health')).rejects.toThrow(/ECONNREFUSED/);

      const longDone = await longResult;
      expect(longDone.status).toBe(200);
      expect(JSON.parse(longDone.body)).toMatchObject({ status: 'SUCCEEDED', return_value: JSON.stringify({ slept: 2.5 }) });
      expect(await slow.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(8000);
    } finally {
      first.destroy();
      second.destroy();
    }
    const store = await RequestStore.openSqlite(path.join(drainDir, 'requests.db'));
    try {
      const rows = await store.table.list({ viewer: { principal: 'local', admin: true }, allStatus: true, limit: 10 });
      expect(rows.filter((r) => r.name === 'test.sleep').map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      expect(rows.filter((r) => r.name === 'sky.status')).toEqual([]);
    } finally {
      await store.close();
    }
  }, 30_000);

  it('answers 503 ServerDraining on an idle kept-alive connection that sends a request within the drain', async () => {
    const idleDir = makeTempDir('skyts-drain-idle-');
    const idle = await startServerProcess(
      ['--port', '0', '--db-path', path.join(idleDir, 'state.db'), '--requests-db', path.join(idleDir, 'requests.db')],
      { HOME: idleDir, SKYPILOT_REPLICA_ID: 'draining-idle' },
    );
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await send(agent, idle.url, 'GET', '/api/health');
      expect(first.status).toBe(200);
      // Nothing in flight: the connection is idle when the signal comes.
      idle.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 150));
      const refused = await send(agent, idle.url, 'POST', '/status', {});
      expect(refused.localPort).toBe(first.localPort);
      expect([refused.status, refused.headers.connection, JSON.parse(refused.body).error?.type]).toEqual([503, 'close', 'ServerDraining']);
      expect(await idle.exited).toEqual({ code: 0, signal: null });
    } finally {
      agent.destroy();
      await idle.stop();
      removeDir(idleDir);
    }
  }, 30_000);
});
