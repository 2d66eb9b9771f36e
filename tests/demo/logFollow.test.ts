/**
 * Logs that follow on an unpinned demo: a RUNNING job's log keeps streaming new lines (over real
 * HTTP, for more than 10 s), a finished job's log closes at once with its exit code, follows past
 * the per-client cap are a typed 429, a follow ends at its maximum, and one shared timer serves all.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { appExtensions } from '../../src/appExtensions';
import { followCount, parseFollowLimits, tickArmed } from '../../src/http/logFollow';
import { ConfigError, parseServerConfig } from '../../src/serverConfig';
import dayjs from 'dayjs';
import { loadFixtures } from '../../src/demo/fixtureLoader';
import { buildWorld } from '../../src/demo/world';
import { clusterJobExitCode } from '../../src/vocab/statuses';
import { type DemoApp, FIXTURES_DIR, startDemoApp } from './demoApp';

let demo: DemoApp;
let server: http.Server;
let base: string;
const saved = {
  now: process.env.SKYPILOT_NOW,
  max: process.env.SKYPILOT_LOG_FOLLOW_MAX_SECONDS,
  cap: process.env.SKYPILOT_LOG_FOLLOWS_PER_CLIENT,
};

beforeAll(async () => {
  delete process.env.SKYPILOT_NOW;
  delete process.env.SKYPILOT_LOG_FOLLOW_MAX_SECONDS;
  process.env.SKYPILOT_LOG_FOLLOWS_PER_CLIENT = '3';
  demo = await startDemoApp();
  server = http.createServer(demo.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await demo.close();
  for (const [key, value] of [
    ['SKYPILOT_NOW', saved.now],
    ['SKYPILOT_LOG_FOLLOW_MAX_SECONDS', saved.max],
    ['SKYPILOT_LOG_FOLLOWS_PER_CLIENT', saved.cap],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** A running job of activity.yaml's load-test stream (one always runs) on inference-cluster. */
function runningJob(): number {
  const job = demo.demo.world
    .current()
    .clusterJobs.find((j) => j.clusterName === 'inference-cluster' && j.status === 'RUNNING' && j.jobId > 1);
  if (!job) throw new Error('no running load-test job');
  return job.jobId;
}

/** Waits until every follow a test opened has been released (a closed client is seen within a tick). */
async function settled(): Promise<void> {
  const deadline = Date.now() + 5000;
  while (followCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(followCount()).toBe(0);
}

function post(path: string, body: object, signal?: AbortSignal) {
  return fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal });
}

describe('log follow on an unpinned demo', () => {
  it('streams new lines of a running job for more than 10 s', async () => {
    const abort = new AbortController();
    const res = await post('/logs', { cluster_name: 'inference-cluster', job_id: runningJob(), follow: true, tail: 0 }, abort.signal);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const arrivals: number[] = [];
    const started = Date.now();
    let text = '';
    // Until lines have arrived past 10 s (within 12 s): reading on would only wait for the next.
    while (Date.now() - started < 12_000 && !arrivals.some((ms) => ms > 10_000)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      arrivals.push(Date.now() - started);
    }
    abort.abort();
    // The log so far, then lines every 2 s (line_seconds of the stream), still coming after 10 s.
    expect(arrivals.filter((ms) => ms > 10_000).length).toBeGreaterThan(0);
    expect(arrivals.length).toBeGreaterThan(4);
    expect(text).toMatch(/requests \d+00 \| p50/);
  }, 30_000);

  it('closes at once on a finished job, with its exit code as the result', async () => {
    const res = await post('/logs', { cluster_name: 'lambda-k8s', job_id: 1, follow: true });
    expect(await res.text()).toContain('');
    const id = res.headers.get('x-skypilot-request-id');
    const result = (await (await fetch(`${base}/api/get?request_id=${id}`)).json()) as { return_value: string };
    expect(JSON.parse(result.return_value)).toBe(100); // FAILED: upstream's exit code 100
  });

  it('refuses a follow past the per-client cap with a typed 429, and frees the slot on close', async () => {
    await settled();
    const aborts = [new AbortController(), new AbortController(), new AbortController()];
    const body = { cluster_name: 'inference-cluster', job_id: 1, follow: true };
    const open = await Promise.all(aborts.map((a) => post('/logs', body, a.signal)));
    expect(open.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(followCount()).toBe(3);
    const refused = await post('/logs', body);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 'too_many_follows', type: 'RateLimited' } });
    for (const a of aborts) a.abort();
    await settled();
    // Nobody follows: the timer is gone within a tick (looked at as it goes, not after a fixed sleep).
    const deadline = Date.now() + 1100;
    while (tickArmed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(tickArmed()).toBe(false);
  });

  it('closes when the followed job ends, with the exit code of how it ended', async () => {
    await settled();
    // A running load test at T, and the first second at which it has ended (the world, read directly).
    const fixtures = loadFixtures(FIXTURES_DIR);
    const T = Date.parse('2026-11-22T12:00:00Z') / 1000;
    const at = (t: number) => buildWorld(fixtures, dayjs.unix(t), fixtures.contentHash).clusterJobs;
    const job = at(T).find((j) => j.clusterName === 'inference-cluster' && j.status === 'RUNNING' && j.jobId > 1)!;
    let end = T;
    while (at(end).find((j) => j.jobId === job.jobId && j.clusterName === job.clusterName)?.status === 'RUNNING') end += 5;
    const final = at(end).find((j) => j.jobId === job.jobId && j.clusterName === job.clusterName)!.status;
    process.env.SKYPILOT_NOW = String(end - 10);
    process.env.SKYPILOT_LOG_FOLLOW_MAX_SECONDS = '30'; // set: it follows even with the clock pinned
    try {
      const res = await post('/logs', { cluster_name: 'inference-cluster', job_id: job.jobId, follow: true });
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      process.env.SKYPILOT_NOW = String(end + 1); // the clock moves past the job's end
      let rest = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        rest += new TextDecoder().decode(value);
      }
      expect(first.length).toBeGreaterThan(0);
      expect(rest.length).toBeGreaterThan(0); // the lines of its last seconds arrived before the close
      const id = res.headers.get('x-skypilot-request-id');
      const result = (await (await fetch(`${base}/api/get?request_id=${id}`)).json()) as { return_value: string };
      expect(JSON.parse(result.return_value)).toBe(clusterJobExitCode(final));
    } finally {
      delete process.env.SKYPILOT_NOW;
      delete process.env.SKYPILOT_LOG_FOLLOW_MAX_SECONDS;
    }
  }, 30_000);

  it('ends a follow at SKYPILOT_LOG_FOLLOW_MAX_SECONDS', async () => {
    await settled();
    process.env.SKYPILOT_LOG_FOLLOW_MAX_SECONDS = '2';
    try {
      const started = Date.now();
      const res = await post('/jobs/logs', { job_id: 1, follow: true });
      await res.text();
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(Date.now() - started).toBeLessThan(6000);
    } finally {
      delete process.env.SKYPILOT_LOG_FOLLOW_MAX_SECONDS;
    }
  });
});

describe('follow settings', () => {
  it.each([
    ['SKYPILOT_LOG_FOLLOW_MAX_SECONDS', 'forever'],
    ['SKYPILOT_LOG_FOLLOW_MAX_SECONDS', '-1'],
    ['SKYPILOT_LOG_FOLLOWS_PER_CLIENT', '0'],
    ['SKYPILOT_LOG_FOLLOWS_PER_CLIENT', '2.5'],
  ])('%s=%s is one line naming the setting', (name, value) => {
    expect(() => parseServerConfig([], { [name]: value })).toThrow(ConfigError);
    expect(() => parseServerConfig([], { [name]: value })).toThrow(new RegExp(`^${name} must be an integer`));
  });

  it('defaults: the unpinned demo follows for 10 minutes (the nightly: not at all), 8 follows per client', () => {
    expect(parseFollowLimits({})).toEqual({ maxSeconds: 0, perClient: 8 });
    expect(appExtensions.logFollowSeconds).toBe(600); // the demo installed, unpinned
    expect(parseFollowLimits({ SKYPILOT_LOG_FOLLOW_MAX_SECONDS: '30' }).maxSeconds).toBe(30);
  });
});
