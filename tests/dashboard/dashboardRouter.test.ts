import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createDashboardRouter, safeSegments } from '../../src/dashboard/dashboardRouter';

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

function appWith(opts: { builtDir: string; officialDir?: string }): express.Express {
  const app = express();
  app.use(createDashboardRouter(opts));
  app.use((_req, res) => {
    res.status(404).json({ detail: 'fallthrough' });
  });
  return app;
}

const manifest = {
  version: 3,
  dynamicRoutes: [
    { page: '/clusters/[cluster]', regex: '^/clusters/([^/]+?)(?:/)?$' },
    { page: '/clusters/[cluster]/[job]', regex: '^/clusters/([^/]+?)/([^/]+?)(?:/)?$' },
    { page: '/jobs/[job]', regex: '^/jobs/([^/]+?)(?:/)?$' },
    { page: '/broken', regex: '([' },
  ],
};

let tmp: string;
let official: string;
let built: string;
let secretFile: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-router-'));
  official = path.join(tmp, 'official');
  built = path.join(tmp, 'built');
  writeFiles(official, {
    'index.html': 'OFFICIAL-INDEX',
    'clusters.html': 'OFFICIAL-CLUSTERS',
    'clusters/[cluster].html': 'OFFICIAL-CLUSTER-DETAIL',
    'settings.html': 'OFFICIAL-SETTINGS-REDIRECTOR',
    'settings/config.html': 'OFFICIAL-CONFIG',
    'users.html': 'OFFICIAL-USERS',
    'jobs/[job].html': 'OFFICIAL-JOB-DETAIL',
    '_next/static/x.js': 'console.log("x")',
    'data.json': '{"ok":true}',
    'routes-manifest.json': JSON.stringify(manifest),
  });
  writeFiles(built, {
    'index.html': 'BUILT-INDEX',
    'app.js': 'console.log("app")',
    'app.css': 'body{}',
  });
  secretFile = path.join(tmp, 'secret.txt');
  fs.writeFileSync(secretFile, 'SECRET');
  fs.symlinkSync(secretFile, path.join(built, 'link.txt'));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('official export lookup order', () => {
  it.each([
    ['/dashboard/clusters', 'OFFICIAL-CLUSTERS', '<p>.html'],
    ['/dashboard/clusters/', 'OFFICIAL-CLUSTERS', '<p>.html with trailing slash'],
    ['/dashboard/clusters.html', 'OFFICIAL-CLUSTERS', 'exact file'],
    ['/dashboard/clusters/my-cluster', 'OFFICIAL-CLUSTER-DETAIL', 'dynamic route'],
    ['/dashboard/clusters/my-cluster/', 'OFFICIAL-CLUSTER-DETAIL', 'dynamic route, trailing slash'],
    ['/dashboard/clusters/%5Bcluster%5D', 'OFFICIAL-CLUSTER-DETAIL', 'encoded bracket name'],
    ['/dashboard/jobs/42', 'OFFICIAL-JOB-DETAIL', 'dynamic job route'],
    ['/dashboard/clusters/a/7', 'OFFICIAL-INDEX', 'dynamic route whose page file is absent'],
    ['/dashboard/no/such/page', 'OFFICIAL-INDEX', 'index fallback'],
    ['/dashboard/data.json', '{"ok":true}', 'plain file'],
    ['/dashboard/_next/static/x.js', 'console.log("x")', 'asset'],
  ])('GET %s serves %s (%s)', async (url, body) => {
    const res = await request(appWith({ builtDir: built, officialDir: official })).get(url);
    expect(res.status).toBe(200);
    expect(res.text).toBe(body);
  });

  it('serves hashed _next/static assets cached for a year, and pages without cache', async () => {
    const app = appWith({ builtDir: built, officialDir: official });
    const asset = await request(app).get('/dashboard/_next/static/x.js');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const page = await request(app).get('/dashboard/clusters');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers 404 for a missing _next asset instead of index.html', async () => {
    const res = await request(appWith({ builtDir: built, officialDir: official })).get('/dashboard/_next/nope.js');
    expect(res.status).toBe(404);
  });

  it('works without a routes manifest', async () => {
    const dir = path.join(tmp, 'no-manifest');
    writeFiles(dir, { 'index.html': 'NM-INDEX', 'clusters/[cluster].html': 'NM-DETAIL' });
    const res = await request(appWith({ builtDir: built, officialDir: dir })).get('/dashboard/clusters/x');
    expect(res.text).toBe('NM-INDEX');
  });
});

describe('built dashboard', () => {
  it.each([
    ['/dashboard/', 'BUILT-INDEX'],
    ['/dashboard/app.js', 'console.log("app")'],
    ['/dashboard/app.css', 'body{}'],
    ['/dashboard/clusters', 'BUILT-INDEX'],
    ['/dashboard/clusters/my-cluster', 'BUILT-INDEX'],
    ['/dashboard/jobs/3', 'BUILT-INDEX'],
  ])('GET %s serves %s', async (url, body) => {
    const res = await request(appWith({ builtDir: built })).get(url);
    expect(res.status).toBe(200);
    expect(res.text).toBe(body);
  });

  it('answers HEAD without a body', async () => {
    const res = await request(appWith({ builtDir: built })).head('/dashboard/app.js');
    expect(res.status).toBe(200);
    expect(res.text).toBeUndefined();
  });

  it.each(['/dashboard/', '/dashboard/clusters', '/dashboard/app.js'])(
    'answers 503 DashboardNotBuilt for %s when index.html is missing',
    async (url) => {
      const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
      fs.writeFileSync(path.join(empty, 'app.js'), 'x');
      const res = await request(appWith({ builtDir: empty })).get(url);
      expect(res.status).toBe(503);
      expect(res.body.detail).toBe('Dashboard not built: run npm run build');
      expect(res.body.error).toMatchObject({ type: 'DashboardNotBuilt', code: 'dashboard_not_built' });
    },
  );
});

describe('redirects', () => {
  it.each([
    ['/', '/dashboard/'],
    ['/dashboard', '/dashboard/'],
    ['/dashboard?x=1', '/dashboard/?x=1'],
  ])('GET %s redirects to %s', async (url, location) => {
    const res = await request(appWith({ builtDir: built })).get(url);
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe(location);
  });
});

describe("official pages that only change the route: redirected where they would go (the first visit's tour throws on such a change)", () => {
  it.each([
    ['/dashboard/', '/dashboard/clusters'],
    ['/dashboard/?x=1', '/dashboard/clusters?x=1'],
    ['/dashboard/settings', '/dashboard/settings/config'],
    ['/dashboard/settings/', '/dashboard/settings/config'],
    ['/dashboard/users', '/dashboard/users?deduplicate=false'],
    ['/dashboard/users?tab=service-accounts', '/dashboard/users?tab=service-accounts&deduplicate=false'],
  ])('GET %s redirects to %s', async (url, location) => {
    const res = await request(appWith({ builtDir: built, officialDir: official })).get(url);
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe(location);
  });

  it.each([
    ['/dashboard/users?deduplicate=true', 'OFFICIAL-USERS'],
    ['/dashboard/settings/config', 'OFFICIAL-CONFIG'],
  ])('GET %s is served as is', async (url, body) => {
    const res = await request(appWith({ builtDir: built, officialDir: official })).get(url);
    expect(res.status).toBe(200);
    expect(res.text).toBe(body);
  });

  it('serves the index itself when the export has no clusters page, and never redirects our own dashboard', async () => {
    const dir = path.join(tmp, 'index-only');
    writeFiles(dir, { 'index.html': 'ONLY-INDEX' });
    expect((await request(appWith({ builtDir: built, officialDir: dir })).get('/dashboard/')).text).toBe('ONLY-INDEX');
    expect((await request(appWith({ builtDir: built })).get('/dashboard/')).text).toBe('BUILT-INDEX');
  });
});

describe('refusals', () => {
  it.each([
    '/dashboard/../secret.txt',
    '/dashboard/%2e%2e/secret.txt',
    '/dashboard/%2E%2E/secret.txt',
    '/dashboard/..%2fsecret.txt',
    '/dashboard/..%5csecret.txt',
    '/dashboard/%2e%2e%2fsecret.txt',
    '/dashboard/clusters/%2e%2e/%2e%2e/secret.txt',
    '/dashboard//etc/passwd',
    '/dashboard/%2fetc%2fpasswd',
    '/dashboard/%00index.html',
    '/dashboard/%E0%A4%A',
    '/dashboard/.env',
  ])('GET %s answers 404', async (url) => {
    for (const officialDir of [undefined, official]) {
      const res = await request(appWith({ builtDir: built, officialDir })).get(url);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('SECRET');
    }
  });

  it('never follows a symlink out of the directory (falls back to index.html)', async () => {
    const res = await request(appWith({ builtDir: built })).get('/dashboard/link.txt');
    expect(res.text).toBe('BUILT-INDEX');
  });

  it('GET /grafana/api/health answers 204: no Grafana, and nothing the browser logs as an error', async () => {
    expect((await request(appWith({ builtDir: built, officialDir: official })).get('/grafana/api/health')).status).toBe(204);
  });

  it.each(['/grafana', '/grafana/d/x?orgId=1'])('GET %s answers 404 JSON', async (url) => {
    const res = await request(appWith({ builtDir: built, officialDir: official })).get(url);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('answers 404 for /favicon.ico unless the directory has one', async () => {
    expect((await request(appWith({ builtDir: built })).get('/favicon.ico')).status).toBe(404);
    const dir = path.join(tmp, 'with-icon');
    writeFiles(dir, { 'index.html': 'I', 'favicon.ico': 'ICON' });
    const res = await request(appWith({ builtDir: dir })).get('/favicon.ico');
    expect(res.status).toBe(200);
  });

  it.each(['post', 'put', 'delete', 'patch'] as const)('%s on /dashboard/ answers 405', async (method) => {
    const res = await request(appWith({ builtDir: built }))[method]('/dashboard/clusters');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('passes other paths on to the next handler', async () => {
    const app = appWith({ builtDir: built });
    expect((await request(app).get('/api/health')).body.detail).toBe('fallthrough');
    expect((await request(app).post('/').send({})).body.detail).toBe('fallthrough');
    expect((await request(app).get('/dashboardx')).body.detail).toBe('fallthrough');
  });
});

describe('safeSegments', () => {
  it.each([
    ['', []],
    ['clusters/', ['clusters']],
    ['clusters/a%20b', ['clusters', 'a b']],
    ['a/../b', null],
    ['a//b', null],
    ['%2e%2e', null],
  ])('%j → %j', (input, expected) => {
    expect(safeSegments(input)).toEqual(expected);
  });
});
