/**
 * A fake SkyPilot API server whose every name is hostile terminal text. It speaks just enough of the
 * protocol for `sky users ls`, `sky status`, `sky api info` and a failing `sky down`: health with an
 * API version, direct GETs, and scheduled requests answered through `GET /api/get`.
 */
import express from 'express';
import { ListeningApp } from '../helpers/listeningApp';

/** ESC[2J (clear screen), BEL, a right-to-left override, and a newline that would forge a row. */
export const HOSTILE = 'ev\u001b[2Jil\u0007\u202egnp.exe\nforged-row';
/** How it must print. */
export const HOSTILE_SHOWN = 'ev\\x1b[2Jil\\x07\\u202egnp.exe\\nforged-row';

export const HOSTILE_USER = { id: 'abcd1234', name: HOSTILE, created_at: 1_700_000_000, role: 'admin', user_type: 'basic' };
export const HOSTILE_CLUSTER = {
  name: HOSTILE,
  user_name: HOSTILE,
  workspace: 'default',
  cloud: 'AWS',
  region: 'us-east-1',
  resources_str: '1x AWS(m6i.2xlarge)',
  status: 'UP',
  autostop: -1,
  to_down: false,
  launched_at: 1_700_000_000,
};

type Result = { ok: true; value: unknown } | { ok: false; type: string; message: string };

export class HostileServer extends ListeningApp {
  private readonly results = new Map<string, Result>();
  private next = 0;

  private schedule(res: express.Response, result: Result): void {
    this.next += 1;
    const id = `req-${this.next}`;
    this.results.set(id, result);
    res.setHeader('X-Skypilot-Request-ID', id);
    res.json(null);
  }

  protected app(): express.Express {
    const app = express();
    app.use(express.json());
    app.get('/api/health', (_req, res) => {
      res.setHeader('X-SkyPilot-API-Version', '27');
      res.json({ status: 'healthy', api_version: '27', version: '1.0.0-dev0', commit: 'test', user: { id: 'abcd1234', name: HOSTILE } });
    });
    app.get('/users', (_req, res) => res.json([HOSTILE_USER]));
    app.post('/status', (_req, res) => this.schedule(res, { ok: true, value: [HOSTILE_CLUSTER] }));
    app.post('/down', (_req, res) =>
      this.schedule(res, { ok: false, type: 'ClusterDoesNotExist', message: `Cluster '${HOSTILE}' does not exist.` }),
    );
    app.get('/api/get', (req, res) => {
      const id = String(req.query.request_id);
      const result = this.results.get(id);
      if (!result) {
        res.status(404).json({ detail: `Request ${id} not found` });
      } else if (result.ok) {
        res.json({ request_id: id, status: 'SUCCEEDED', return_value: JSON.stringify(result.value), error: 'null' });
      } else {
        const error = JSON.stringify({ type: result.type, message: result.message });
        res.status(500).json({ detail: { request_id: id, status: 'FAILED', return_value: 'null', error } });
      }
    });
    return app;
  }
}
