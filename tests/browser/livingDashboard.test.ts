/**
 * The living world in the built-in dashboard: the clusters and managed-jobs pages opened at two
 * pinned instants 30 minutes apart show different rows (statuses moved, runs came and went).
 * Screenshots: artifacts/screenshots/living-<page>-<hhmm>.png. Needs `npm run build` and chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { browserAvailability, collectErrors, launchBrowser } from './browser';
import { REPO_ROOT, startDemoServer, type DemoServer } from './demoServer';

const TIMES = ['2026-11-22T12:00:00Z', '2026-11-22T12:30:00Z'];
const SCREENSHOT_DIR = path.join(REPO_ROOT, 'artifacts', 'screenshots');
const WAIT_MS = 15_000;

const availability = browserAvailability();
const suite = availability.run ? describe : describe.skip;

suite('the living world in the built-in dashboard (browser)', () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  const savedNow = process.env.SKYPILOT_NOW;

  beforeAll(async () => {
    process.env.SKYPILOT_NOW = TIMES[0];
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    server = await startDemoServer();
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
    if (savedNow === undefined) delete process.env.SKYPILOT_NOW;
    else process.env.SKYPILOT_NOW = savedNow;
  }, 30_000);

  /** The rows of a page at instant `at`, as `key:status`, after a screenshot. */
  async function rowsAt(at: string, route: string, testId: string, shot: string): Promise<string[]> {
    process.env.SKYPILOT_NOW = at;
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    await context.clock.setFixedTime(new Date(at));
    const page: Page = await context.newPage();
    const errors = collectErrors(page);
    try {
      await page.goto(`${server!.url}/dashboard${route}`, { waitUntil: 'domcontentloaded' });
      const rows = page.getByTestId(testId);
      await rows.nth(4).waitFor({ state: 'visible', timeout: WAIT_MS });
      await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${shot}-${at.slice(11, 16).replace(':', '')}.png`), fullPage: true });
      expect(errors.page).toEqual([]);
      return await rows.evaluateAll((els) =>
        els.map(
          (el) =>
            `${el.getAttribute('data-key')}:${el.querySelector('.badge')?.getAttribute('data-status') ?? el.querySelector('.badge')?.textContent}`,
        ),
      );
    } finally {
      await context.close();
    }
  }

  test.each([
    ['/clusters', 'cluster-row', 'living-clusters'],
    ['/jobs', 'managed-job-row', 'living-jobs'],
  ])(
    '%s: rows change between two pinned instants 30 minutes apart',
    async (route, testId, shot) => {
      const [early, late] = [await rowsAt(TIMES[0], route, testId, shot), await rowsAt(TIMES[1], route, testId, shot)];
      expect(early.length).toBeGreaterThanOrEqual(5);
      expect(late.length).toBeGreaterThanOrEqual(5);
      expect(late).not.toEqual(early);
      // The same instant again: the same rows (the world is a function of t).
      expect(await rowsAt(TIMES[0], route, testId, `${shot}-again`)).toEqual(early);
    },
    90_000,
  );
});
