/**
 * The benchmark's second baseline: a raw `node:http` server answering the `/status` round trip with
 * the same bytes as the Express baseline (bench/baseline.ts, the same fixture file), reading the body
 * and parsing it as JSON, with nothing else in between: the physical limit of this machine for these
 * answers. The summary reports `demo_vs_raw` and `nightly_vs_raw` against it.
 *
 * Usage: node dist/bench/rawBaseline.js <fixture.json>   (listens on 127.0.0.1, an ephemeral port)
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { BaselineFixture } from './baseline';

function main(): void {
  const fixturePath = process.argv[2];
  if (!fixturePath) throw new Error('usage: rawBaseline.js <fixture.json>');
  const fixture = JSON.parse(fs.readFileSync(fixturePath, 'utf8')) as BaselineFixture;
  const statusBody = Buffer.from(fixture.statusBody);
  const getBody = Buffer.from(fixture.getBody);
  const health = Buffer.from('{"status":"healthy"}');

  const send = (res: http.ServerResponse, body: Buffer, headers: Record<string, string> = {}) => {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, ...headers });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (chunks.length) JSON.parse(Buffer.concat(chunks).toString('utf8')); // as the real servers parse bodies
      const url = req.url ?? '/';
      if (req.method === 'POST' && url === '/status') send(res, statusBody, { 'X-Skypilot-Request-ID': randomUUID() });
      else if (req.method === 'GET' && url.startsWith('/api/get')) send(res, getBody);
      else if (req.method === 'GET' && url === '/api/health') send(res, health);
      else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  server.keepAliveTimeout = 5000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    console.log(`raw baseline listening on http://127.0.0.1:${port}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
