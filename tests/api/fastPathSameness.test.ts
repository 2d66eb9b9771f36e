/**
 * The lean path (src/http/fastPath.ts) and the Express path answer the hot round trip alike: the same
 * status, the same header lines in the same order and the same body bytes, request ids, dates and
 * request times aside. Each row is sent to one app twice, through its listener (where the lean path
 * answers `POST /status` and `GET /api/get`) and through its Express app alone, on the demo (pinned
 * world, visitors told apart by address) and on the nightly. Rows cover what the lean path must
 * keep: admission (the demo's header, version check), body limits and validation, the role check,
 * client-chosen ids, a caller registered by the executor, the official dashboard's envelope,
 * visibility between visitors, and unknown ids; the requests both paths made are listed alike by
 * `/api/status`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type SkyApp } from '../../src/app';
import { type DemoInstallation, installDemo } from '../../src/demo/installDemo';
import { parseTrustedProxies } from '../../src/http/clientAddress';
import { RequestStore } from '../../src/requests/requestStore';
import { PINNED_NOW } from '../demo/demoApp';
import { seedCluster } from '../helpers/fixtures';
import { closeTempState, openTempState, type TempState } from '../helpers/tempState';

interface Answer {
  status: number;
  /** Header lines as sent (name, value, ...), the date and request ids made neutral. */
  headers: string[];
  body: string;
  requestId: string | null;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function neutral(text: string): string {
  return text
    .replace(UUID, '<id>')
    .replace(/"(created_at|finished_at)":[0-9.e+]+/g, '"$1":<t>')
    .replace(/"pid":\d+/, '"pid":<pid>')
    .replace(/-(lean|plain)\b/g, '-<path>');
}

function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const lines: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i];
          if (name.toLowerCase() === 'date') continue;
          // The length moves with the request's times (`1.5` vs `1.25`): held to the bytes sent instead.
          const length = name.toLowerCase() === 'content-length';
          if (length && Number(res.rawHeaders[i + 1]) !== body.length)
            reject(new Error(`Content-Length ${res.rawHeaders[i + 1]}, sent ${body.length}`));
          lines.push(name, length ? '<length>' : neutral(res.rawHeaders[i + 1]));
        }
        const id = res.headers['x-skypilot-request-id'];
        resolve({
          status: res.statusCode ?? 0,
          headers: lines,
          body: body.toString('utf8'),
          requestId: typeof id === 'string' ? id : null,
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const DASHBOARD = { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': 'dashboard;' };
const PYTHON = { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': '1.0.0' };
const VISITOR_A = { 'X-Forwarded-For': '203.0.113.10' };
const VISITOR_B = { 'X-Forwarded-For': '203.0.113.11' };

interface Row {
  name: string;
  path?: string;
  headers?: Record<string, string>;
  body: string;
  /** Who fetches the result (another visitor must not see it). */
  fetchAs?: Record<string, string>;
  status: number;
  /** What the fetch answers; per mode where they differ (on the nightly every caller is an admin). */
  fetchStatus?: number | { demo: number; nightly: number };
}

const ROWS: Row[] = [
  { name: 'an empty body', body: '{}', status: 200, fetchStatus: 200 },
  { name: 'an empty body again (settled from the snapshot)', body: '{}', status: 200, fetchStatus: 200 },
  { name: 'no body at all', body: '', headers: {}, status: 200, fetchStatus: 200 },
  { name: 'all users', body: '{"all_users": true}', status: 200, fetchStatus: 200 },
  { name: 'name patterns', body: '{"cluster_names": ["dev-*", "nope"], "refresh": "NONE"}', status: 200, fetchStatus: 200 },
  { name: 'the dashboard prefix', path: '/internal/dashboard/status', body: '{}', status: 200, fetchStatus: 200 },
  { name: "the official dashboard's envelope", headers: DASHBOARD, body: '{"all_users": true}', status: 200, fetchStatus: 200 },
  {
    name: 'the official CLI naming its user (registered by the executor)',
    headers: PYTHON,
    body: '{"env_vars": {"SKYPILOT_USER": "alice", "SKYPILOT_USER_ID": "abcd1234"}}',
    status: 200,
    fetchStatus: 200,
  },
  { name: 'a client-chosen id', headers: { 'X-Skypilot-Request-ID': 'client-chosen-0001' }, body: '{}', status: 200, fetchStatus: 200 },
  { name: "another visitor's request", body: '{}', fetchAs: VISITOR_B, status: 200, fetchStatus: { demo: 404, nightly: 200 } },
  { name: 'a wrong field', body: '{"all_users": "yes"}', status: 400 },
  { name: 'JSON that does not parse', body: '{"all_users": ', status: 400 },
  { name: 'JSON nested too deep', body: `${'['.repeat(70)}${']'.repeat(70)}`, status: 400 },
  { name: 'a client too old', headers: { 'X-SkyPilot-API-Version': '3', 'X-SkyPilot-Version': '0.1' }, body: '{}', status: 400 },
];

interface Setup {
  app: SkyApp;
  close(): Promise<void>;
}

async function demoSetup(): Promise<Setup> {
  process.env.SKYPILOT_NOW = PINNED_NOW;
  const demo: DemoInstallation = installDemo({ reloadMs: 0, log: () => {} });
  const store = await RequestStore.openSqlite(':memory:');
  const app = createApp({ requests: store, trustProxy: parseTrustedProxies('loopback'), getTimeoutMs: 5000 });
  return {
    app,
    close: async () => {
      demo.restore();
      await store.close();
      delete process.env.SKYPILOT_NOW;
    },
  };
}

async function nightlySetup(): Promise<Setup> {
  const state: TempState = await openTempState();
  await seedCluster('dev-same');
  const store = await RequestStore.openSqlite(':memory:');
  const app = createApp({ requests: store, trustProxy: parseTrustedProxies('loopback'), getTimeoutMs: 5000 });
  return {
    app,
    close: async () => {
      await store.close();
      await closeTempState(state);
    },
  };
}

function listen(handler: http.RequestListener): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

describe.each([
  ['demo', demoSetup],
  ['nightly', nightlySetup],
] as const)('the lean path and the Express path answer alike (%s)', (label, setup) => {
  let s: Setup;
  let lean: http.Server;
  let plain: http.Server;
  const port = (server: http.Server) => (server.address() as AddressInfo).port;

  beforeAll(async () => {
    s = await setup();
    lean = await listen(s.app);
    plain = await listen(s.app.express);
  });
  afterAll(async () => {
    await new Promise((resolve) => lean.close(resolve));
    await new Promise((resolve) => plain.close(resolve));
    await s.close();
  });

  const idsMade: { lean: string[]; plain: string[] } = { lean: [], plain: [] };

  it.each(ROWS)('$name', async (row) => {
    const headers: Record<string, string> = { ...(row.body ? JSON_TYPE : {}), ...VISITOR_A, ...row.headers };
    const answers: Answer[] = [];
    const fetched: Answer[] = [];
    for (const [which, server] of [
      ['lean', lean],
      ['plain', plain],
    ] as const) {
      // A client-chosen id is the caller's: each path gets its own, so neither is a retry of the other.
      const chosen = row.headers?.['X-Skypilot-Request-ID'];
      const own: Record<string, string> = chosen ? { 'X-Skypilot-Request-ID': `${chosen}-${which}` } : {};
      const posted = await send(port(server), 'POST', row.path ?? '/status', { ...headers, ...own }, row.body || undefined);
      answers.push(posted);
      if (posted.requestId) {
        idsMade[which].push(posted.requestId);
        const fetchHeaders: Record<string, string> = { ...(row.headers ?? {}), ...(row.fetchAs ?? VISITOR_A) };
        delete fetchHeaders['X-Skypilot-Request-ID'];
        delete fetchHeaders['Content-Type'];
        fetched.push(await send(port(server), 'GET', `/api/get?request_id=${posted.requestId}`, fetchHeaders));
      }
    }
    expect(answers[0].status).toBe(row.status);
    expect({ status: answers[0].status, headers: answers[0].headers }).toEqual({ status: answers[1].status, headers: answers[1].headers });
    expect(neutral(answers[0].body)).toBe(neutral(answers[1].body));
    if (row.fetchStatus === undefined) return;
    expect(fetched[0].status).toBe(typeof row.fetchStatus === 'number' ? row.fetchStatus : row.fetchStatus[label]);
    expect(fetched[1].status).toBe(fetched[0].status);
    expect(fetched[0].headers).toEqual(fetched[1].headers);
    expect(neutral(fetched[0].body)).toBe(neutral(fetched[1].body));
    if (row.headers === DASHBOARD) expect(fetched[0].body).not.toContain('gAR'); // no pickle for the dashboard
  });

  it('unknown ids, a missing id and a request fetched through the other path answer alike', async () => {
    const posted = await send(port(lean), 'POST', '/status', { ...JSON_TYPE, ...VISITOR_A }, '{}');
    for (const path of [
      '/api/get?request_id=nope',
      '/api/get',
      `/api/get?request_id=${posted.requestId}`,
      '/internal/dashboard/api/get?request_id=nope',
    ]) {
      const [a, b] = [await send(port(lean), 'GET', path, VISITOR_A), await send(port(plain), 'GET', path, VISITOR_A)];
      expect({ path, status: a.status, headers: a.headers }).toEqual({ path, status: b.status, headers: b.headers });
      expect(neutral(a.body)).toBe(neutral(b.body));
    }
  });

  it('both paths leave the same request records: /api/status lists them alike, as SUCCEEDED', async () => {
    const listing = await send(port(plain), 'GET', '/api/status?all_status=true&limit=1000', VISITOR_A);
    const listed = new Map(
      (JSON.parse(listing.body) as { request_id: string; status: string; name: string }[]).map((r) => [r.request_id, r]),
    );
    for (const which of ['lean', 'plain'] as const) {
      // The CLI's row names SKYPILOT_USER: a caller of its own, whose listing is its own (nightly: admin sees all).
      const mine = idsMade[which].filter((id) => listed.has(id));
      expect(mine.length).toBeGreaterThanOrEqual(8);
      for (const id of mine) expect(listed.get(id)).toMatchObject({ name: 'sky.status', status: 'SUCCEEDED' });
    }
  });
});
