/**
 * `/api/stream?follow=true`: followers of one request share one reader (requests/logFanOut.ts), each
 * still gets the whole log from its start and the end when the request finishes, and a client address
 * holds at most SKYPILOT_LOG_FOLLOWS_PER_CLIENT follows (a typed 429 past it, a slot freed on close).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { followCount } from '../../src/http/logFollow';
import { logSourceCount } from '../../src/requests/logFanOut';
import type { RequestRecord } from '../../src/requests/requestRecord';
import { useApiHarness } from '../helpers/api';

const h = useApiHarness();
let server: http.Server;
let port: number;
const savedCap = process.env.SKYPILOT_LOG_FOLLOWS_PER_CLIENT;

beforeAll(async () => {
  process.env.SKYPILOT_LOG_FOLLOWS_PER_CLIENT = '4';
  server = http.createServer(h.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  if (savedCap === undefined) delete process.env.SKYPILOT_LOG_FOLLOWS_PER_CLIENT;
  else process.env.SKYPILOT_LOG_FOLLOWS_PER_CLIENT = savedCap;
});

/** A request running until the test finishes it, owned by the harness's (admin) caller. */
async function runningRequest(): Promise<RequestRecord> {
  const { record } = await h.store.create(
    {
      requestId: randomUUID(),
      name: 'sky.launch',
      body: null,
      userId: 'u',
      userName: 'u',
      owner: 'local',
      clusterName: null,
      scheduleType: 'long',
      durable: false,
    },
    randomUUID,
  );
  await h.store.setRunning(record);
  return record;
}

interface Follow {
  status: number;
  body: Promise<string>;
  res: http.IncomingMessage;
}

/** Opens a follow; resolves once its answer's headers arrive (the body goes on until the end). */
function follow(id: string, localAddress = '127.0.0.1'): Promise<Follow> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: `/api/stream?request_id=${id}&follow=true`, localAddress, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        const body = new Promise<string>((done) => res.on('end', () => done(text)));
        resolve({ status: res.statusCode ?? 0, body, res });
      })
      .on('error', reject);
  });
}

async function until(what: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

it('four followers of one request share one reader, and each gets the whole log and the end', async () => {
  const record = await runningRequest();
  h.store.appendLog(record, 'line 1\n');
  const followers = await Promise.all([follow(record.requestId), follow(record.requestId)]);
  h.store.appendLog(record, 'line 2\n');
  // Two more join while the source runs: they catch up from the log's start.
  followers.push(...(await Promise.all([follow(record.requestId), follow(record.requestId)])));
  expect(followers.map((f) => f.status)).toEqual([200, 200, 200, 200]);
  expect(logSourceCount()).toBe(1);
  h.store.appendLog(record, 'line 3\n');
  await h.store.finish(record, 'SUCCEEDED', 'null', null);
  const bodies = await Promise.all(followers.map((f) => f.body));
  expect(bodies).toEqual(Array(4).fill('line 1\nline 2\nline 3\n'));
  await until(() => logSourceCount() === 0 && followCount() === 0);
  expect(logSourceCount()).toBe(0);
  expect(followCount()).toBe(0);
});

it('two followed requests: two readers, no more', async () => {
  const [a, b] = [await runningRequest(), await runningRequest()];
  const followers = await Promise.all([follow(a.requestId), follow(a.requestId), follow(b.requestId), follow(b.requestId)]);
  expect(logSourceCount()).toBe(2);
  await h.store.finish(a, 'SUCCEEDED', 'null', null);
  await h.store.finish(b, 'CANCELLED', 'null', null);
  const bodies = await Promise.all(followers.map((f) => f.body));
  expect(bodies[3]).toBe(`'sky.launch' request ${b.requestId} cancelled\n`);
  await until(() => logSourceCount() === 0);
  expect(logSourceCount()).toBe(0);
});

it('past SKYPILOT_LOG_FOLLOWS_PER_CLIENT follows from one address: a typed 429; another address and a closed slot are free', async () => {
  const record = await runningRequest();
  const held = await Promise.all(Array.from({ length: 4 }, () => follow(record.requestId, '127.0.0.2')));
  expect(held.map((f) => f.status)).toEqual([200, 200, 200, 200]);
  const refused = await follow(record.requestId, '127.0.0.2');
  expect(refused.status).toBe(429);
  expect(JSON.parse(await refused.body)).toMatchObject({ error: { code: 'too_many_follows', type: 'RateLimited' } });
  // follow=false holds nothing and is never refused.
  const once = await new Promise<number>((resolve) =>
    http.get(
      { host: '127.0.0.1', port, path: `/api/stream?request_id=${record.requestId}&follow=false`, localAddress: '127.0.0.2' },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    ),
  );
  expect(once).toBe(200);
  expect((await follow(record.requestId, '127.0.0.3')).status).toBe(200);
  held[0].res.destroy();
  await until(() => followCount() === 4);
  expect((await follow(record.requestId, '127.0.0.2')).status).toBe(200);
  // The last follower leaving stops the reader even though the request still runs.
  server.closeAllConnections();
  await until(() => logSourceCount() === 0 && followCount() === 0);
  expect(logSourceCount()).toBe(0);
  expect(followCount()).toBe(0);
  await h.store.finish(record, 'SUCCEEDED', 'null', null);
});
