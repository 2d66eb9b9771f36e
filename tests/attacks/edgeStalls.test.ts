/**
 * No visitor can stall the edge. Each attack a review measured runs beside a `/healthz` probe every
 * 50 ms, and the probe's worst latency is held to the baseline (the same probe with no attack) plus
 * 20 ms for a single request, and for a burst to the same burst of `/healthz` (the control) plus
 * 20 ms: oversized JSON bodies (95,000 keys, 63-deep arrays) are refused by the byte scan before any
 * parse, 2,000 query parameters before any parse, and slow clients (slowloris) are cut off by the
 * header timeout and the per-address connection cap, and 400 log follows share one reader with all
 * but the per-client cap refused; one address's burst of 128 new connections (from another process)
 * leaves another address's new connections and requests their turn (the executor's round-robin
 * and the shared slice budget). The figures are printed for the report.
 */
import http from 'node:http';
import type { Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { crc32 } from 'node:zlib';
import request from 'supertest';
import { globalUserState } from '../../src/state/globalUserState';
import { seedCluster, USER_A } from '../helpers/fixtures';
import { HEADERS_TIMEOUT_MS, MAX_CONNECTIONS_PER_ADDRESS, type ServerTimeouts } from '../../src/http/connectionGuard';
import { createApp } from '../../src/app';
import { useApiHarness } from '../helpers/api';
import { parseFollowLimits } from '../../src/http/logFollow';
import { logSourceCount } from '../../src/requests/logFanOut';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';

// Each case compares one probe's worst latency with another's, both maxima of a few dozen samples on
// a shared machine, 20 ms apart at most: a case is measured again (up to twice) before it counts as
// failed. A real stall (seconds before this edge) fails every attempt.
jest.retryTimes(2, { logErrorsBeforeRetry: true });

const h = useApiHarness();
let server: Server;
let port: number;
const figures: string[] = [];

/**
 * What is measured is this server's own stall, not the machine's: other jest workers share the two
 * cores, and their bursts land in one window (attack or control) and not the other. So this file's
 * process (the server, the probe, and the attackers it spawns) runs ahead of them while it measures,
 * where the system allows it (root, or CAP_SYS_NICE), and as before where it does not.
 */
const niceBefore = os.getPriority();
function runAhead(priority: number): void {
  try {
    os.setPriority(priority);
  } catch {
    // Not allowed here: measured at the same priority as the other workers, as before.
  }
}

beforeAll(async () => {
  runAhead(-10);
  server = h.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
  // The machine's own noise, measured the same way: the worst of a quiet second and a half.
  baseline = await worstDuring(async () => {}, 1500);
  figures.push(`baseline worst /healthz: ${baseline.toFixed(1)} ms`);
});
afterAll(async () => {
  runAhead(niceBefore);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  console.log(
    `edge stalls (load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}):\n${figures.join('\n')}`,
  );
});

/**
 * GET /healthz every 50 ms on its own connection (from 127.0.0.1); the worst latency seen. With
 * `fresh`, every probe opens a new connection, from `fresh` (another address than the attacker's).
 */
function probe(fresh?: string): { stop(): Promise<number> } {
  let running = true;
  let worst = 0;
  const agent = fresh ? false : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      http
        .get({ host: '127.0.0.1', port, path: '/healthz', agent, ...(fresh ? { localAddress: fresh } : {}) }, (res) => {
          res.resume();
          res.on('end', () => {
            worst = Math.max(worst, performance.now() - started);
            resolve();
          });
        })
        .on('error', () => {
          worst = Number.POSITIVE_INFINITY;
          resolve();
        });
    });
  const loop = (async () => {
    while (running) {
      await once();
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      if (agent) agent.destroy();
      return worst;
    },
  };
}

/** One request from `localAddress` (attackers use 127.0.0.2, so the probe's address is never capped). */
function send(method: string, path: string, body?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        localAddress: '127.0.0.2',
        agent: false,
        headers: body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The probe's worst latency while `attack` runs (and for at least `minMs`). */
async function worstDuring(attack: () => Promise<unknown>, minMs = 600, fresh?: string): Promise<number> {
  const p = probe(fresh);
  await Promise.all([attack(), new Promise((r) => setTimeout(r, minMs))]);
  return p.stop();
}

let baseline = 0;

const manyKeys = (keys: number) => {
  const parts: string[] = [];
  for (let i = 0; i < keys; i++) parts.push(`"k${i}":1`);
  return Buffer.from(`{${parts.join(',')}}`);
};
const deepArrays = (bytes: number) => {
  const one = `${'['.repeat(63)}${']'.repeat(63)}`;
  return Buffer.from(
    `[${Array(Math.floor(bytes / (one.length + 1)))
      .fill(one)
      .join(',')}]`,
  );
};
/** `n` parameters in few bytes (`a&a&...`), so the URL stays under Node's 16 KB header limit and reaches the app. */
const manyParams = (path: string, n: number) => `${path}?${Array(n).fill('a').join('&')}`;

describe('single-request attacks: worst probe under baseline + 20 ms', () => {
  // Built before the probe starts: the attacker shares this process, and its own work must not count.
  const keys95k = manyKeys(95_000);
  const deep = deepArrays(1_000_000);
  const params2k = [manyParams('/api/status', 2000), manyParams('/api/get', 2000)];
  it.each([
    ['a 1 MB object with 95,000 keys on /status', () => send('POST', '/status', keys95k)],
    ['a 1 MB object with 95,000 keys on /cost_report', () => send('POST', '/cost_report', keys95k)],
    ['63-deep arrays filling 1 MB on /jobs/queue', () => send('POST', '/jobs/queue', deep)],
    ['2,000 query parameters on /api/status', () => send('GET', params2k[0])],
    ['2,000 query parameters on /api/get', () => send('GET', params2k[1])],
  ] as const)('%s: refused with a 400, nobody waits', async (what, attack) => {
    let status = 0;
    const worst = await worstDuring(async () => {
      status = await attack();
    });
    figures.push(`${what}: ${status}, worst /healthz ${worst.toFixed(1)} ms`);
    expect(status).toBe(400);
    expect(worst).toBeLessThan(baseline + 20);
  });
});

it('the query cap answers a typed 400 naming it; 64 parameters still pass', async () => {
  const res = await request(h.app).get(manyParams('/api/status', 65));
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ type: 'ValidationError', message: 'At most 64 query parameters.' });
  expect((await request(h.app).get(manyParams('/api/status', 64))).status).toBe(200);
});

describe('a zip of 100 logs of 128 KiB (/download)', () => {
  it('is built in slices: the probe stays under baseline + 20 ms, and the archive is right', async () => {
    await seedCluster('big-logs');
    const jobId = await globalUserState.addClusterJob({ clusterName: 'big-logs', jobName: 'j', userHash: USER_A, resources: '1x[CPU:1]' });
    const line = `${'x'.repeat(1023)}\n`;
    await globalUserState.appendClusterJobLog('big-logs', jobId, line.repeat(128));
    const body = Buffer.from(JSON.stringify({ folder_paths: Array(100).fill(`~/sky_logs/big-logs/${jobId}`) }));
    let zip = Buffer.alloc(0);
    let received = 0;
    const worst = await worstDuring(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = http.request(
            {
              host: '127.0.0.1',
              port,
              path: '/download',
              method: 'POST',
              localAddress: '127.0.0.2',
              agent: false,
              headers: { 'Content-Type': 'application/json', 'Content-Length': body.length },
            },
            (res) => {
              // Only the first entry is kept (the client shares this process: its copying must not count).
              const chunks: Buffer[] = [];
              let kept = 0;
              res.on('data', (c: Buffer) => {
                received += c.length;
                if (kept < 2 * 2 ** 20) {
                  chunks.push(c);
                  kept += c.length;
                }
              });
              res.on('end', () => {
                zip = Buffer.concat(chunks);
                resolve();
              });
            },
          );
          req.on('error', reject);
          req.end(body);
        }),
    );
    figures.push(`/download of 100 x 128 KiB logs (${(received / 2 ** 20).toFixed(0)} MiB zip): worst /healthz ${worst.toFixed(1)} ms`);
    // The first entry: its CRC-32 and its bytes as stored.
    const nameLength = zip.readUInt16LE(26);
    const size = zip.readUInt32LE(18);
    const data = zip.subarray(30 + nameLength, 30 + nameLength + size);
    expect(data.toString()).toBe(line.repeat(128));
    expect(zip.readUInt32LE(14)).toBe(crc32(data));
    expect(worst).toBeLessThan(baseline + 20);
  }, 30_000);
});

describe('bursts: worst probe within the same burst of /healthz + 20 ms', () => {
  it('8 concurrent 40,000-key bodies cost no more than 8 concurrent /healthz', async () => {
    const body = manyKeys(40_000);
    const control = await worstDuring(() => Promise.all(Array.from({ length: 8 }, () => send('GET', '/healthz'))));
    const statuses: number[] = [];
    const attacked = await worstDuring(async () => {
      statuses.push(...(await Promise.all(Array.from({ length: 8 }, () => send('POST', '/status', body)))));
    });
    figures.push(`8 x 40,000 keys: worst /healthz ${attacked.toFixed(1)} ms (control burst ${control.toFixed(1)} ms)`);
    expect(statuses.every((s) => s === 400)).toBe(true);
    expect(attacked).toBeLessThan(control + 20);
  });
});

describe('400 simultaneous /api/stream?follow=true on one running request', () => {
  /** A follow from `localAddress`: its status once the headers arrive (an admitted follow stays open). */
  const openFollow = (id: string, localAddress: string, open: http.IncomingMessage[]) =>
    new Promise<number>((resolve, reject) => {
      const path = `/api/stream?request_id=${id}&follow=true`;
      http
        .get({ host: '127.0.0.1', port, path, localAddress, agent: false }, (res) => {
          if (res.statusCode === 200) open.push(res);
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });

  // From four addresses, 100 each (under the per-address connection cap): the default per-client
  // cap admits 8 of each address's 100 and refuses the rest; raised to 100 it admits all 400, and
  // they follow from the one reader.
  it.each([
    ['the default per-client cap', undefined],
    ['SKYPILOT_LOG_FOLLOWS_PER_CLIENT=100', '100'],
  ] as const)(
    'with %s: one reader for the request, the probe no worse than 400 simultaneous /healthz',
    async (_what, cap) => {
      const count = 400;
      const savedCap = process.env.SKYPILOT_LOG_FOLLOWS_PER_CLIENT;
      if (cap === undefined) delete process.env.SKYPILOT_LOG_FOLLOWS_PER_CLIENT;
      else process.env.SKYPILOT_LOG_FOLLOWS_PER_CLIENT = cap;
      const fields = { name: 'sky.launch', body: null, userId: 'u', userName: 'u', owner: 'local', clusterName: null };
      const { record } = await h.store.create({ ...fields, requestId: randomUUID(), scheduleType: 'long', durable: false }, randomUUID);
      await h.store.setRunning(record);
      h.store.appendLog(record, 'provisioning\n');
      const open: http.IncomingMessage[] = [];
      try {
        const control = await worstDuring(() => Promise.all(Array.from({ length: count }, () => send('GET', '/healthz'))));
        const statuses: number[] = [];
        let sources = 0;
        const attacked = await worstDuring(async () => {
          const answers = Array.from({ length: count }, (_, i) => openFollow(record.requestId, `127.0.0.${10 + (i % 4)}`, open));
          statuses.push(...(await Promise.all(answers)));
          sources = logSourceCount();
          // The followers keep following while the log grows.
          for (let i = 0; i < 5; i++) {
            h.store.appendLog(record, `step ${i}\n`);
            await new Promise((r) => setTimeout(r, 60));
          }
        });
        const ended = Promise.all(open.map((res) => new Promise((resolve) => res.on('end', resolve))));
        await h.store.finish(record, 'SUCCEEDED', 'null', null);
        await ended;
        const admitted = statuses.filter((s) => s === 200).length;
        figures.push(
          `${count} x /api/stream?follow=true, cap ${cap ?? 'default'}: ${admitted} followed (${sources} reader), ${statuses.filter((s) => s === 429).length} refused 429; worst /healthz ${attacked.toFixed(1)} ms (control burst ${control.toFixed(1)} ms)`,
        );
        expect(admitted).toBe(4 * parseFollowLimits({ SKYPILOT_LOG_FOLLOWS_PER_CLIENT: cap }).perClient);
        expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
        expect(sources).toBe(1);
        expect(attacked).toBeLessThan(control + 20);
      } finally {
        for (const res of open) res.destroy();
        await h.store.finish(record, 'SUCCEEDED', 'null', null).catch(() => {});
        if (savedCap === undefined) delete process.env.SKYPILOT_LOG_FOLLOWS_PER_CLIENT;
        else process.env.SKYPILOT_LOG_FOLLOWS_PER_CLIENT = savedCap;
      }
    },
    20_000,
  );
});

describe('slowloris', () => {
  /**
   * The attack runs on the same app listening with a shorter header timeout and check: the cut-off
   * is Node's (the product's values are checked below), what is measured is the edge's cost while it
   * holds the trickling connections, and each attempt takes 2 s instead of 7 (and as long again quiet).
   */
  const HEADERS_MS = 1_500;
  const CHECK_MS = 250;
  const SHORT: ServerTimeouts = { headersTimeout: HEADERS_MS, requestTimeout: 10_000, connectionsCheckingInterval: CHECK_MS };
  let shortServer: Server;
  let mainPort: number;
  beforeAll(async () => {
    mainPort = port;
    const app = createApp({ requests: h.store, dashboard: { builtDir: h.dashboardDir }, serverTimeouts: SHORT });
    shortServer = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => shortServer.once('listening', resolve));
    port = (shortServer.address() as AddressInfo).port;
  });
  afterAll(async () => {
    port = mainPort;
    shortServer.closeAllConnections();
    await new Promise((resolve) => shortServer.close(resolve));
  });

  it(`the server cuts a request's headers off at ${HEADERS_TIMEOUT_MS / 1000} s, checked every second`, () => {
    expect({
      headersTimeout: server.headersTimeout,
      requestTimeout: server.requestTimeout,
      connectionsCheckingInterval: (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval,
    }).toEqual({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 });
  });

  it(`connections trickling headers are closed at the header timeout (+ the check); the probe no worse than the same burst of /healthz`, async () => {
    const sockets: net.Socket[] = [];
    const closedAt: number[] = [];
    const count = MAX_CONNECTIONS_PER_ADDRESS + 72; // past the per-address cap
    // The control: the same number of connections, each asking /healthz at once.
    const control = await worstDuring(() => Promise.all(Array.from({ length: count }, () => send('GET', '/healthz'))));
    const started = performance.now();
    const p = probe();
    for (let i = 0; i < count; i++) {
      const socket = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
      socket.on('error', () => {});
      socket.on('close', () => closedAt.push(performance.now() - started));
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      sockets.push(socket);
    }
    const trickle = setInterval(() => {
      for (const s of sockets) if (!s.destroyed) s.write(`X-Slow-${Math.random().toString(36).slice(2)}: 1\r\n`);
    }, CHECK_MS);
    // The timeout, the check, and room for a loaded machine (load 12 took 2.1 s past 5 s + 1 s).
    const deadline = HEADERS_MS + CHECK_MS + 3000;
    while (closedAt.length < count && performance.now() - started < deadline) await new Promise((r) => setTimeout(r, 100));
    clearInterval(trickle);
    const worst = await p.stop();
    const lasted = performance.now() - started;
    for (const s of sockets) s.destroy();
    // A probe's worst over seconds is worse than over the burst's fraction of one, attack or not (GC,
    // the other test worker): the control also covers a quiet window as long as the attack lasted.
    const quiet = await worstDuring(() => new Promise((r) => setTimeout(r, lasted)));
    const capped = closedAt.filter((t) => t < 1000).length;
    figures.push(
      `slowloris, ${count} connections: ${capped} closed at once by the cap, all closed by ${Math.max(...closedAt).toFixed(0)} ms; worst /healthz ${worst.toFixed(1)} ms (control burst ${control.toFixed(1)} ms, quiet ${quiet.toFixed(1)} ms)`,
    );
    expect(closedAt.length).toBe(count);
    expect(capped).toBeGreaterThanOrEqual(count - MAX_CONNECTIONS_PER_ADDRESS);
    expect(Math.max(...closedAt)).toBeLessThan(deadline);
    expect(worst).toBeLessThan(Math.max(control, quiet) + 20);
  }, 30_000);
});

describe('fair admission: one address bursts new connections, another is not starved', () => {
  /**
   * A burst from another process (127.0.0.2), so the attacker's own work is not this process's:
   * `count` new connections at once, one request each (tests/helpers/connectionBurst.js). `started`
   * resolves once the burst is fired, `done` with its statuses once every answer is in.
   */
  function burst(count: number, method: string, path: string, body?: string) {
    const child = spawn(process.execPath, [
      'tests/helpers/connectionBurst.js',
      String(port),
      String(count),
      method,
      path,
      ...(body ? [body] : []),
    ]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const ready = new Promise<void>((resolve) => {
      const check = () => (out.includes('ready') ? resolve() : setTimeout(check, 5));
      check();
    });
    const done = new Promise<Record<string, number>>((resolve) =>
      child.once('exit', () => resolve(JSON.parse(out.split('\n')[1] || '{"statuses":{}}').statuses)),
    );
    return {
      fire: async () => {
        await ready;
        child.stdin.write('go\n');
      },
      done,
    };
  }
  const COUNT = MAX_CONNECTIONS_PER_ADDRESS;

  beforeAll(async () => {
    // Something for /cost_report to compute: a few dozen clusters with history.
    for (let i = 0; i < 40; i++) await seedCluster(`fair-${i}`);
  });

  it(`${COUNT} new connections of /cost_report from one address: a new connection from another is not held for the burst's work`, async () => {
    const run = async (path: string, method: string, body?: string) => {
      const b = burst(COUNT, method, path, body);
      let statuses: Record<string, number> = {};
      let burstMs = 0;
      const worst = await worstDuring(
        async () => {
          const started = performance.now();
          await b.fire();
          statuses = await b.done;
          burstMs = performance.now() - started;
        },
        600,
        '127.0.0.3',
      );
      return { worst, statuses, burstMs };
    };
    // Once unmeasured: the first burst of a path pays for compiling its code, which no later one does.
    await run('/cost_report', 'POST', '{}');
    const control = await run('/healthz', 'GET');
    const attacked = await run('/cost_report', 'POST', '{}');
    figures.push(
      `${COUNT} new connections of POST /cost_report from one address (served in ${attacked.burstMs.toFixed(0)} ms): worst /healthz on a new connection from another ${attacked.worst.toFixed(1)} ms (control burst of /healthz ${control.worst.toFixed(1)} ms)`,
    );
    expect([control.statuses, attacked.statuses]).toEqual([{ 200: COUNT }, { 200: COUNT }]);
    // Starved, the other address waited for the burst's whole work (264-877 ms before fair
    // admission, about the burst's own time). Admitted fairly it waits for a share of it: admitting
    // 128 cost reports is still more work than 128 health checks (25-121 ms against 2-5 ms in full
    // runs on 2 cores), which the note reports. The ordering test below is the exact proof.
    expect(attacked.worst).toBeLessThan(Math.max(attacked.burstMs / 2, Math.max(control.worst, baseline) + 20));
  }, 30_000);

  it("another address's own request is served between the burst's, not after it", async () => {
    // Each cost report waits 20 ms for its history (as a database across the network would), so the
    // burst's requests surely queue behind the executor's sixteen places, however fast the machine.
    const read = globalUserState.getClustersFromHistory;
    globalUserState.getClustersFromHistory = async (...args) => {
      await new Promise((r) => setTimeout(r, 20));
      return read(...args);
    };
    try {
      await servedBetween();
    } finally {
      globalUserState.getClustersFromHistory = read;
    }
  }, 30_000);

  async function servedBetween(): Promise<void> {
    const b = burst(COUNT, 'POST', '/cost_report', '{}');
    await b.fire();
    // The burst's requests are accepted and queued in the executor (16 run at a time).
    const deadline = Date.now() + 10_000;
    const waitedFrom = Date.now();
    while (h.store.liveCount() < COUNT / 2 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    const waited = Date.now() - waitedFrom;
    const queuedAhead = h.store.liveCount();
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/cost_report',
          method: 'POST',
          localAddress: '127.0.0.3',
          agent: false,
          headers: { 'Content-Type': 'application/json' },
        },
        resolve,
      );
      req.on('error', reject);
      req.end('{}');
    });
    res.resume();
    const id = res.headers['x-skypilot-request-id'] as string;
    while ((await h.store.get(id))?.status !== 'SUCCEEDED') await new Promise((r) => setImmediate(r));
    const burstLeft = h.store.liveCount();
    const statuses = await b.done;
    figures.push(
      `another address's /cost_report during the burst (${JSON.stringify(statuses)}, queued after ${waited} ms): ${queuedAhead} of the burst's live when it came, ${burstLeft} still live when it was done`,
    );
    expect(statuses).toEqual({ 200: COUNT });
    // First come, first served, it would have waited for every one of them; taking turns, for a few.
    expect(queuedAhead).toBeGreaterThanOrEqual(COUNT / 2);
    expect(burstLeft).toBeGreaterThan(queuedAhead / 2);
  }
});
