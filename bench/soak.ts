/**
 * Soak: the nightly and the demo side by side under continuous mixed load for a given time, with
 * what an operator watches printed at the start, every minute and at the end: resident memory,
 * event-loop delay p99 (from the server's own Prometheus metrics, over the last interval), the
 * requests database's size on disk, round trips and errors so far.
 *
 * The mix per virtual client: the `/status` round trip, health, the cost report and managed-job
 * queue round trips, users, a cluster's log, and on the demo two refused writes (a refusal is part of
 * a public demo's traffic).
 */
import autocannon from 'autocannon';
import { rssBytes, sqliteBytes } from './children';
import { type Followers, startFollowers } from './followers';
import { requestIdOf } from './roundTrip';
import type { Variant } from './variants';

export interface SoakTarget extends Variant {
  metricsPort: number;
  demo: boolean;
  /** Log followers kept connected (the demo only: the nightly does not follow). */
  followers?: number;
}

interface Ctx {
  rid?: string | null;
}

function scheduled(method: 'POST' | 'GET', path: string, body?: string): autocannon.Request[] {
  return [
    {
      method,
      path,
      headers: { 'content-type': 'application/json' },
      body,
      onResponse: (_s, _b, context, headers) => {
        (context as Ctx).rid = requestIdOf(headers as Record<string, unknown>);
      },
    },
    {
      method: 'GET',
      path: '/api/get',
      setupRequest: (req, context) => {
        const rid = (context as Ctx).rid;
        return { ...req, path: rid ? `/api/get?request_id=${encodeURIComponent(rid)}` : '/api/get' };
      },
    },
  ];
}

function mix(demo: boolean, cluster: string): autocannon.Request[] {
  return [
    ...scheduled('POST', '/status', '{}'),
    { method: 'GET', path: '/api/health' },
    ...scheduled('POST', '/cost_report', '{"days": 30}'),
    ...scheduled('POST', '/jobs/queue/v2', '{"limit": 10, "page": 1}'),
    { method: 'GET', path: '/users' },
    { method: 'POST', path: '/logs', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cluster_name: cluster }) },
    ...(demo
      ? [
          {
            method: 'POST' as const,
            path: '/down',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ cluster_name: cluster }),
          },
          { method: 'POST' as const, path: '/users/delete', headers: { 'content-type': 'application/json' }, body: '{"user_id": "x"}' },
        ]
      : []),
  ];
}

interface Scraped {
  loopP99Ms: number;
  heapUsedBytes: number;
  tierEntries: number;
  tierBytes: number;
}

/** What the server's own metrics say: event-loop delay p99, heap in use, the in-memory request tier. */
async function scrape(metricsPort: number): Promise<Scraped> {
  let text = '';
  try {
    text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  } catch {
    // Reported as NaN: a scrape that fails under load is itself worth seeing.
  }
  const read = (name: string) => Number(new RegExp(`^${name}\\s+([0-9.eE+-]+)`, 'm').exec(text)?.[1] ?? NaN);
  return {
    loopP99Ms: read('nodejs_eventloop_lag_p99_seconds') * 1000,
    heapUsedBytes: read('nodejs_heap_size_used_bytes'),
    tierEntries: read('skypilot_request_memory_entries'),
    tierBytes: read('skypilot_request_memory_bytes'),
  };
}

const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

async function report(
  targets: SoakTarget[],
  elapsedS: number,
  counts: Map<string, { done: number; errors: number; non2xx: number }>,
  followers: Map<string, Followers>,
) {
  for (const t of targets) {
    const pid = t.children[0].process.pid!;
    const m = await scrape(t.metricsPort);
    const c = counts.get(t.label)!;
    const f = followers.get(t.label)?.stats;
    const follows = f ? ` follows=${f.open} open/${f.opened} opened/${mb(f.bytes)}MB received/${f.refused} refused` : '';
    console.log(
      `soak t=${String(Math.round(elapsedS)).padStart(5)}s ${t.label.padEnd(8)} rss=${mb(rssBytes(pid))}MB ` +
        `heap=${mb(m.heapUsedBytes)}MB tier=${m.tierEntries}/${mb(m.tierBytes)}MB ` +
        `loop_p99=${m.loopP99Ms.toFixed(1)}ms requests_db=${t.requestsDb ? mb(sqliteBytes(t.requestsDb)) : '-'}MB ` +
        `responses=${c.done} non2xx=${c.non2xx} errors=${c.errors}${follows}`,
    );
  }
}

export async function soak(targets: SoakTarget[], seconds: number, connections: number, clusterOf: (t: SoakTarget) => string) {
  const counts = new Map(targets.map((t) => [t.label, { done: 0, errors: 0, non2xx: 0 }]));
  const followers = new Map<string, Followers>();
  for (const t of targets) {
    if (t.followers) followers.set(t.label, startFollowers(t.children[0].url, t.followers, 'inference-cluster'));
  }
  const started = Date.now();
  await report(targets, 0, counts, followers);
  const timer = setInterval(() => {
    void report(targets, (Date.now() - started) / 1000, counts, followers);
  }, 60_000);
  try {
    const runs = targets.map((t) => {
      const instance = autocannon(
        {
          url: t.children[0].url,
          connections,
          duration: seconds,
          requests: mix(t.demo, clusterOf(t)),
        },
        () => undefined,
      );
      const c = counts.get(t.label)!;
      instance.on('response', (_client: unknown, statusCode: number) => {
        c.done++;
        if (statusCode >= 300) c.non2xx++;
      });
      instance.on('reqError', () => {
        c.errors++;
      });
      return instance;
    });
    await Promise.all(runs.map((r) => new Promise<void>((resolve) => r.on('done', () => resolve()))));
  } finally {
    clearInterval(timer);
  }
  await report(targets, (Date.now() - started) / 1000, counts, followers);
  await Promise.all([...followers.values()].map((f) => f.stop()));
}
