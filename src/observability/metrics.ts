/**
 * Prometheus metrics (prom-client): requests by endpoint and status, latency histograms, the
 * executor's queue depth and live requests, the in-memory request tier, database errors, and the
 * process's own (event-loop lag, memory, GC). Labels are bounded: an endpoint is its path in the
 * endpoint table, or one of a few fixed names, never a raw URL.
 *
 * Served on a port of its own (`SKYPILOT_METRICS_PORT`, loopback by default): metrics are for the
 * operator's scraper, not for the public, and this keeps them out of the demo's allowlist entirely.
 */
import http, { type Server } from 'node:http';
import client from 'prom-client';
import { dbErrorCounts } from '../db/dbErrors';

export interface MetricsSources {
  queues(): Record<string, { running: number; queued: number }>;
  liveRequests(): number;
  memoryTier(): { entries: number; bytes: number };
  waitsWokenBy(): { event: number; poll: number };
}

export class Metrics {
  readonly registry = new client.Registry();
  readonly requests = new client.Counter({
    name: 'skypilot_http_requests_total',
    help: 'HTTP requests answered, by endpoint and status.',
    labelNames: ['endpoint', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new client.Histogram({
    name: 'skypilot_http_request_duration_seconds',
    help: 'Time to answer, by endpoint.',
    labelNames: ['endpoint'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers: [this.registry],
  });

  constructor(sources: MetricsSources) {
    client.collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    const registers = [this.registry];
    // Gauges are read from the sources at each scrape, never kept up to date in between.
    const gauge = (name: string, help: string, read: () => number) =>
      new client.Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    const queueGauge = (name: string, help: string, read: (load: { running: number; queued: number }) => number) =>
      new client.Gauge({
        name,
        help,
        labelNames: ['queue'] as const,
        registers,
        collect() {
          for (const [queue, load] of Object.entries(sources.queues())) this.set({ queue }, read(load));
        },
      });
    queueGauge('skypilot_request_queue_depth', 'Scheduled requests waiting, by queue.', (load) => load.queued);
    queueGauge('skypilot_requests_running', 'Scheduled requests running, by queue.', (load) => load.running);
    gauge('skypilot_requests_live', 'Requests of this process that have not finished.', () => sources.liveRequests());
    // Counts kept elsewhere as running totals, mirrored at each scrape by their growth since the last.
    const mirroredCounter = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      read: () => { labels: Record<L, string>; count: number }[],
    ) => {
      const reported = new Map<string, number>();
      new client.Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          for (const { labels, count } of read()) {
            const key = labelNames.map((l) => labels[l]).join('/');
            this.inc(labels, count - (reported.get(key) ?? 0));
            reported.set(key, count);
          }
        },
      });
    };
    mirroredCounter(
      'skypilot_db_errors_total',
      'Failed database statements, reads and writes, by store: busy (a lock or statement timeout past its wait) or error.',
      ['store', 'kind'],
      () => dbErrorCounts().map(({ store, kind, count }) => ({ labels: { store, kind }, count })),
    );
    mirroredCounter(
      'skypilot_request_waits_total',
      '/api/get waits on a running request, by what ended them: an event (its finish here, a replica notification) or a poll of the database (a missed or late notification).',
      ['woken_by'],
      () => {
        const waits = sources.waitsWokenBy();
        return (['event', 'poll'] as const).map((by) => ({ labels: { woken_by: by }, count: waits[by] }));
      },
    );
    gauge('skypilot_request_memory_entries', 'Requests held in the in-memory tier.', () => sources.memoryTier().entries);
    gauge('skypilot_request_memory_bytes', 'Approximate bytes held by the in-memory request tier.', () => sources.memoryTier().bytes);
  }

  observe(endpoint: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ endpoint, method, status: String(status) });
    this.latency.observe({ endpoint }, seconds);
  }

  /** A server answering GET /metrics only. */
  serve(port: number, host = '127.0.0.1'): Server {
    const server = http.createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.statusCode = 404;
        res.end();
        return;
      }
      this.registry.metrics().then(
        (text) => {
          res.setHeader('Content-Type', this.registry.contentType);
          res.end(text);
        },
        () => {
          res.statusCode = 500;
          res.end();
        },
      );
    });
    return server.listen(port, host);
  }
}
