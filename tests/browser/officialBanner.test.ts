/**
 * The sandbox banner on the official dashboard, in a real browser: a tiny stand-in for an official
 * export (an `index.html` and one hashed script) served through SKYPILOT_DASHBOARD_DIR, with the
 * sandbox on. The page as served names our banner's script and style (the file on disk is unchanged);
 * the banner shows the session's time left and changes used, Extend and Reset work, and the page logs
 * no console error. A screenshot goes to artifacts/screenshots/official-banner.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import type { Browser } from 'playwright-core';
import { createApp } from '../../src/app';
import type { DemoInstallation } from '../../src/demo/installDemo';
import { installSessionDemo } from '../../src/sessions/installSessions';
import { RequestStore } from '../../src/requests/requestStore';
import { parseServerConfig } from '../../src/serverConfig';
import { ListeningApp } from '../helpers/listeningApp';
import { makeTempDir, removeDir } from '../helpers/tempState';
import { browserAvailability, collectErrors, launchBrowser } from './browser';
import { REPO_ROOT } from './demoServer';

const SCREENSHOT = path.join(REPO_ROOT, 'artifacts', 'screenshots', 'official-banner.png');
const INDEX = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>SkyPilot Dashboard</title></head>
<body><div id="__next"><h1>Clusters</h1><p id="app">loading</p></div>
<script src="/dashboard/_next/static/chunks/main-1a2b3c.js"></script></body></html>`;
const SCRIPT = `document.getElementById('app').textContent = 'official export loaded';`;

const availability = browserAvailability();
const suite = availability.run ? describe : describe.skip;

suite(availability.run ? 'the sandbox banner on the official dashboard (browser)' : availability.reason, () => {
  let dir: string;
  let demo: DemoInstallation;
  let store: RequestStore;
  let browser: Browser;
  let server: ListeningApp;

  beforeAll(async () => {
    dir = makeTempDir('skyts-export-');
    fs.mkdirSync(path.join(dir, '_next', 'static', 'chunks'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
    fs.writeFileSync(path.join(dir, '_next', 'static', 'chunks', 'main-1a2b3c.js'), SCRIPT);
    const config = parseServerConfig([], { SKYPILOT_DASHBOARD_DIR: dir });
    demo = installSessionDemo({ reloadMs: 0, log: () => {}, sessions: { enabled: true, redisUrl: null, newSessionsPerMinute: 1000 } });
    store = await RequestStore.openSqlite(':memory:');
    // Our icon stands in for the export's (the server serves ours when an export has none).
    const builtDir = path.join(REPO_ROOT, 'src', 'dashboard', 'ui');
    const app = createApp({ requests: store, dashboard: { builtDir, officialDir: config.dashboardDir } });
    server = await new (class extends ListeningApp {
      protected app(): Express {
        return app as unknown as Express;
      }
    })().start();
    browser = await launchBrowser();
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
    demo?.restore();
    await store?.close();
    removeDir(dir);
  });

  it('shows time left and changes used; Extend and Reset work; no console error; the export is untouched', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 500 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/dashboard/`);
    await page.waitForSelector('#skyts-sandbox-banner[data-state=live]', { timeout: 20_000 });
    expect(await page.textContent('#app')).toBe('official export loaded');
    const text = (await page.textContent('#skyts-sandbox-banner')) ?? '';
    expect(text).toMatch(/Sandbox session: \d+:\d\d left, 0 of \d+ changes used\./);
    expect(await page.isVisible('#skyts-sandbox-banner >> text=Extend')).toBe(true);
    expect(await page.isVisible('#skyts-sandbox-banner >> text=Reset')).toBe(true);
    await page.screenshot({ path: SCREENSHOT });

    const extended = page.waitForResponse((r) => r.url().endsWith('/demo/session/extend'));
    await page.click('#skyts-sandbox-banner >> text=Extend');
    expect((await extended).status()).toBe(200);
    await page.waitForSelector('#skyts-sandbox-banner[data-state=live]');
    const resetDone = page.waitForResponse((r) => r.url().endsWith('/demo/session/reset'));
    await page.click('#skyts-sandbox-banner >> text=Reset');
    expect((await resetDone).status()).toBe(200);
    await page.waitForSelector('#skyts-sandbox-banner[data-state=live]');

    expect(errors).toEqual({ console: [], page: [] });
    expect(fs.readFileSync(path.join(dir, 'index.html'), 'utf8')).toBe(INDEX);
    await context.close();
  }, 60_000);
});
