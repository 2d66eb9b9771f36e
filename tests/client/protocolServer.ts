/**
 * A tiny, protocol-faithful SkyPilot API server for the client's retry and idempotency tests.
 *
 * - Scheduled writes (`POST /stop`, `/down`) and reads (`POST /status`) answer 200 + `X-Skypilot-Request-ID`;
 *   results come from `GET /api/get` (200 payload, or 500 `{detail: payload}` when FAILED).
 * - A client-supplied `X-Skypilot-Request-ID` that already exists is a retry: the existing id is
 *   returned and the write does not run again (what the real server does).
 * - `failNext(path, plan)` makes the next N requests to a path fail on purpose: 503, a dropped
 *   connection before the write runs, a dropped connection *after* it ran, or a fixed HTTP error.
 * Listens on 127.0.0.1 with an ephemeral port.
 */
import express from 'express';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { ListeningApp } from '../helpers/listeningApp';

export type FailureMode = '503' | 'reset' | 'reset-after-run' | 'http';

export interface FailurePlan {
  mode: FailureMode;
  times: number;
  /** For `http`. */
  status?: number;
  body?: unknown;
}

interface StoredRequest {
  request_id: string;
  name: string;
  status: 'SUCCEEDED' | 'FAILED';
  return_value: string;
  error: string;
}

type Outcome = { ok: true; value: unknown } | { ok: false; type: string; message: string };

export interface ProtocolServerOptions {
  /** `null` = send no API version at all (not a SkyPilot server). */
  apiVersion?: string | null;
  clusters?: Record<string, unknown>[];
}

export class ProtocolServer extends ListeningApp {
  /** Attempts per "METHOD path". */
  readonly attempts = new Map<string, number>();
  /** How many times each cluster's write really ran. */
  readonly writesRun = new Map<string, number>();
  /** Request ids seen per "METHOD path", in order (including retries). */
  readonly requestIds = new Map<string, string[]>();
  readonly bodies: unknown[] = [];
  readonly headers: Record<string, string | string[] | undefined>[] = [];
  healthCalls = 0;
  private readonly plans = new Map<string, FailurePlan>();
  private readonly store = new Map<string, StoredRequest>();

  constructor(private readonly options: ProtocolServerOptions = {}) {
    super();
  }

  failNext(route: string, plan: FailurePlan): void {
    this.plans.set(route, { ...plan });
  }

  private count(route: string, req: Request): void {
    this.attempts.set(route, (this.attempts.get(route) ?? 0) + 1);
    const ids = this.requestIds.get(route) ?? [];
    ids.push(req.get('X-Skypilot-Request-ID') ?? '');
    this.requestIds.set(route, ids);
    this.headers.push({ ...req.headers });
  }

  /** Applies a failure plan before the handler; returns true when the request was consumed. */
  private failBefore(route: string, res: Response): FailurePlan | undefined {
    const plan = this.plans.get(route);
    if (!plan || plan.times <= 0) return undefined;
    plan.times -= 1;
    if (plan.mode === '503') {
      res.status(503).json({ detail: 'Server is busy, please retry.' });
    } else if (plan.mode === 'reset') {
      res.socket?.destroy();
    } else if (plan.mode === 'http') {
      res.status(plan.status ?? 500).json(plan.body ?? { detail: 'failed on purpose' });
    }
    return plan;
  }

  private schedule(req: Request, res: Response, name: string, work: () => Outcome): void {
    const route = `${req.method} ${req.path}`;
    this.count(route, req);
    const plan = this.failBefore(route, res);
    if (plan && plan.mode !== 'reset-after-run') return;
    const clientId = req.get('X-Skypilot-Request-ID');
    const requestId = clientId && this.store.has(clientId) ? clientId : (clientId ?? randomUUID());
    if (!this.store.has(requestId)) {
      this.bodies.push(req.body);
      const outcome = work();
      this.store.set(requestId, {
        request_id: requestId,
        name,
        status: outcome.ok ? 'SUCCEEDED' : 'FAILED',
        return_value: outcome.ok ? JSON.stringify(outcome.value ?? null) : 'null',
        error: outcome.ok ? 'null' : JSON.stringify({ type: outcome.type, message: outcome.message }),
      });
    }
    if (plan?.mode === 'reset-after-run') {
      res.socket?.destroy(); // the write ran, but the client never hears about it
      return;
    }
    res.setHeader('X-Skypilot-Request-ID', requestId);
    res.json(null);
  }

  private write(req: Request, res: Response, name: string): void {
    this.schedule(req, res, name, () => {
      const cluster = String((req.body as { cluster_name?: unknown }).cluster_name);
      if (cluster === 'missing') return { ok: false, type: 'ClusterDoesNotExist', message: `Cluster '${cluster}' does not exist.` };
      this.writesRun.set(cluster, (this.writesRun.get(cluster) ?? 0) + 1);
      return { ok: true, value: null };
    });
  }

  protected app(): express.Express {
    const app = express();
    app.use(express.json());
    app.get('/api/health', (req, res) => {
      this.healthCalls += 1;
      this.count('GET /api/health', req);
      if (this.failBefore('GET /api/health', res)) return;
      const version = this.options.apiVersion === undefined ? '27' : this.options.apiVersion;
      if (version !== null) res.setHeader('X-SkyPilot-API-Version', version);
      res.json({ status: 'healthy', ...(version !== null ? { api_version: version } : {}), version: '1.0.0-dev0', commit: 'test' });
    });
    app.post('/stop', (req, res) => this.write(req, res, 'sky.stop'));
    app.post('/down', (req, res) => this.write(req, res, 'sky.down'));
    app.post('/status', (req, res) => this.schedule(req, res, 'sky.status', () => ({ ok: true, value: this.options.clusters ?? [] })));
    app.post('/logs', (req, res) => {
      this.count('POST /logs', req);
      if (this.failBefore('POST /logs', res)) return;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.write('line 1\n');
      setTimeout(() => {
        res.write('line 2 ✓\n');
        res.end();
      }, 20);
    });
    app.get('/api/get', (req, res) => {
      this.count('GET /api/get', req);
      if (this.failBefore('GET /api/get', res)) return;
      const stored = this.store.get(String(req.query.request_id));
      if (!stored) {
        res.status(404).json({ detail: `Request ${String(req.query.request_id)} not found` });
        return;
      }
      if (stored.status === 'FAILED') res.status(500).json({ detail: stored });
      else res.json(stored);
    });
    return app;
  }
}
