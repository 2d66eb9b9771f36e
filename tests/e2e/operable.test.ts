/**
 * What an operator relies on, from a real server process: Prometheus metrics on their own port
 * (requests by endpoint and status, latency, queue depth, live requests, database errors, the
 * process's event-loop lag), one JSON access-log line per request, and a clean stop on SIGTERM
 * (exit 0, the lease given up so no other replica ever fails this one's requests).
 */
import net from 'node:net';
import path from 'node:path';
import { RequestStore } from '../../src/requests/requestStore';
import { roundTripAcross, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { makeTempDir, removeDir } from '../helpers/tempState';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let dir: string;
let server: ServerProcess;
let metricsPort: number;

beforeAll(async () => {
  dir = makeTempDir('skyts-operable-');
  metricsPort = await freePort();
  server = await startServerProcess(
    ['--port', '0', '--db-path', path.join(dir, 'state.db'), '--requests-db', path.join(dir, 'requests.db')],
    {
      HOME: dir,
      SKYPILOT_METRICS_PORT: String(metricsPort),
      SKYPILOT_ACCESS_LOG: '1',
      SKYPILOT_REPLICA_ID: 'operable',
      // As behind nginx on this host: the balancer is a loopback peer that says whom it forwards.
      SKYPILOT_TRUSTED_PROXIES: 'loopback',
    },
  );
});
afterAll(async () => {
  await server?.stop();
  removeDir(dir);
});

describe('an operable server', () => {
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
    expect(text).toMatch(/nodejs_eventloop_lag_p99_seconds [0-9.e-]+/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });

  it('writes one JSON line per request, naming the client as resolved through trusted proxies', async () => {
    const { id } = await roundTripAcross(server.url, server.url, '/cost_report', {}, { 'X-Forwarded-For': '203.0.113.9' });
    const direct = await roundTripAcross(server.url, server.url, '/cost_report');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // lines are flushed at least every second
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
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
      expect(await store.table.expiredReplicas(Number.MAX_SAFE_INTEGER)).not.toContain('operable');
    } finally {
      await store.close();
    }
  });
});
