/**
 * `npm run bench -- --sessions N`: thousands of sandbox sessions against a demo server (a child
 * process, as every bench server), in memory and (when a redis-server answers) in Redis, to show
 * that memory is bounded by the caps, not by the number of visitors:
 *   1. N sessions, each making 4 writes (stop, autostop, a launch, a workspace) and reading /status;
 *      with `--session-changes C`, launches after those up to C changes (100: full sessions, the cap);
 *   2. N more at the cap (max sessions = N): none is admitted past it (the live count stays N);
 *   3. every session expires and the sweep removes it (Redis keeps only its shared counters); the
 *      sessions live a minute per 4000 writes, so none expires while the sandbox is being filled;
 *   4. N fresh sessions again: memory is reused, it does not climb.
 * Resident memory, V8 heap, event-loop p99 (the server's own metrics; its resolution is 10 ms), the
 * sessions' change bytes, the request store's memory tier (which holds every write's request for a
 * while, bounded on its own: decision 0005) and, for Redis, its key count and used memory are printed
 * after each phase, and one summary line per store at the end. The heap is read after a full GC
 * (bench/gcOnSignal.ts); what one live session retains is the heap with the sessions minus the heap
 * once they are swept (the request tier, which keeps the requests either way, cancels out).
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { rssBytes } from './children';
import { makeTmp, startServer } from './variants';

const TOKEN = 'bench-sessions-stats-token';
const CONCURRENCY = 64;

/** Long enough that no session expires while the sandbox is filled (the cap phase needs them all live). */
function sessionMinutes(n: number, changes: number): number {
  return Math.max(1, Math.ceil((n * changes) / 4000));
}
const REDIS_URL = process.env.SKYPILOT_BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

interface Phase {
  name: string;
  seconds: number;
  rssMb: number;
  heapMb: number;
  loopP99Ms: number;
  live: number;
  /** Bytes of the sessions' changes (memory store), and of the request store's memory tier. */
  changeKb: number | null;
  requestTierMb: number;
  redisKeys: number | null;
  redisMb: number | null;
}

/** The server's metrics, read at once: a scrape resets the event-loop histogram. */
async function metrics(port: number): Promise<(name: string) => number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return (name) => {
    const match = new RegExp(`^${name}\\s+([0-9.eE+-]+)`, 'm').exec(text);
    return match ? Number(match[1]) : NaN;
  };
}

async function redisAvailable(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Runs `work` for 0..n-1, `CONCURRENCY` at a time. */
async function inParallel(n: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

async function scheduled(url: string, id: string, path: string, body: object): Promise<string> {
  const headers = { 'content-type': 'application/json', 'X-Demo-Session-Id': id };
  const post = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  await post.arrayBuffer();
  const got = await fetch(`${url}/api/get?request_id=${post.headers.get('x-skypilot-request-id')}`, { headers });
  return ((await got.json()) as { status?: string; detail?: { status: string } }).status ?? 'FAILED';
}

const RECIPES = ['llama-finetune', 'nightly-eval', 'dev-box', 'vllm-inference'];

/** One visitor: a session, `changes` writes (four kinds, then launches), a read. False when no session was had (the cap). */
async function visitor(url: string, i: number, failures: string[], changes: number): Promise<boolean> {
  const created = await fetch(`${url}/demo/session`, { method: 'POST' });
  const body = (await created.json()) as { session_id?: string };
  if (created.status !== 201 || !body.session_id) return false;
  const id = body.session_id;
  const writes: [string, object][] = [
    ['/stop', { cluster_name: 'lambda-k8s' }],
    ['/autostop', { cluster_name: 'inference-cluster', idle_minutes: 10 + (i % 50) }],
    ['/launch', { task: 'recipes:llama-finetune', cluster_name: `ft-${i}` }],
    ['/workspaces/create', { workspace_name: `team-${i}`, config: { gcp: { project_id: `p-${i}` } } }],
  ];
  for (let k = writes.length; k < changes; k++)
    writes.push(['/launch', { task: `recipes:${RECIPES[k % RECIPES.length]}`, cluster_name: `x-${i}-${k}` }]);
  // One request at a time per visitor, as a person clicking: 64 visitors keep 64 requests in flight,
  // comparable with the soak's 50 connections.
  for (const [path, payload] of writes) {
    const status = await scheduled(url, id, path, payload);
    if (status !== 'SUCCEEDED' && failures.length < 5) failures.push(`${path}: ${status}`);
  }
  await scheduled(url, id, '/status', {});
  return true;
}

async function runStore(kind: 'memory' | 'redis', n: number, changes: number): Promise<string> {
  const tmp = makeTmp();
  const metricsPort = 19500 + (process.pid % 400);
  const prefix = `skyts-bench:${randomBytes(4).toString('hex')}:`;
  const redis = kind === 'redis' ? new Redis(REDIS_URL) : null;
  const { child } = await startServer({
    tmp,
    label: `sessions-${kind}`,
    demo: true,
    nodeArgs: ['--expose-gc', '-r', './dist/bench/gcOnSignal.js'],
    env: {
      SKYPILOT_DEMO_SANDBOX: '1',
      SKYPILOT_DEMO_MAX_SESSIONS: String(n),
      SKYPILOT_DEMO_NEW_SESSIONS_PER_MINUTE: '100000',
      SKYPILOT_DEMO_SESSION_MINUTES: String(sessionMinutes(n, changes)),
      SKYPILOT_DEMO_SWEEP_SECONDS: '5',
      SKYPILOT_DEMO_STATS_TOKEN: TOKEN,
      SKYPILOT_RATE_LIMIT: 'off',
      SKYPILOT_METRICS_PORT: String(metricsPort),
      ...(redis ? { SKYPILOT_DEMO_REDIS_URL: REDIS_URL, SKYPILOT_DEMO_REDIS_PREFIX: prefix } : {}),
    },
  });
  const stats = async () =>
    (await (await fetch(`${child.url}/demo/stats`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as {
      live_sessions: number;
      change_bytes: number | null;
      refused_capacity: number;
      reclaimed: number;
      expired: number;
      writes: Record<string, number>;
    };
  const phases: Phase[] = [];
  const started = Date.now();
  let phaseStart = Date.now();
  const record = async (name: string) => {
    const keys = redis ? (await redis.keys(`${prefix}*`)).length : null;
    const used = redis ? Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? NaN) / 1048576 : null;
    process.kill(child.process.pid!, 'SIGUSR2'); // a full GC: the heap then holds what is retained
    await new Promise((resolve) => setTimeout(resolve, 300));
    const metric = await metrics(metricsPort);
    const now = await stats();
    const phase: Phase = {
      name,
      seconds: (Date.now() - phaseStart) / 1000,
      rssMb: rssBytes(child.process.pid!) / 1048576,
      heapMb: metric('nodejs_heap_size_used_bytes') / 1048576,
      loopP99Ms: metric('nodejs_eventloop_lag_p99_seconds') * 1000,
      live: now.live_sessions,
      changeKb: now.change_bytes === null ? null : now.change_bytes / 1024,
      requestTierMb: metric('skypilot_request_memory_bytes') / 1048576,
      redisKeys: keys,
      redisMb: used,
    };
    phases.push(phase);
    console.log(
      `sessions ${kind.padEnd(6)} ${name.padEnd(30)} ${phase.seconds.toFixed(1).padStart(6)}s  rss=${phase.rssMb.toFixed(1)}MB ` +
        `heap=${phase.heapMb.toFixed(1)}MB loop_p99=${phase.loopP99Ms.toFixed(1)}ms live=${phase.live}` +
        (phase.changeKb !== null ? ` changes=${phase.changeKb.toFixed(0)}KB` : '') +
        ` request_tier=${phase.requestTierMb.toFixed(1)}MB` +
        (keys !== null ? ` redis_keys=${keys} redis_used=${used!.toFixed(1)}MB` : ''),
    );
    phaseStart = Date.now();
  };
  const failures: string[] = [];
  try {
    for (let i = 0; i < 20; i++)
      await (
        await fetch(`${child.url}/status`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
      ).arrayBuffer();
    await record('before');
    let admitted = 0;
    await inParallel(n, async (i) => {
      if (await visitor(child.url, i, failures, changes)) admitted++;
    });
    await record(`${admitted} sessions, ${changes} writes each`);
    let beyond = 0;
    await inParallel(n, async (i) => {
      if (await visitor(child.url, n + i, failures, changes)) beyond++;
    });
    const afterCap = await stats();
    await record(`${n} more at the cap (${beyond} in)`);
    await new Promise((resolve) => setTimeout(resolve, sessionMinutes(n, changes) * 60_000 + 7_000));
    const afterSweep = await stats();
    await record('expired and swept');
    let again = 0;
    await inParallel(n, async (i) => {
      if (await visitor(child.url, 2 * n + i, failures, changes)) again++;
    });
    await record(`${again} fresh sessions again`);
    if (failures.length) console.log(`sessions ${kind}: failed writes, e.g. ${failures.join('; ')}`);
    const [before, full, capped, swept, reused] = phases;
    const writes = Object.values(afterSweep.writes).reduce((a, b) => a + b, 0);
    return (
      `store=${kind} sessions=${admitted} changes_per_session=${changes} writes=${writes} rss_before_mb=${before.rssMb.toFixed(0)} ` +
      `rss_sessions_mb=${full.rssMb.toFixed(0)} heap_sessions_mb=${full.heapMb.toFixed(0)} ` +
      `change_bytes_per_session=${full.changeKb === null ? '-' : ((full.changeKb * 1024) / Math.max(1, admitted)).toFixed(0)} ` +
      `heap_kb_per_live_session=${(((full.heapMb - swept.heapMb) * 1024) / Math.max(1, admitted)).toFixed(1)} ` +
      `rss_swept_mb=${swept.rssMb.toFixed(0)} heap_swept_mb=${swept.heapMb.toFixed(0)} request_tier_mb=${swept.requestTierMb.toFixed(0)} ` +
      `live_at_cap=${capped.live} admitted_past_cap=${beyond} refused_capacity=${afterCap.refused_capacity} ` +
      `live_after_sweep=${swept.live} rss_reused_mb=${reused.rssMb.toFixed(0)} loop_p99_max_ms=${Math.max(...phases.map((p) => p.loopP99Ms)).toFixed(1)}` +
      (redis
        ? ` redis_keys_peak=${Math.max(...phases.map((p) => p.redisKeys ?? 0))} redis_keys_after_sweep=${swept.redisKeys} ` +
          // Two keys per session, three shared ones, one per client address that made a session this minute.
          `redis_keys_bound=${2 * n + 3 + 1} redis_mb_peak=${Math.max(...phases.map((p) => p.redisMb ?? 0)).toFixed(1)}`
        : '') +
      ` seconds=${((Date.now() - started) / 1000).toFixed(0)}`
    );
  } finally {
    await child.stop();
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  }
}

export async function runSessionsSoak(n: number, changes = 4): Promise<void> {
  console.log(
    `skypilot-ts bench: ${n} sandbox sessions per store (${changes} writes and a read each), sessions live ${sessionMinutes(n, changes)} min`,
  );
  const lines = [await runStore('memory', n, changes)];
  if (await redisAvailable()) lines.push(await runStore('redis', n, changes));
  else console.log(`Redis not reachable at ${REDIS_URL}: memory store only`);
  for (const line of lines) console.log(`sessions summary: ${line}`);
}
