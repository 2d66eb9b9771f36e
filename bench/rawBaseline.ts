/**
 * The benchmark's second baseline: a raw `node:http` server answering the `/status` round trip with
 * the bytes a real server sent (captured by bench.ts into a fixture file: bodies and header lines),
 * reading the body and parsing it as JSON, with nothing else in between: the physical limit of this
 * machine for those answers. The bench starts one per server it compares: the nightly's bytes for
 * `nightly_vs_raw`, the demo's (a bigger world, more headers) for `demo_vs_raw`, since the client's
 * and the kernel's share of a round trip grows with what is sent.
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
  const json = ['Content-Type', 'application/json; charset=utf-8'];
  // The captured header lines, as the real server wrote them, less those made per answer.
  const statusHeaders = fixture.statusHeaders ?? json;
  const getHeaders = fixture.getHeaders ?? json;

  const send = (res: http.ServerResponse, body: Buffer, headers: string[], extra: string[] = []) => {
    res.writeHead(200, [...headers, ...extra, 'Content-Length', String(body.length)]);
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (chunks.length) JSON.parse(Buffer.concat(chunks).toString('utf8')); // as the real servers parse bodies
      const url = req.url ?? '/';
      if (req.method === 'POST' && url === '/status') send(res, statusBody, statusHeaders, ['X-Skypilot-Request-ID', randomUUID()]);
      else if (req.method === 'GET' && url.startsWith('/api/get')) send(res, getBody, getHeaders);
      else if (req.method === 'GET' && url === '/api/health') send(res, health, json);
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
