/**
 * The built-in dashboard's jobs page pages on the server: over a seeded store of thousands of managed
 * jobs (seedScale.ts) it asks `/jobs/queue/v2` for one page of 50, shows the first rows quickly, and
 * pages, filters by status (chips) and by name through the server, never fetching every job.
 *
 * Needs the built dashboard (npm run build) and chromium, as dashboard.test.ts.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { seedScale } from '../../bench/seedScale';
import { createApp } from '../../src/app';
import { globalUserState } from '../../src/state/globalUserState';
import { closeApiHarness, openTestRequestStore, type ApiHarness } from '../helpers/api';
import { openTempState } from '../helpers/tempState';
import { browserAvailability, collectErrors, launchBrowser } from './browser';
import { assertDashboardBuilt, BUILT_DASHBOARD_DIR } from './demoServer';

const SIZES = { clusters: 20, history: 100, events: 100, jobsActive: 1_000, jobsFinished: 3_000 };
const JOBS = SIZES.jobsActive + SIZES.jobsFinished;
/** First rows within a second at full scale on a quiet machine; this bound allows a loaded CI box. */
const FIRST_ROWS_MS = 3_000;

const availability = browserAvailability();
if (!availability.run) console.warn(availability.reason);
const suite = availability.run ? describe : describe.skip;

suite('built-in jobs page over thousands of jobs (browser)', () => {
  let h: ApiHarness;
  let server: Server;
  let url: string;
  let browser: Browser;
  const bodies: unknown[] = [];

  beforeAll(async () => {
    assertDashboardBuilt();
    const state = await openTempState();
    await seedScale(state.database!.target, SIZES, 3);
    await globalUserState.init({ target: state.database!.target });
    const store = await openTestRequestStore(state);
    const app = createApp({ requests: store, dashboard: { builtDir: BUILT_DASHBOARD_DIR } });
    h = { app, store, state, dashboardDir: '' };
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await closeApiHarness(h);
  });

  async function open(): Promise<{ page: Page; ms: number; errors: ReturnType<typeof collectErrors> }> {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    page.on('request', (r) => {
      if (r.url().endsWith('/jobs/queue/v2')) bodies.push(r.postDataJSON());
    });
    const started = performance.now();
    await page.goto(`${url}/dashboard/jobs`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('managed-job-row').first().waitFor({ timeout: 15_000 });
    return { page, ms: performance.now() - started, errors };
  }

  /** The jobs of the rows shown, in order: a pipeline's tasks are rows of one job (seedScale writes one every 50 jobs). */
  const firstIds = async (page: Page) => [
    ...new Set(
      await page.getByTestId('managed-job-row').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-key')!.split('-')[0]))),
    ),
  ];

  it('shows the newest 50 first, quickly, from one paged request', async () => {
    const { page, ms, errors } = await open();
    try {
      expect(ms).toBeLessThan(FIRST_ROWS_MS);
      const ids = await firstIds(page);
      expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => JOBS - i));
      await expect(page.getByTestId('page-info').textContent()).resolves.toBe(`1–50 of ${JOBS}`);
      expect(bodies.at(-1)).toMatchObject({ page: 1, limit: 50 });
      // The "All" chip counts every task (upstream's status counts count tasks), not the page's.
      await expect(page.locator('[data-status="ALL"] .chip-count').textContent()).resolves.toBe(String(JOBS + JOBS / 50));

      await page.getByTestId('page-next').click();
      await page
        .getByTestId('page-info')
        .filter({ hasText: `51–100 of ${JOBS}` })
        .waitFor();
      // The counter moves with the click; the rows come with the page's answer.
      await page.locator(`[data-testid="managed-job-row"][data-key="${JOBS - 50}-0"]`).waitFor();
      expect((await firstIds(page))[0]).toBe(JOBS - 50);
      expect(bodies.at(-1)).toMatchObject({ page: 2, limit: 50 });

      await page.locator('[data-testid="status-chip"][data-status="SUCCEEDED"]').click();
      await page.getByTestId('page-info').filter({ hasText: '1–50 of' }).waitFor();
      // As above: the rows of the filtered page come after the counter.
      await page.waitForFunction(`(() => {
        const badges = [...document.querySelectorAll('[data-testid="managed-job-row"] .badge')];
        return badges.length > 0 && badges.every((el) => el.getAttribute('data-status') === 'SUCCEEDED');
      })()`);
      const statuses = await page
        .getByTestId('managed-job-row')
        .locator('.badge')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
      expect(new Set(statuses)).toEqual(new Set(['SUCCEEDED']));
      expect(bodies.at(-1)).toMatchObject({ page: 1, statuses: ['SUCCEEDED'] });

      await page.locator('[data-testid="status-chip"][data-status="ALL"]').click();
      await page.getByTestId('filter-input').fill('job-3999');
      await page.getByTestId('page-info').filter({ hasText: '1–1 of 1' }).waitFor();
      expect(await firstIds(page)).toEqual([3999]);
      expect(bodies.at(-1)).toMatchObject({ name_match: 'job-3999' });
      // Never the whole list: every request asked for one page.
      expect(bodies.every((b) => (b as { limit?: number }).limit === 50)).toBe(true);
      expect(errors.console).toEqual([]);
      expect(errors.page).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
