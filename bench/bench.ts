/**
 * `npm run bench`: the `/status` round trip of the nightly and the demo against a bare Express app
 * serving the same bytes, measured in the same run, in interleaved rounds (each round measures every
 * variant once, in a rotated order) so that machine noise hits them alike; then p99 at 10
 * connections, cold start (the median of fresh starts), the replicas variant when PostgreSQL is
 * reachable, and the dashboard's clusters page in a real browser. It ends with one line scripts can read:
 *   bench summary: nightly=0.97x demo=0.91x p99_nightly_ms=21 ... demo_vs_raw=0.45 nightly_vs_raw=0.47 ... load_avg=1.20
 * A second baseline, raw node:http answering the same bytes (bench/rawBaseline.ts: one twin replays
 * the nightly's answers, one the demo's), gives the `*_vs_raw` ratios: how close each server comes
 * to what this machine can do at all with its own answers.
 *
 * `npm run bench -- --soak SECONDS [--followers N]` runs the soak instead (bench/soak.ts; 50 log
 * followers on the demo unless told);
 * `npm run bench -- --sessions N [--session-changes C]` the sandbox sessions soak (bench/sessions.ts);
 * `npm run bench -- --scale [--scale-size small] [--scale-db FILE]` the calls of upstream's scale test
 * over its production scale, on SQLite and PostgreSQL (bench/scale.ts).
 * Options: --rounds N (3), --seconds N per measurement (4), --connections N (50), --no-page.
 * The demo variants run with the per-client rate limit off (SKYPILOT_RATE_LIMIT=off), except
 * `demo+ratelimit`, whose limiter is on with a budget above the bench's rate: it shows the
 * limiter's cost without tripping it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { BaselineFixture } from './baseline';
import { type Child, ROOT, rssBytes, startChild } from './children';
import { type ColdStarts, describeColdStarts, measureColdStarts, medianMs } from './coldStart';
import { concurrent, measureCrossingRoundTrips, measureRoundTrips, percentile, pool, rate, requestIdOf, type Sample } from './roundTrip';
import { runScaleBench, SMALL_SCALE, scaleTable } from './scale';
import { UPSTREAM_SCALE } from './seedScale';
import { runSessionsSoak } from './sessions';
import { soak, type SoakTarget } from './soak';
import { demoAvailable, makeTmp, startServer, type Variant } from './variants';

const POSTGRES_URI =
  process.env.SKYPILOT_BENCH_POSTGRES_URI || process.env.SKYPILOT_TEST_POSTGRES_URI || 'postgresql://sky:sky@127.0.0.1:5432/sky';

async function postgresDatabase(): Promise<{ uri: string; drop(): Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: POSTGRES_URI, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = `skyts_bench_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URI);
  url.pathname = `/${name}`;
  return {
    uri: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_URI });
      await c.connect();
      try {
        // FORCE cannot end a backend of another role (an autovacuum worker on the big seeded
        // tables): a few tries, then say so instead of failing a bench whose figures are in.
        for (let attempt = 1; ; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            return;
          } catch (error) {
            if (attempt === 5) {
              console.log(`could not drop the bench database ${name}: ${(error as Error).message}; drop it by hand`);
              return;
            }
            await new Promise((r) => setTimeout(r, 2000));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}

/** A sandbox session with a few changes (so its own world is derived), as the header to send. */
async function sessionWithChanges(url: string): Promise<Record<string, string>> {
  const created = await fetch(`${url}/demo/session`, { method: 'POST' });
  const id = ((await created.json()) as { session_id: string }).session_id;
  const headers = { 'content-type': 'application/json', 'X-Demo-Session-Id': id };
  for (const [path, body] of [
    ['/stop', { cluster_name: 'lambda-k8s' }],
    ['/autostop', { cluster_name: 'inference-cluster', idle_minutes: 5 }],
  ] as const) {
    const post = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    await fetch(`${url}/api/get?request_id=${post.headers.get('x-skypilot-request-id')}`, { headers });
  }
  return { 'X-Demo-Session-Id': id };
}

/** Header lines a raw twin replays; those made per answer (or by the raw server itself) are left out. */
const PER_ANSWER = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'x-skypilot-request-id']);

function fetchRaw(
  url: string,
  method: 'POST' | 'GET',
  path: string,
): Promise<{ status: number; body: string; headers: string[]; id: string | null }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = http.request(
      { host: target.hostname, port: target.port, method, path, headers: method === 'POST' ? { 'content-type': 'application/json' } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            if (!PER_ANSWER.has(res.rawHeaders[i].toLowerCase())) headers.push(res.rawHeaders[i], res.rawHeaders[i + 1]);
          }
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers, id: requestIdOf(res.headers) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

/** One `/status` round trip on a server: its bytes, for the baselines to answer with. */
async function capture(url: string): Promise<BaselineFixture & { clusters: number }> {
  const post = await fetchRaw(url, 'POST', '/status');
  if (post.status !== 200 || !post.id) throw new Error(`POST /status answered ${post.status} without a request id: ${post.body}`);
  const get = await fetchRaw(url, 'GET', `/api/get?request_id=${encodeURIComponent(post.id)}`);
  if (get.status !== 200) throw new Error(`GET /api/get answered ${get.status}: ${get.body}`);
  return {
    statusBody: post.body,
    getBody: get.body,
    statusHeaders: post.headers,
    getHeaders: get.headers,
    clusters: (JSON.parse(JSON.parse(get.body).return_value) as unknown[]).length,
  };
}

function measureVariant(v: Variant, connections: number, seconds: number): Promise<Sample> {
  if (v.children.length === 1) return measureRoundTrips(v.children[0].url, connections, seconds, v.headers);
  if (v.crossing && v.children.length === 2) {
    return measureCrossingRoundTrips([v.children[0].url, v.children[1].url], connections, seconds);
  }
  const each = Math.max(1, Math.floor(connections / v.children.length));
  return Promise.all(v.children.map((c) => measureRoundTrips(c.url, each, seconds))).then(concurrent);
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(row(rows[0], widths));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(row(r, widths));
}

async function runBench(options: { rounds: number; seconds: number; connections: number; page: boolean }): Promise<void> {
  const tmp = makeTmp();
  const variants: Variant[] = [];
  const stops: (() => Promise<void>)[] = [];
  let pgDb: Awaited<ReturnType<typeof postgresDatabase>> = null;
  try {
    console.log(
      `skypilot-ts bench: /status round trip, ${options.connections} connections, ${options.rounds} interleaved ` +
        `rounds of ${options.seconds}s per variant, node ${process.version}, ${os.cpus().length} CPUs, ` +
        `load average ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );
    const off = { SKYPILOT_RATE_LIMIT: 'off' };
    const nightly = await startServer({ tmp, label: 'nightly', env: off });
    variants.push({ label: 'nightly', children: [nightly.child], requestsDb: nightly.requestsDb });
    if (demoAvailable()) {
      const demo = await startServer({ tmp, label: 'demo', demo: true, env: off });
      variants.push({ label: 'demo', children: [demo.child], requestsDb: demo.requestsDb });
      const limited = await startServer({ tmp, label: 'demo+ratelimit', demo: true, env: { SKYPILOT_RATE_LIMIT: '1000000000/60' } });
      variants.push({ label: 'demo+ratelimit', children: [limited.child] });
      // Two servers: a request in a session turns AsyncLocalStorage on for the whole process, and the
      // first variant measures the sandbox's door without it.
      const sandbox = await startServer({ tmp, label: 'demo+sandbox', demo: true, env: { ...off, SKYPILOT_DEMO_SANDBOX: '1' } });
      variants.push({ label: 'demo+sandbox', children: [sandbox.child] });
      const inSession = await startServer({ tmp, label: 'demo+session', demo: true, env: { ...off, SKYPILOT_DEMO_SANDBOX: '1' } });
      variants.push({ label: 'demo+session', children: [inSession.child], headers: await sessionWithChanges(inSession.child.url) });
    }
    pgDb = await postgresDatabase();
    if (pgDb) {
      const a = await startServer({ tmp, label: 'replica-a', env: off, postgresUri: pgDb.uri, replicaId: 'bench-a' });
      const b = await startServer({ tmp, label: 'replica-b', env: off, postgresUri: pgDb.uri, replicaId: 'bench-b', seed: false });
      // Every round trip crosses: POST on one replica, /api/get on the other.
      variants.push({ label: '2 replicas (pg, crossing)', children: [a.child, b.child], crossing: true });
    } else {
      console.log(`PostgreSQL not reachable at ${POSTGRES_URI}: no replicas variant`);
    }
    for (const v of variants) for (const c of v.children) stops.push(() => c.stop());

    const captured = await capture(nightly.child.url);
    console.log(`nightly: /status returns ${captured.clusters} cluster(s), /api/get payload ${captured.getBody.length} bytes`);
    const fixturePath = path.join(tmp, 'baseline-fixture.json');
    fs.writeFileSync(fixturePath, JSON.stringify(captured));
    const baselineChild: Child = await startChild('baseline', [path.join(__dirname, 'baseline.js'), fixturePath], {
      ...process.env,
      HOME: tmp,
    });
    stops.push(() => baselineChild.stop());
    const baseline: Variant = { label: 'baseline (bare express 5)', children: [baselineChild] };
    // Raw node:http twins, each answering one server's own bytes (bench/rawBaseline.ts).
    const startRaw = async (label: string, key: string, fixture: BaselineFixture): Promise<Variant> => {
      const file = path.join(tmp, `raw-${key}.json`);
      fs.writeFileSync(file, JSON.stringify(fixture));
      const child = await startChild(key, [path.join(__dirname, 'rawBaseline.js'), file], { ...process.env, HOME: tmp });
      stops.push(() => child.stop());
      return { label, children: [child] };
    };
    const raw = await startRaw('raw (node:http, nightly bytes)', 'raw', captured);
    const demoVariant = variants.find((v) => v.label === 'demo');
    let rawDemo: Variant | undefined;
    if (demoVariant) {
      const demoBytes = await capture(demoVariant.children[0].url);
      console.log(`demo: /status returns ${demoBytes.clusters} cluster(s), /api/get payload ${demoBytes.getBody.length} bytes`);
      rawDemo = await startRaw('raw (node:http, demo bytes)', 'raw_demo', demoBytes);
    }
    const raws = rawDemo ? [raw, rawDemo] : [raw];
    const all = [baseline, ...variants, ...raws];

    for (const v of all) await measureVariant(v, options.connections, 1); // warm-up
    const samples = new Map<Variant, Sample[]>(all.map((v) => [v, []]));
    for (let round = 0; round < options.rounds; round++) {
      const order = all.map((_, i) => all[(i + round) % all.length]);
      for (const v of order) samples.get(v)!.push(await measureVariant(v, options.connections, options.seconds));
    }
    const at10 = new Map<Variant, Sample>();
    for (const v of [...all.slice(0, 3), ...raws]) at10.set(v, await measureVariant(v, 10, options.seconds));

    const base = pool(samples.get(baseline)!);
    const rows = [
      ['variant', 'round trips/s', 'vs baseline', 'p50 ms', 'p99 ms', 'p99 ms @10c', 'errors', 'non-2xx', 'cold start ms', 'rss MB'],
    ];
    const summary: Record<string, string> = {};
    for (const v of all) {
      const s = pool(samples.get(v)!);
      const ten = at10.get(v);
      rows.push([
        v.label,
        rate(s).toFixed(0),
        `${(rate(s) / rate(base)).toFixed(2)}x`,
        percentile(s.latenciesMs, 50).toFixed(2),
        percentile(s.latenciesMs, 99).toFixed(2),
        ten ? percentile(ten.latenciesMs, 99).toFixed(2) : '-',
        String(s.errors),
        String(s.non2xx),
        v.children.map((c) => c.coldStartMs.toFixed(0)).join('/'),
        v.children.map((c) => (rssBytes(c.process.pid!) / 1048576).toFixed(0)).join('/'),
      ]);
      const key = v === baseline ? 'baseline' : v === raw ? 'raw' : v === rawDemo ? 'raw_demo' : v.label;
      summary[key] = (rate(s) / rate(base)).toFixed(2);
      summary[`p99_${key}`] = percentile(s.latenciesMs, 99).toFixed(1);
      if (ten) summary[`p99_10c_${key}`] = percentile(ten.latenciesMs, 99).toFixed(1);
    }
    console.log('');
    printTable(rows);
    const failed = all.filter((v) => {
      const s = pool(samples.get(v)!);
      return s.errors > 0 || s.non2xx > 0;
    });
    if (failed.length) {
      console.log(`\nwarning: errors or non-2xx answers in: ${failed.map((v) => v.label).join(', ')}`);
      process.exitCode = 1;
    }
    if (options.page && demoAvailable()) {
      console.log('');
      const timing = spawnSync(process.execPath, [path.join(__dirname, 'pageTiming.js')], {
        stdio: 'inherit',
        timeout: 180_000,
        cwd: ROOT,
      });
      if (timing.status !== 0) console.log('warning: the clusters page timing did not complete');
    }
    for (const stop of stops.splice(0)) await stop().catch(() => {});
    const cold: ColdStarts[] = await measureColdStarts(tmp);
    console.log(`\ncold start (spawn to the first 200 on /api/health, 5 fresh starts each): ${describeColdStarts(cold)}`);
    const replicas = variants.find((v) => v.children.length > 1);
    // Both ratios are against the Express baseline: their quotient is the ratio against raw node:http
    // answering that server's own bytes.
    const vsRaw = (key: string, rawKey: string) =>
      summary[key] && summary[rawKey] ? (Number(summary[key]) / Number(summary[rawKey])).toFixed(2) : '-';
    console.log(
      `\nbench summary: nightly=${summary.nightly}x demo=${summary.demo ?? '-'}x ` +
        `p99_nightly_ms=${summary.p99_nightly} p99_demo_ms=${summary.p99_demo ?? '-'} p99_baseline_ms=${summary.p99_baseline} ` +
        `p99_nightly_10c_ms=${summary.p99_10c_nightly} p99_demo_10c_ms=${summary.p99_10c_demo ?? '-'} ` +
        `demo_ratelimit=${summary['demo+ratelimit'] ?? '-'}x demo_sandbox=${summary['demo+sandbox'] ?? '-'}x ` +
        `demo_session=${summary['demo+session'] ?? '-'}x p99_demo_session_ms=${summary['p99_demo+session'] ?? '-'} ` +
        `replicas_pg=${replicas ? summary[replicas.label] : '-'}x ` +
        `demo_vs_raw=${vsRaw('demo', 'raw_demo')} nightly_vs_raw=${vsRaw('nightly', 'raw')} ` +
        `p99_raw_ms=${summary.p99_raw} p99_raw_demo_ms=${summary.p99_raw_demo ?? '-'} ` +
        `cold_start_ms=${medianMs(cold[0])} cold_start_demo_ms=${medianMs(cold[1])} load_avg=${os.loadavg()[0].toFixed(2)}`,
    );
  } finally {
    for (const stop of stops) await stop().catch(() => {});
    await pgDb?.drop().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function runSoak(seconds: number, connections: number, followers: number): Promise<void> {
  const tmp = makeTmp();
  const targets: SoakTarget[] = [];
  try {
    let port = 19000 + (process.pid % 1000);
    const metrics = (label: string) => ({ SKYPILOT_METRICS_PORT: String(port++), label });
    const n = metrics('nightly');
    const nightly = await startServer({ tmp, label: 'nightly', env: { SKYPILOT_METRICS_PORT: n.SKYPILOT_METRICS_PORT } });
    targets.push({
      label: 'nightly',
      children: [nightly.child],
      requestsDb: nightly.requestsDb,
      metricsPort: Number(n.SKYPILOT_METRICS_PORT),
      demo: false,
    });
    if (demoAvailable()) {
      const d = metrics('demo');
      // The soak drives the demo from one address: the limiter would answer most of it with 429, and
      // the per-client follow cap would refuse all followers but eight. Follows last a minute, so
      // every follower reconnects about ten times in ten minutes.
      const demo = await startServer({
        tmp,
        label: 'demo',
        demo: true,
        env: {
          SKYPILOT_METRICS_PORT: d.SKYPILOT_METRICS_PORT,
          SKYPILOT_RATE_LIMIT: 'off',
          SKYPILOT_LOG_FOLLOWS_PER_CLIENT: String(followers + 1),
          SKYPILOT_LOG_FOLLOW_MAX_SECONDS: '60',
        },
      });
      targets.push({
        label: 'demo',
        children: [demo.child],
        requestsDb: demo.requestsDb,
        metricsPort: Number(d.SKYPILOT_METRICS_PORT),
        demo: true,
        followers,
      });
    }
    console.log(
      `skypilot-ts soak: ${seconds}s, ${connections} connections per server, mixed reads` +
        `${demoAvailable() ? ` and refused writes on the demo, ${followers} log followers on the demo` : ''}, ` +
        `load average ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );
    await soak(targets, seconds, connections, (t) => (t.demo ? 'dev-cluster-alice' : 'dev'));
  } finally {
    for (const t of targets) for (const c of t.children) await c.stop().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function runScale(size: string, dbPath: string | undefined): Promise<void> {
  if (size !== 'full' && size !== 'small') throw new Error(`--scale-size must be full or small, got '${size}'`);
  const sizes = size === 'full' ? UPSTREAM_SCALE : SMALL_SCALE;
  console.log(
    `scale bench: ${JSON.stringify(sizes)}, node ${process.version}, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const sqlite = await runScaleBench({ backend: 'sqlite', sizes, dbPath });
  console.log(`\nSQLite (seeded in ${sqlite.seedSeconds.toFixed(1)} s)`);
  printTable(scaleTable('sqlite', sqlite.rows));
  const database = await postgresDatabase();
  if (!database) console.log(`\nPostgreSQL not reachable at ${POSTGRES_URI}: SQLite only`);
  else {
    try {
      const postgres = await runScaleBench({ backend: 'postgres', sizes, postgresUri: database.uri });
      console.log(`\nPostgreSQL (seeded in ${postgres.seedSeconds.toFixed(1)} s)`);
      printTable(scaleTable('postgres', postgres.rows));
    } finally {
      await database.drop();
    }
  }
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      soak: { type: 'string' },
      followers: { type: 'string' },
      sessions: { type: 'string' },
      'session-changes': { type: 'string' },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      connections: { type: 'string' },
      'no-page': { type: 'boolean' },
      scale: { type: 'boolean' },
      'scale-size': { type: 'string' },
      'scale-db': { type: 'string' },
    },
  });
  const int = (v: string | undefined, name: string, fallback: number) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${v}'`);
    return n;
  };
  const connections = int(values.connections, 'connections', 50);
  if (values.soak !== undefined) return runSoak(int(values.soak, 'soak', 600), connections, int(values.followers, 'followers', 50));
  if (values.sessions !== undefined)
    return runSessionsSoak(int(values.sessions, 'sessions', 2000), int(values['session-changes'], 'session-changes', 4));
  if (values.scale) return runScale(values['scale-size'] ?? 'full', values['scale-db']);
  return runBench({
    rounds: int(values.rounds, 'rounds', 3),
    seconds: int(values.seconds, 'seconds', Number(process.env.BENCH_SECONDS ?? 4)),
    connections,
    page: !values['no-page'],
  });
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
