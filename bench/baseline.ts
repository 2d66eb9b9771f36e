/**
 * The benchmark's baseline: a bare Express 5 app that answers the `/status` round trip with the bytes
 * the real server sent (captured by bench.ts into a fixture file), doing no work in between. It
 * parses JSON bodies as the real app does, so the difference is the server's own work.
 *
 * Usage: node dist/bench/baseline.js <fixture.json>   (listens on 127.0.0.1, an ephemeral port)
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import express from 'express';

export interface BaselineFixture {
  /** Body of the POST /status answer (`null`). */
  statusBody: string;
  /** Body of the GET /api/get answer (the request payload JSON). */
  getBody: string;
  /** Header lines of the two answers as [name, value, ...], less those made per answer (raw baseline only). */
  statusHeaders?: string[];
  getHeaders?: string[];
}

function main(): void {
  const fixturePath = process.argv[2];
  if (!fixturePath) throw new Error('usage: baseline.js <fixture.json>');
  const fixture = JSON.parse(fs.readFileSync(fixturePath, 'utf8')) as BaselineFixture;
  const statusBody = Buffer.from(fixture.statusBody);
  const getBody = Buffer.from(fixture.getBody);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '1mb' }));
  app.post('/status', (_req, res) => {
    const id = randomUUID();
    res.setHeader('X-Skypilot-Request-ID', id);
    res.type('application/json').send(statusBody);
  });
  // Only so the bench's start-up check (the first 200 on /api/health) treats it like the others.
  app.get('/api/health', (_req, res) => {
    res.json({ status: 'healthy' });
  });
  app.get('/api/get', (_req, res) => {
    res.type('application/json').send(getBody);
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    console.log(`baseline listening on http://127.0.0.1:${port}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
