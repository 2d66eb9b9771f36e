/**
 * Serving an official dashboard export (SKYPILOT_DASHBOARD_DIR) the way a browser loads it: a tiny
 * stand-in export (an index page, hashed scripts and styles under `_next/static/`):
 * - 50 cold page loads from one address within a minute, with the demo's rate limit, get no 429 on
 *   any static file, and the API calls each page makes stay within the budget;
 * - files go out brotli- or gzip-compressed by Accept-Encoding; hashed assets are cached for a year,
 *   pages are revalidated;
 * - the Grafana probe is a 204: not a 200 (which would embed Grafana), not an error the browser logs.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { parseTrustedProxies } from '../../src/http/clientAddress';
import { DEMO_RATE_LIMIT } from '../../src/http/rateLimit';
import { chooseEncoding } from '../../src/dashboard/compressedFiles';
import { useApiHarness } from '../helpers/api';
import { ListeningApp } from '../helpers/listeningApp';
import { makeTempDir, removeDir } from '../helpers/tempState';

const h = useApiHarness();
const SCRIPT = `/* app */\n${'export const rows = ['.concat(Array.from({ length: 2000 }, (_, i) => `{id:${i},name:"row ${i}"}`).join(','), '];')}\n`;
/** One cold page load of the official dashboard: ~46 files and ~25 API calls (71 requests). */
const STATIC_PER_PAGE = Array.from({ length: 45 }, (_, i) => `/dashboard/_next/static/chunks/${i}-0a1b2c3d.js`);
const API_PER_PAGE = 25;

let dir: string;
class Server extends ListeningApp {
  protected app(): Express {
    return createApp({
      requests: h.store,
      dashboard: { builtDir: h.dashboardDir, officialDir: dir },
      rateLimit: DEMO_RATE_LIMIT,
      trustProxy: parseTrustedProxies('loopback'),
    }) as unknown as Express;
  }
}
let server: Server;

beforeAll(async () => {
  dir = makeTempDir('skyts-official-');
  fs.mkdirSync(path.join(dir, '_next', 'static', 'chunks'), { recursive: true });
  fs.mkdirSync(path.join(dir, '_next', 'static', 'css'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><html><head><title>SkyPilot</title></head><body>${'<div></div>'.repeat(200)}</body></html>`,
  );
  for (const p of STATIC_PER_PAGE) fs.writeFileSync(path.join(dir, p.replace('/dashboard/', '')), SCRIPT);
  fs.writeFileSync(path.join(dir, '_next', 'static', 'css', 'app-9f8e7d.css'), `body{margin:0}\n${'.x{color:red}\n'.repeat(200)}`);
  server = await new Server().start();
});
afterAll(async () => {
  await server.close();
  removeDir(dir);
});

const OFFICE = { 'X-Forwarded-For': '198.51.100.7' };

describe('50 cold page loads from one address in a minute', () => {
  it("no static file is ever answered 429, and the pages' API calls stay within the budget", async () => {
    const statuses = { static: new Map<number, number>(), api: new Map<number, number>() };
    const count = (kind: 'static' | 'api', status: number) => statuses[kind].set(status, (statuses[kind].get(status) ?? 0) + 1);
    const started = Date.now();
    for (let load = 0; load < 50; load++) {
      const page = await fetch(`${server.url}/dashboard/clusters`, { headers: OFFICE });
      count('static', page.status);
      await page.arrayBuffer();
      await Promise.all(
        [...STATIC_PER_PAGE, '/favicon.ico', '/grafana/api/health'].map(async (p) => {
          const res = await fetch(`${server.url}${p}`, { headers: { ...OFFICE, 'Accept-Encoding': 'br, gzip' } });
          await res.arrayBuffer();
          count('static', res.status);
        }),
      );
      await Promise.all(
        Array.from({ length: API_PER_PAGE }, async () => {
          const res = await fetch(`${server.url}/internal/dashboard/api/health`, { headers: OFFICE });
          await res.arrayBuffer();
          count('api', res.status);
        }),
      );
    }
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(statuses.static.get(429)).toBeUndefined();
    expect(statuses.api.get(429)).toBeUndefined();
    expect(statuses.static.get(200)).toBe(50 * (1 + STATIC_PER_PAGE.length));
    expect(statuses.static.get(204)).toBe(50);
    expect(statuses.api.get(200)).toBe(50 * API_PER_PAGE);
  }, 90_000);

  it('API calls past the budget are still limited', async () => {
    const small = createApp({
      requests: h.store,
      dashboard: { builtDir: h.dashboardDir, officialDir: dir },
      rateLimit: { points: 3, seconds: 60 },
      trustProxy: parseTrustedProxies('loopback'),
    });
    const { default: request } = await import('supertest');
    const one = { 'X-Forwarded-For': '203.0.113.9' };
    for (let i = 0; i < 3; i++) expect((await request(small).get('/api/health').set(one)).status).toBe(200);
    expect((await request(small).get('/api/health').set(one)).status).toBe(429);
    expect((await request(small).get('/dashboard/_next/static/chunks/0-0a1b2c3d.js').set(one)).status).toBe(200);
    expect((await request(small).post('/dashboard/x').set(one)).status).toBe(429);
  });
});

describe('compression and cache headers', () => {
  /** A raw GET (node's fetch would ask for gzip and decode it): the wire as the browser gets it. */
  const rawGet = (p: string, accept?: string) =>
    new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .get(`${server.url}${p}`, { headers: accept ? { 'Accept-Encoding': accept } : {} }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });

  it.each([
    ['br, gzip, deflate', 'br', (b: Buffer) => zlib.brotliDecompressSync(b)],
    ['gzip', 'gzip', (b: Buffer) => zlib.gunzipSync(b)],
  ])('Accept-Encoding %s: %s, which decodes to the file', async (accept, encoding, decode) => {
    const raw = await rawGet(STATIC_PER_PAGE[0], accept);
    expect(raw.headers['content-encoding']).toBe(encoding);
    expect(raw.headers.vary).toMatch(/Accept-Encoding/i);
    expect(raw.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(raw.body.length).toBeLessThan(SCRIPT.length / 3);
    expect(decode(raw.body).toString()).toBe(SCRIPT);
  });

  it('no Accept-Encoding: the file as it is; pages are revalidated', async () => {
    const res = await rawGet(STATIC_PER_PAGE[1]);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(SCRIPT);
    const page = await rawGet('/dashboard/', 'gzip');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(zlib.gunzipSync(page.body).toString()).toMatch(/^<!doctype html>/);
  });

  it.each([
    ['br;q=0, gzip', 'gzip'],
    ['identity', null],
    ['*', 'br'],
    ['gzip;q=0', null],
    [undefined, null],
  ])('chooses %s -> %s', (accept, expected) => {
    expect(chooseEncoding(accept)).toBe(expected);
  });
});

describe('the Grafana probe', () => {
  it('answers 204 (no Grafana, no console error); other Grafana paths 404', async () => {
    const probe = await fetch(`${server.url}/grafana/api/health`, { headers: { Accept: 'application/json' } });
    expect(probe.status).toBe(204);
    expect((await fetch(`${server.url}/grafana/d/x`)).status).toBe(404);
  });
});
