/**
 * `npm run bench -- --scale [--scale-db FILE] [--scale-size full|small]`: the calls upstream's nightly
 * scale test makes, against a server over upstream's production scale (seedScale.ts), on SQLite and,
 * when reachable, PostgreSQL. For each call: the round trip (POST, then `/api/get`), the answer's
 * size, the slowest `/api/health` answer while it ran (a probe every 50 ms: how long the call held
 * the server for everyone else), the server's largest resident set, and the request's own time on
 * the server (created to finished, from its payload: the round trip less scheduling, `/api/get`'s
 * quoting and the transfer).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Child, rssBytes, startChild } from './children';
import { probeHealth } from './healthProbe';
import { type ScaleSizes, seedScale } from './seedScale';

const PROBE_INTERVAL_MS = 50;

export const SMALL_SCALE: ScaleSizes = { clusters: 150, history: 22_000, events: 29_000, jobsActive: 1_250, jobsFinished: 3_750 };

interface Call {
  label: string;
  path: string;
  body: unknown;
}

const CALLS = (clusterHash: string): Call[] => [
  { label: 'sky status (all users)', path: '/status', body: { all_users: true } },
  { label: 'jobs page 1 (50, v2)', path: '/jobs/queue/v2', body: { all_users: true, skip_finished: false, page: 1, limit: 50 } },
  { label: 'full jobs fetch (unpaginated)', path: '/jobs/queue', body: { all_users: true, skip_finished: false } },
  { label: 'cost report, 30 days', path: '/cost_report', body: { days: 30 } },
  { label: "one cluster's history", path: '/cost_report', body: { days: 365, cluster_hashes: [clusterHash] } },
];

export interface ScaleRow {
  label: string;
  ms: number;
  status: number;
  bytes: number;
  rows: number;
  worstStallMs: number;
  maxRssMb: number;
  /** The request's own time on the server, created to finished (its payload's times): no transfer. */
  serverMs: number;
}

async function measure(child: Child, call: Call): Promise<ScaleRow> {
  let maxRss = rssBytes(child.process.pid!);
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, rssBytes(child.process.pid!));
  }, 100);
  const probing = probeHealth(child.port, PROBE_INTERVAL_MS);
  const started = performance.now();
  const post = await fetch(`${child.url}${call.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(call.body),
  });
  await post.text();
  const id = post.headers.get('x-skypilot-request-id');
  const get = await fetch(`${child.url}/api/get?request_id=${encodeURIComponent(id ?? '')}`);
  const text = await get.text();
  const ms = performance.now() - started;
  const worstStallMs = (await probing.stop()).maxMs;
  clearInterval(sampler);
  let rows = -1;
  let serverMs = Number.NaN;
  try {
    const payload = JSON.parse(text) as { return_value: string; created_at: number; finished_at: number };
    serverMs = (payload.finished_at - payload.created_at) * 1000;
    const value = JSON.parse(payload.return_value) as unknown;
    rows = Array.isArray(value)
      ? value.length
      : Array.isArray((value as { jobs?: unknown[] }).jobs)
        ? (value as { jobs: unknown[] }).jobs.length
        : -1;
  } catch {
    // reported as -1: the status says why
  }
  return { label: call.label, ms, status: get.status, bytes: text.length, rows, worstStallMs, maxRssMb: maxRss / 2 ** 20, serverMs };
}

export async function runScaleBench(options: { backend: 'sqlite' | 'postgres'; postgresUri?: string; sizes: ScaleSizes; dbPath?: string }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skyts-scale-'));
  const stateDb = options.dbPath ?? path.join(tmp, 'state.db');
  const target = options.postgresUri
    ? { kind: 'postgres' as const, uri: options.postgresUri }
    : { kind: 'sqlite' as const, path: stateDb, createDir: true };
  const seedStarted = performance.now();
  if (options.postgresUri || !fs.existsSync(stateDb)) await seedScale(target, options.sizes);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: tmp, SKYPILOT_RATE_LIMIT: 'off' };
  delete env.SKYPILOT_DB_CONNECTION_URI;
  if (options.postgresUri) env.SKYPILOT_DB_CONNECTION_URI = options.postgresUri;
  const args = [
    'dist/src/server.js',
    '--port',
    '0',
    ...(options.postgresUri ? [] : ['--db-path', stateDb, '--requests-db', path.join(tmp, 'requests.db')]),
  ];
  const child = await startChild(`scale-${options.backend}`, args, env);
  try {
    // A cluster with history: the first live one (seedScale's hashes are deterministic).
    const clusterHash = `${(0).toString(16).padStart(8, '0')}-0000-4000-8000-${(1).toString(16).padStart(12, '0')}`;
    const rows: ScaleRow[] = [];
    for (const call of CALLS(clusterHash)) rows.push(await measure(child, call));
    return { rows, seedSeconds };
  } finally {
    await child.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function scaleTable(backend: string, rows: ScaleRow[]): string[][] {
  return [
    [`call (${backend})`, 'ms', 'server ms', 'status', 'rows', 'MB', 'worst health stall ms', 'max rss MB'],
    ...rows.map((r) => [
      r.label,
      r.ms.toFixed(0),
      r.serverMs.toFixed(0),
      String(r.status),
      String(r.rows),
      (r.bytes / 2 ** 20).toFixed(1),
      r.worstStallMs.toFixed(0),
      r.maxRssMb.toFixed(0),
    ]),
  ];
}
