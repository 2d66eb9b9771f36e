/**
 * Test only: a burst of new connections from another process (so the attacker's own work is not the
 * server's), each sending one request. `node connectionBurst.js <port> <count> <method> <path>
 * [<json body>]`, from 127.0.0.2; waits for "go" on stdin, fires the burst, and prints
 * `{"statuses": {...}, "ms": n}` once every answer is in.
 */
const http = require('node:http');

const [port, count, method, path, body] = process.argv.slice(2);
const payload = body === undefined ? null : Buffer.from(body);

function send() {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: Number(port),
        path,
        method,
        localAddress: '127.0.0.2',
        agent: false,
        headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', () => resolve('error'));
    req.end(payload ?? undefined);
  });
}

process.stdin.once('data', async () => {
  const started = performance.now();
  const statuses = {};
  for (const status of await Promise.all(Array.from({ length: Number(count) }, send))) statuses[status] = (statuses[status] ?? 0) + 1;
  process.stdout.write(`${JSON.stringify({ statuses, ms: performance.now() - started })}\n`);
  process.exit(0);
});
process.stdout.write('ready\n');
