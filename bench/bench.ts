/**
 * Benchmark of the `/status` round trip (POST /status -> X-Skypilot-Request-ID -> GET /api/get), the
 * call every dashboard page and `sky status` make.
 *
 * Each server variant runs as a child process on 127.0.0.1 with an ephemeral port, a temp HOME and
 * temp databases; the state DB is seeded with 5 clusters before the server starts. The baseline is a
 * bare Express 5 app (bench/baseline.ts, also a child process) that answers with the bytes the first
 * variant sent, measured in the same run. autocannon drives 50 connections; each virtual client loops
 * POST /status then GET /api/get?request_id=<id from the header>; the round-trip latency is measured
 * from sending the POST to receiving the /api/get answer.
 *
 * Run: npm run bench   (BENCH_SECONDS sets the seconds per measurement, default 5)
 */
import autocannon from 'autocannon';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CloudVmRayResourceHandle } from '../src/state/cloudVmRayResourceHandle';
import { AWS, type Cloud, GCP, Kubernetes } from '../src/state/clouds';
import { globalUserState } from '../src/state/globalUserState';
import { Resources } from '../src/state/resources';
import type { BaselineFixture } from './baseline';

const ROOT = path.resolve(__dirname, '..', '..');
const SECONDS = Math.max(1, Number(process.env.BENCH_SECONDS ?? 5) || 5);
const WARMUP_SECONDS = 1;
const CONNECTIONS = 50;
const START_TIMEOUT_MS = 20_000;

/** A server to measure: `node [-r preload]... <args> --port 0 --db-path ... --requests-db ...`. */
interface Variant {
  label: string;
  args: string[];
  preload?: string[];
}

const VARIANTS: Variant[] = [
  { label: 'nightly', args: ['dist/src/server.js'] },
  ...(fs.existsSync(path.join(ROOT, 'dist/src/demo/demo.js'))
    ? [{ label: 'demo', args: ['dist/src/server.js'], preload: ['./dist/src/demo/demo.js'] }]
    : []),
];

const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Starts a child and resolves with the port it prints (`listening on http://127.0.0.1:<port>`). */
function startChild(label: string, nodeArgs: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label}: no "listening" line within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve({ child, port: Number(match[1]) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new Error(`${label} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

function handle(name: string, cloud: Cloud, instanceType: string, region: string, nodes: number): CloudVmRayResourceHandle {
  return new CloudVmRayResourceHandle({
    clusterName: name,
    clusterNameOnCloud: `${name}-2ea4`,
    clusterYaml: `~/.sky/generated/${name}.yml`,
    launchedNodes: nodes,
    launchedResources: new Resources({ cloud, instanceType, region }),
    stableInternalExternalIps: Array.from({ length: nodes }, (_, i): [string, string] => [`10.0.0.${i + 1}`, `198.51.100.${i + 1}`]),
    stableSshPorts: Array.from({ length: nodes }, () => 22),
    sshUser: 'ubuntu',
  });
}

/** Writes 5 clusters into a fresh state DB through the compiled state module, then closes it. */
async function seedStateDb(dbPath: string): Promise<void> {
  await globalUserState.init({ dbPath });
  const clusters: [string, CloudVmRayResourceHandle, string][] = [
    ['dev', handle('dev', new AWS(), 'm6i.2xlarge', 'us-east-1', 1), 'default'],
    ['train', handle('train', new GCP(), 'a2-highgpu-8g', 'us-central1', 4), 'ml'],
    ['infer', handle('infer', new AWS(), 'g5.xlarge', 'us-west-2', 2), 'ml'],
    ['k8s-dev', handle('k8s-dev', new Kubernetes(), '4CPU--16GB', 'kind-ctx', 1), 'default'],
    ['k8s-gpu', handle('k8s-gpu', new Kubernetes(), '2CPU--8GB--1H100', 'gke-ctx', 2), 'default'],
  ];
  await globalUserState.addOrUpdateUser({ id: 'b0b0b0b0', name: 'bench' });
  for (const [name, h, workspace] of clusters) {
    await globalUserState.addOrUpdateCluster({
      clusterName: name, handle: h, requestedResources: null, ready: true, userHash: 'b0b0b0b0', workspace,
      command: `sky launch -c ${name}`,
    });
  }
  await globalUserState.close();
}

function requestIdOf(headers: Record<string, unknown>): string | null {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === 'x-skypilot-request-id') return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return null;
}

/** One real round trip with fetch: checks the server works and captures its bytes for the baseline. */
async function captureRoundTrip(port: number): Promise<BaselineFixture & { clusters: number }> {
  const post = await fetch(`http://127.0.0.1:${port}/status`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
  });
  const statusBody = await post.text();
  const id = post.headers.get('x-skypilot-request-id');
  if (post.status !== 200 || !id) throw new Error(`POST /status answered ${post.status} without a request id: ${statusBody}`);
  const get = await fetch(`http://127.0.0.1:${port}/api/get?request_id=${encodeURIComponent(id)}`);
  const getBody = await get.text();
  if (get.status !== 200) throw new Error(`GET /api/get answered ${get.status}: ${getBody}`);
  const payload = JSON.parse(getBody) as { return_value: string };
  return { statusBody, getBody, clusters: (JSON.parse(payload.return_value) as unknown[]).length };
}

interface Measurement {
  label: string;
  roundTripsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface RoundTripContext {
  t0?: number;
  rid?: string | null;
}

async function measure(label: string, port: number, seconds: number): Promise<Measurement> {
  const latencies: number[] = [];
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/status',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        setupRequest: (req, context) => {
          (context as RoundTripContext).t0 = performance.now();
          return req;
        },
        onResponse: (_status, _body, context, headers) => {
          (context as RoundTripContext).rid = requestIdOf(headers as Record<string, unknown>);
        },
      },
      {
        method: 'GET',
        path: '/api/get',
        setupRequest: (req, context) => {
          const rid = (context as RoundTripContext).rid;
          return { ...req, path: rid ? `/api/get?request_id=${encodeURIComponent(rid)}` : '/api/get' };
        },
        onResponse: (status, _body, context) => {
          const t0 = (context as RoundTripContext).t0;
          if (status === 200 && t0 !== undefined) latencies.push(performance.now() - t0);
        },
      },
    ],
  });
  latencies.sort((a, b) => a - b);
  return {
    label,
    roundTripsPerSec: latencies.length / result.duration,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function benchServer(label: string, port: number): Promise<Measurement> {
  await measure(label, port, WARMUP_SECONDS);
  return measure(label, port, SECONDS);
}

function printTable(rows: Measurement[], baseline: Measurement): void {
  const header = ['variant', 'round trips/s', 'p50 (ms)', 'p99 (ms)', 'vs baseline', 'errors', 'non-2xx'];
  const body = rows.map((r) => [
    r.label,
    r.roundTripsPerSec.toFixed(0),
    r.p50Ms.toFixed(2),
    r.p99Ms.toFixed(2),
    `${(r.roundTripsPerSec / baseline.roundTripsPerSec).toFixed(2)}x baseline`,
    String(r.errors),
    String(r.non2xx),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skyts-bench-'));
  const results: Measurement[] = [];
  let fixture: BaselineFixture | null = null;
  try {
    console.log(`skypilot-ts bench: /status round trip, ${CONNECTIONS} connections, ${SECONDS}s per measurement `
      + `(+${WARMUP_SECONDS}s warm-up), node ${process.version}, ${os.cpus().length} CPUs`);
    for (const variant of VARIANTS) {
      const dir = path.join(tmp, variant.label);
      fs.mkdirSync(dir, { recursive: true });
      const dbPath = path.join(dir, 'state.db');
      await seedStateDb(dbPath);
      const nodeArgs = [
        ...(variant.preload ?? []).flatMap((p) => ['-r', p]),
        ...variant.args,
        '--port', '0', '--db-path', dbPath, '--requests-db', path.join(dir, 'requests.db'),
      ];
      const env = { ...process.env, HOME: dir, SKYPILOT_STATE_DB: dbPath, SKYPILOT_REQUESTS_DB: path.join(dir, 'requests.db') };
      const { child, port } = await startChild(variant.label, nodeArgs, env);
      try {
        const captured = await captureRoundTrip(port);
        console.log(`${variant.label}: port ${port}, /status returns ${captured.clusters} cluster(s), `
          + `/api/get payload ${captured.getBody.length} bytes`);
        fixture ??= { statusBody: captured.statusBody, getBody: captured.getBody };
        results.push(await benchServer(variant.label, port));
      } finally {
        await stopChild(child);
      }
    }

    const fixturePath = path.join(tmp, 'baseline-fixture.json');
    fs.writeFileSync(fixturePath, JSON.stringify(fixture));
    const { child, port } = await startChild('baseline', [path.join(__dirname, 'baseline.js'), fixturePath],
      { ...process.env, HOME: tmp });
    let baseline: Measurement;
    try {
      const check = await captureRoundTrip(port);
      if (check.getBody !== fixture!.getBody) throw new Error('baseline does not answer the captured bytes');
      baseline = await benchServer('baseline (bare express 5)', port);
    } finally {
      await stopChild(child);
    }

    console.log('');
    printTable([...results, baseline], baseline);
    // The dashboard in a real browser, in its own process (it installs the demo in-process).
    console.log('');
    const timing = spawnSync(process.execPath, [path.join(__dirname, 'pageTiming.js')], { stdio: 'inherit', timeout: 180_000 });
    if (timing.status !== 0) console.log('warning: the clusters page timing did not complete');
    const failed = [...results, baseline].filter((r) => r.errors > 0 || r.non2xx > 0);
    if (failed.length) {
      console.log(`\nwarning: errors or non-2xx answers in: ${failed.map((r) => r.label).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    killAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  killAll();
  process.exit(1);
});
