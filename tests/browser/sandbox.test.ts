/**
 * The sandbox demo in a real browser: two visitors side by side (two browser contexts, so two cookie
 * jars, so two sessions) on the same cluster; a stop in one shows STOPPED there and RUNNING in the
 * other. Then a launch of a recipe from the session banner (INIT -> UP, the job's log growing, then
 * SUCCEEDED), a session running out (the banner says the old one expired), and a visitor past the
 * live-session cap (the read-only world, with the reason). Screenshots go to artifacts/screenshots/.
 *
 * The demo world's clock is real here (times move), so the provisioning and the job run in seconds:
 * the launch spec below is a faster copy of sandbox.yaml's.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadSessionSettings } from '../../src/sessions/sessionSettings';
import { browserAvailability, collectErrors, launchBrowser, type PageErrors } from './browser';
import { REPO_ROOT, startDemoServer, type DemoServer } from './demoServer';
import { FIXTURES_DIR } from '../demo/demoApp';

const SCREENSHOT_DIR = path.join(REPO_ROOT, 'artifacts', 'screenshots');
const VIEWPORT = { width: 1366, height: 900 };
const WAIT_MS = 20_000;
const MINUTE = 60_000;

const availability = browserAvailability();
if (!availability.run) console.warn(availability.reason);
const suite = availability.run ? describe : describe.skip;

suite(availability.run ? 'sandbox sessions in the built-in dashboard (browser)' : availability.reason, () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  const clock = { now: Date.now() };
  const contexts: BrowserContext[] = [];
  let savedNow: string | undefined;

  beforeAll(async () => {
    savedNow = process.env.SKYPILOT_NOW;
    delete process.env.SKYPILOT_NOW;
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const shipped = loadSessionSettings(FIXTURES_DIR, {});
    server = await startDemoServer({
      sandbox: {
        enabled: true,
        maxSessions: 4,
        newSessionsPerMinute: 100,
        startSeconds: 3,
        clock: () => clock.now,
        launch: { ...shipped.launch, 'llama-finetune': { ...shipped.launch['llama-finetune'], provision_seconds: 3, line_seconds: 0.5 } },
      },
    });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.close();
    if (savedNow !== undefined) process.env.SKYPILOT_NOW = savedNow;
  }, 30_000);

  async function visitor(): Promise<BrowserContext> {
    const context = await browser!.newContext({ viewport: VIEWPORT, locale: 'en-US', timezoneId: 'UTC' });
    contexts.push(context);
    return context;
  }

  async function open(context: BrowserContext, route: string): Promise<{ page: Page; errors: PageErrors }> {
    const page = await context.newPage();
    const errors = collectErrors(page);
    const response = await page.goto(`${server!.url}/dashboard${route}`, { waitUntil: 'domcontentloaded' });
    expect(response?.status()).toBe(200);
    return { page, errors };
  }

  async function shoot(page: Page, name: string): Promise<void> {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  }

  const headerBadge = (page: Page) => page.locator('.page-header h1 .badge').first();

  async function waitForBadge(page: Page, label: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (Date.now() < deadline) {
      if (
        (
          await headerBadge(page)
            .innerText()
            .catch(() => '')
        ).trim() === label
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `the cluster never showed ${label}; it shows ${await headerBadge(page)
        .innerText()
        .catch(() => '?')}`,
    );
  }

  test('two visitors side by side: a stop in one shows STOPPED there and RUNNING in the other', async () => {
    const [a, b] = [await visitor(), await visitor()];
    const [pa, pb] = [await open(a, '/clusters/lambda-k8s'), await open(b, '/clusters/lambda-k8s')];
    for (const { page } of [pa, pb]) {
      await page.getByTestId('session-banner').waitFor({ state: 'visible', timeout: WAIT_MS });
      await waitForBadge(page, 'RUNNING');
      expect((await page.getByTestId('demo-badge').innerText()).trim()).toBe('sandbox demo');
    }
    const cookies = [(await a.cookies())[0], (await b.cookies())[0]];
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([
      ['skyts_demo_session', true, 'Lax'],
      ['skyts_demo_session', true, 'Lax'],
    ]);
    expect(cookies[0].value).not.toBe(cookies[1].value);

    await pa.page.getByTestId('action-stop').click();
    await pa.page.locator('[data-testid="toast"][data-kind="success"]').waitFor({ state: 'visible', timeout: WAIT_MS });
    await waitForBadge(pa.page, 'STOPPED');
    await pb.page.reload({ waitUntil: 'domcontentloaded' });
    await waitForBadge(pb.page, 'RUNNING');
    await pb.page.getByTestId('job-row').first().waitFor({ state: 'visible', timeout: WAIT_MS });
    await shoot(pa.page, 'sandbox-a-stopped');
    await shoot(pb.page, 'sandbox-b-running');

    // The clusters lists agree with each page.
    const list = async (context: BrowserContext) => {
      const { page } = await open(context, '/clusters');
      const row = page.locator('[data-testid="cluster-row"][data-key="lambda-k8s"] .badge').first();
      await row.waitFor({ state: 'visible', timeout: WAIT_MS });
      return { page, status: (await row.innerText()).trim() };
    };
    const [la, lb] = [await list(a), await list(b)];
    expect([la.status, lb.status]).toEqual(['STOPPED', 'RUNNING']);
    await shoot(la.page, 'sandbox-a-clusters');
    for (const { errors } of [pa, pb]) expect([errors.console, errors.page]).toEqual([[], []]);
  });

  test('a launch from the banner: the cluster provisions, then its job runs with its log growing', async () => {
    const { page, errors } = await open(await visitor(), '/clusters');
    await page.getByTestId('launch-recipe').selectOption('llama-finetune');
    await page.getByTestId('launch-button').click();
    await page.waitForURL(/\/dashboard\/clusters\/llama-finetune-[0-9a-f]{4}$/, { timeout: WAIT_MS });
    await waitForBadge(page, 'LAUNCHING');
    await shoot(page, 'sandbox-launch-provisioning');
    await waitForBadge(page, 'RUNNING');
    const job = page.locator('[data-testid="job-row"][data-key="1"]');
    await job.waitFor({ state: 'visible', timeout: WAIT_MS });
    await job.getByTestId('job-log-link').click();
    const log = page.getByTestId('log-text');
    const deadline = Date.now() + WAIT_MS;
    let lines = 0;
    const seen: number[] = [];
    while (Date.now() < deadline && !(await log.innerText()).includes('Job finished')) {
      lines = (await log.innerText()).split('\n').filter((l) => l.startsWith('(')).length;
      if (!seen.includes(lines)) seen.push(lines);
      if (lines >= 6 && !fs.existsSync(path.join(SCREENSHOT_DIR, 'sandbox-launch-running.png.tmp'))) {
        await shoot(page, 'sandbox-launch-running');
        fs.writeFileSync(path.join(SCREENSHOT_DIR, 'sandbox-launch-running.png.tmp'), '');
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    fs.rmSync(path.join(SCREENSHOT_DIR, 'sandbox-launch-running.png.tmp'), { force: true });
    expect(await log.innerText()).toContain('Job finished (status: SUCCEEDED)');
    expect(seen.length).toBeGreaterThan(2); // the log grew in steps, not all at once
    await page.reload({ waitUntil: 'domcontentloaded' });
    await job.waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.waitForFunction(
      'document.querySelector(\'[data-testid="job-row"][data-key="1"]\')?.textContent?.includes("SUCCEEDED")',
      undefined,
      { timeout: WAIT_MS },
    );
    await shoot(page, 'sandbox-launch-succeeded');
    expect(errors.page).toEqual([]);
  });

  test('a session that runs out is replaced by a fresh one, and the banner says so', async () => {
    const context = await visitor();
    const first = await open(context, '/clusters/lambda-k8s');
    await first.page.getByTestId('action-stop').click();
    await waitForBadge(first.page, 'STOPPED');
    clock.now += 31 * MINUTE;
    const { page } = await open(context, '/clusters/lambda-k8s');
    await page.getByTestId('session-notice').waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await page.getByTestId('session-notice').innerText()).toContain('previous session expired');
    await waitForBadge(page, 'RUNNING'); // the stop belonged to the old session
    await shoot(page, 'sandbox-expired');
  });

  test('past the live-session cap a new visitor gets the read-only world, with the reason', async () => {
    // Other visitors take the room that is left (expired sessions are reclaimed first) until it is full.
    const answers: number[] = [];
    while (answers.length < 6 && answers[answers.length - 1] !== 503) {
      answers.push((await fetch(`${server!.url}/demo/session`, { method: 'POST' })).status);
    }
    expect(answers[answers.length - 1]).toBe(503);
    const late = await visitor();
    const { page } = await open(late, '/clusters');
    await page.getByTestId('session-notice').waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await page.getByTestId('session-notice').innerText()).toContain('sandbox is full');
    await page.getByTestId('cluster-row').first().waitFor({ state: 'visible', timeout: WAIT_MS });
    await shoot(page, 'sandbox-full');
  });
});
