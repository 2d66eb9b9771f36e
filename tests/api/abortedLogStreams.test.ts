/**
 * The official dashboard's cluster page streams the latest job's log twice on load (`POST /logs
 * {job_id, tail: 5000}`) and aborts the first. An aborted stream must cost the server nothing: its
 * request finishes (nothing left RUNNING), no timer or socket is left behind, nothing is logged, and
 * the next stream answers in full. Each case aborts at a different moment, over a real socket.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { globalUserState } from '../../src/state/globalUserState';
import { type ApiHarness, closeApiHarness, openApiHarness } from '../helpers/api';
import { seedCluster } from '../helpers/fixtures';

const DASHBOARD_HEADERS = { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': 'dashboard;', 'Content-Type': 'application/json' };
/** Big enough that it cannot all sit in the socket buffers: the abort lands mid-stream. */
const LOG = Array.from({ length: 60_000 }, (_, i) => `step ${i}: loss ${(1 / (i + 1)).toFixed(6)} ${'x'.repeat(40)}\n`).join('');

let h: ApiHarness;
let server: http.Server;
let port: number;
let jobId: number;
let runningJobId: number;

beforeAll(async () => {
  h = await openApiHarness();
  await seedCluster('logs-c');
  jobId = await globalUserState.addClusterJob({ clusterName: 'logs-c', jobName: 'train', userHash: 'aaaa0001', resources: '1x[CPU:1]' });
  await globalUserState.appendClusterJobLog('logs-c', jobId, LOG);
  await globalUserState.setClusterJobStatus('logs-c', jobId, 'SUCCEEDED');
  runningJobId = await globalUserState.addClusterJob({
    clusterName: 'logs-c',
    jobName: 'serve',
    userHash: 'aaaa0001',
    resources: '1x[CPU:1]',
    status: 'RUNNING',
  });
  await globalUserState.appendClusterJobLog('logs-c', runningJobId, LOG);
  server = h.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeApiHarness(h);
});

type AbortAt = 'before any byte' | 'after the headers' | 'after the first chunk';

/** Sends `POST /logs` as the dashboard does and aborts it at `at`; resolves once the client side is gone. */
function abortedStream(body: object, at: AbortAt): Promise<{ received: number }> {
  return new Promise((resolve) => {
    let received = 0;
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/internal/dashboard/logs', headers: DASHBOARD_HEADERS });
    req.on('error', () => resolve({ received }));
    req.on('close', () => resolve({ received }));
    req.on('response', (res) => {
      res.on('error', () => {});
      if (at === 'after the headers') req.destroy();
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (at === 'after the first chunk') req.destroy();
      });
    });
    req.end(JSON.stringify(body));
    if (at === 'before any byte') setImmediate(() => req.destroy());
  });
}

function fullStream(body: object): Promise<{ status: number; text: string; requestId: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { port, host: '127.0.0.1', method: 'POST', path: '/internal/dashboard/logs', headers: DASHBOARD_HEADERS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString(),
            requestId: String(res.headers['x-skypilot-request-id']),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const connections = () => new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)));

async function settled(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

const CASES: [AbortAt, 'finished' | 'running', boolean][] = [
  ['before any byte', 'finished', false],
  ['after the headers', 'finished', false],
  ['after the first chunk', 'finished', false],
  ['after the first chunk', 'finished', true],
  ['after the first chunk', 'running', true],
  ['after the headers', 'running', true],
];

describe.each(CASES)('aborted %s (a %s job, follow=%s)', (at, job, follow) => {
  it('leaves no request running, no timer, no socket, logs nothing, and the next stream answers in full', async () => {
    const logged: unknown[] = [];
    const spies = (['error', 'warn', 'log'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args) => void logged.push([level, ...args])),
    );
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const baseline = timers();
      const body = { cluster_name: 'logs-c', job_id: job === 'running' ? runningJobId : jobId, tail: 5000, follow };
      const { received } = await abortedStream(body, at);
      if (at === 'before any byte') expect(received).toBe(0);
      // Nothing goes on for the stream once its client is gone.
      expect(await settled(() => h.store.liveCount() === 0)).toBe(true);
      expect(await settled(async () => (await connections()) === 0)).toBe(true);
      expect(await settled(() => timers() <= baseline)).toBe(true);
      // The page's second stream: the whole tail, under a request that finished with the exit code.
      const second = await fullStream(body);
      expect(second.status).toBe(200);
      expect(second.text.split('\n')).toHaveLength(5001);
      expect(second.text.endsWith(`${'x'.repeat(40)}\n`)).toBe(true);
      expect(await settled(() => h.store.liveCount() === 0)).toBe(true);
      expect(logged).toEqual([]);
      expect(warnings).toEqual([]);
    } finally {
      for (const spy of spies) spy.mockRestore();
      process.off('warning', onWarning);
    }
  });
});

it('a slow reader that then aborts: the log is handed out a slice at a time, and nothing is written after the abort', async () => {
  let peakQueued = 0;
  let writesAfterClose = 0;
  const watching = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    let closed = false;
    res.once('close', () => {
      closed = true;
    });
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (closed) writesAfterClose += 1;
      const accepted = write(chunk, ...rest);
      peakQueued = Math.max(peakQueued, res.writableLength);
      return accepted;
    }) as typeof res.write;
  };
  server.prependListener('request', watching);
  try {
    await new Promise<void>((resolve) => {
      const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/internal/dashboard/logs', headers: DASHBOARD_HEADERS });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.on('response', (res) => {
        res.on('error', () => {});
        // The first chunk, then a reader that stops reading for a while and leaves.
        res.once('data', () => {
          res.pause();
          setTimeout(() => req.destroy(), 150);
        });
      });
      req.end(JSON.stringify({ cluster_name: 'logs-c', job_id: jobId, tail: 0, follow: false }));
    });
    expect(await settled(() => h.store.liveCount() === 0)).toBe(true);
    // Not the whole 4 MB queued in the process for a reader that is not reading.
    expect(peakQueued).toBeGreaterThan(0);
    expect(peakQueued).toBeLessThan(512 * 1024);
    expect(writesAfterClose).toBe(0);
  } finally {
    server.removeListener('request', watching);
  }
});

it('slices never split a character: a log of astral characters arrives intact', async () => {
  const emoji = '\u{1F680}';
  await globalUserState.appendClusterJobLog('logs-c', runningJobId, `${emoji.repeat(70_000)}\n`);
  const got = await fullStream({ cluster_name: 'logs-c', job_id: runningJobId, tail: 1, follow: false });
  expect(got.text).toBe(`${emoji.repeat(70_000)}\n`);
});
