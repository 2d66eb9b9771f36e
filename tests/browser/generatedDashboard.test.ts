/**
 * A generated org in the built-in dashboard (activity.yaml `generated`, the `mid` preset: 300
 * clusters, 2,000 managed jobs in progress, 20,000 history clusters): every page shows its first rows
 * quickly, generated objects among them, without a page error. Screenshots:
 * artifacts/screenshots/generated-<page>.png. Needs `npm run build` and chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { copyFixtures } from '../demo/demoApp';
import { browserAvailability, collectErrors, launchBrowser } from './browser';
import { REPO_ROOT, startDemoServer, type DemoServer } from './demoServer';

const AT = '2026-11-22T12:00:00Z';
const SCREENSHOT_DIR = path.join(REPO_ROOT, 'artifacts', 'screenshots');
/** First rows in under a second on a quiet machine (the enterprise figures are in the README); this allows a loaded CI box. */
const FIRST_ROWS_MS = 4_000;

const availability = browserAvailability();
const suite = availability.run ? describe : describe.skip;

suite('a generated org in the built-in dashboard (browser)', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  let fixtures = '';
  const savedNow = process.env.SKYPILOT_NOW;

  beforeAll(async () => {
    process.env.SKYPILOT_NOW = AT;
    fixtures = copyFixtures();
    fs.appendFileSync(path.join(fixtures, 'activity.yaml'), '\ngenerated:\n  preset: mid\n');
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    server = await startDemoServer({ fixturesDir: fixtures });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
    fs.rmSync(fixtures, { recursive: true, force: true });
    if (savedNow === undefined) delete process.env.SKYPILOT_NOW;
    else process.env.SKYPILOT_NOW = savedNow;
  }, 30_000);

  test.each([
    ['/clusters', 'cluster-row', 'gen-'],
    ['/jobs', 'managed-job-row', '10'],
    ['/users', 'user-row', ''],
    ['/workspaces', 'workspace-row', ''],
    ['/infra', 'cloud-row', ''],
    ['/clusters/gen-00001', 'job-row', ''],
  ])(
    '%s shows its first rows quickly',
    async (route, testId, keyStart) => {
      const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
      await context.clock.setFixedTime(new Date(AT));
      const page = await context.newPage();
      const errors = collectErrors(page);
      try {
        const started = Date.now();
        await page.goto(`${server!.url}/dashboard${route}`, { waitUntil: 'commit' });
        const rows = page.getByTestId(testId);
        await rows.first().waitFor({ state: 'visible', timeout: 15_000 });
        const ms = Date.now() - started;
        console.log(`generated org (mid): ${route} first rows in ${ms} ms`);
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `generated-${route.slice(1).replace(/\//g, '-')}.png`) });
        expect(ms).toBeLessThan(FIRST_ROWS_MS);
        const keys = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-key') ?? ''));
        expect(keys.some((k) => k.startsWith(keyStart))).toBe(true);
        expect(errors.page).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );

  test('300 clusters are drawn 200 at a time; the users page fills its counts in after its rows', async () => {
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    await context.clock.setFixedTime(new Date(AT));
    const page = await context.newPage();
    const errors = collectErrors(page);
    try {
      await page.goto(`${server!.url}/dashboard/clusters`);
      const rows = page.getByTestId('cluster-row');
      await rows.first().waitFor({ state: 'visible', timeout: 15_000 });
      expect(await rows.count()).toBe(200);
      const more = page.getByTestId('show-more');
      expect(await more.innerText()).toMatch(/^Show \d+ more$/);
      await more.click();
      await rows.nth(300).waitFor({ state: 'attached', timeout: 5_000 });
      expect(await more.count()).toBe(0);

      await page.goto(`${server!.url}/dashboard/users`);
      const users = page.getByTestId('user-row');
      await users.first().waitFor({ state: 'visible', timeout: 15_000 });
      // Every count settles to a number: no row is left at '…' (loading) or '-' (failed).
      const cells = page.locator('[data-testid="user-row"] td.num');
      const settled = async () => (await cells.allInnerTexts()).every((t) => /^\d+$/.test(t.trim()));
      for (const deadline = Date.now() + 15_000; !(await settled()) && Date.now() < deadline; ) await page.waitForTimeout(100);
      const counts = (await cells.allInnerTexts()).map((t) => t.trim());
      expect(counts.every((t) => /^\d+$/.test(t))).toBe(true);
      // Two numeric cells per row (clusters, managed jobs): the org's 2,000 jobs in progress are all owned.
      const jobs = counts.filter((_, i) => i % 2 === 1).map(Number);
      expect(jobs.reduce((a, b) => a + b, 0)).toBeGreaterThan(2000);
      expect(await users.count()).toBeGreaterThan(50);
      expect(errors.page).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
