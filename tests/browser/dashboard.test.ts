/**
 * The built-in dashboard in a real browser, against the read-only demo: every page is opened as a
 * person would open it, checked for the demo's fake world, checked for console and page errors, and
 * photographed to artifacts/screenshots/<page>.png.
 *
 * Needs the built dashboard (npm run build) and chromium (/usr/bin/chromium or CHROMIUM_PATH). Without
 * chromium the tests are skipped with a message, except in CI (CI=true), where they fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DEMO_READ_ONLY_MESSAGE } from '../../src/demo/demoModeError';
import { browserAvailability, collectErrors, launchBrowser, type PageErrors } from './browser';
import { REPO_ROOT, startDemoServer, type DemoServer } from './demoServer';

/** The demo's "now", and the browser's: relative times ("5h ago") come out the same on every run. */
const NOW = '2025-06-02T12:00:00Z';
const SCREENSHOT_DIR = path.join(REPO_ROOT, 'artifacts', 'screenshots');
const VIEWPORT = { width: 1366, height: 900 };
const WAIT_MS = 15_000;

const CLUSTERS: Record<string, string> = {
  'training-multinode-1': 'RUNNING',
  'inference-cluster': 'RUNNING',
  'lambda-k8s': 'RUNNING',
  'nebius-k8s': 'STOPPED',
  'dev-cluster-alice': 'STOPPED',
};
const USERS = ['alice@skypilot.co', 'bob@skypilot.co', 'mike@skypilot.co'];
const WORKSPACES = ['default', 'ml-team', 'research-private'];
const JOB_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'PENDING', 'CANCELLED', 'RECOVERING'];

/** Chromium's own line for a failed fetch, e.g. "Failed to load resource: the server responded with a status of 403 (Forbidden)". */
/** Chromium's console line for the 500 of a failed request's `/api/get`. */
const RESOURCE_500 = /^Failed to load resource: the server responded with a status of 500\b/;

const availability = browserAvailability();
if (!availability.run) console.warn(availability.reason);
const suite = availability.run ? describe : describe.skip;
const suiteTitle = availability.run ? 'built-in dashboard against the demo (browser)' : availability.reason;

suite(suiteTitle, () => {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let savedNow: string | undefined;

  beforeAll(async () => {
    savedNow = process.env.SKYPILOT_NOW;
    process.env.SKYPILOT_NOW = NOW;
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    server = await startDemoServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', timezoneId: 'UTC' });
    await context.clock.setFixedTime(new Date(NOW));
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.close();
    if (savedNow === undefined) delete process.env.SKYPILOT_NOW;
    else process.env.SKYPILOT_NOW = savedNow;
  }, 30_000);

  interface Opened {
    page: Page;
    errors: PageErrors;
  }

  /** A fresh tab on `<server>/dashboard<route>`, with error collection started before navigation. */
  async function open(route: string): Promise<Opened> {
    if (!context || !server) throw new Error('the browser or the demo server did not start (see beforeAll)');
    const page = await context.newPage();
    const errors = collectErrors(page);
    const response = await page.goto(`${server.url}/dashboard${route}`, { waitUntil: 'domcontentloaded' });
    expect(response?.status()).toBe(200);
    return { page, errors };
  }

  /**
   * Screenshot, then the error check, then the tab closes. `allowConsole` lists console errors this
   * page is expected to log; anything else fails the test.
   */
  async function finish({ page, errors }: Opened, name: string, allowConsole: RegExp[] = []): Promise<void> {
    try {
      await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
      // A full-page shot of a scrolled page draws the sticky header mid-page: shoot from the top.
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
      const unexpected = errors.console.filter((line) => !allowConsole.some((re) => re.test(line)));
      expect(unexpected).toEqual([]);
      expect(errors.page).toEqual([]);
    } finally {
      await page.close();
    }
  }

  /** Waits until the locator matches exactly `n` elements. */
  async function expectCount(locator: Locator, n: number): Promise<void> {
    await locator.nth(n - 1).waitFor({ state: 'visible', timeout: WAIT_MS });
    const deadline = Date.now() + 2_000;
    while ((await locator.count()) !== n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await locator.count()).toBe(n);
  }

  async function keysOf(locator: Locator): Promise<string[]> {
    return (await locator.evaluateAll((els) => els.map((el) => el.getAttribute('data-key') ?? ''))).sort();
  }

  async function waitForText(locator: Locator, pattern: RegExp): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    let text = '';
    while (Date.now() < deadline) {
      text = (await locator.textContent()) ?? '';
      if (pattern.test(text)) return text;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${pattern} in: ${JSON.stringify(text.slice(0, 500))}`);
  }

  test('/ redirects to /dashboard/, which shows the clusters', async () => {
    if (!context || !server) throw new Error('setup failed');
    const page = await context.newPage();
    const errors = collectErrors(page);
    const response = await page.goto(`${server.url}/`, { waitUntil: 'domcontentloaded' });
    const redirect = response?.request().redirectedFrom();
    expect(redirect?.url()).toBe(`${server.url}/`);
    expect((await redirect?.response())?.status()).toBe(307);
    expect(new URL(page.url()).pathname).toBe('/dashboard/');
    await expectCount(page.getByTestId('cluster-row'), 5);
    await finish({ page, errors }, 'home');
  });

  test('clusters: the five clusters, their statuses, and the demo badge', async () => {
    const opened = await open('/clusters');
    const { page } = opened;
    const rows = page.getByTestId('cluster-row');
    await expectCount(rows, 5);
    expect(await keysOf(rows)).toEqual(Object.keys(CLUSTERS).sort());
    for (const [name, status] of Object.entries(CLUSTERS)) {
      const row = page.locator(`[data-testid="cluster-row"][data-key="${name}"]`);
      expect(await row.getByRole('link', { name }).isVisible()).toBe(true);
      const badge = row.locator('.badge').first();
      expect(await badge.isVisible()).toBe(true);
      expect((await badge.innerText()).trim()).toBe(status);
    }
    const badge = page.getByTestId('demo-badge');
    await badge.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect((await badge.innerText()).toLowerCase()).toContain('demo');
    await finish(opened, 'clusters');
  });

  test('cluster detail: the jobs of training-multinode-1, and a job log', async () => {
    const opened = await open('/clusters/training-multinode-1');
    const { page } = opened;
    const rows = page.getByTestId('job-row');
    await expectCount(rows, 3);
    const names = (await rows.allInnerTexts()).join('\n');
    for (const job of ['data-prep', 'train-llama-8b', 'eval-checkpoint']) expect(names).toContain(job);
    await finish(opened, 'cluster-detail', []);
  });

  test('cluster detail: opening a job log from the table shows its lines', async () => {
    const opened = await open('/clusters/training-multinode-1');
    const { page } = opened;
    const row = page.locator('[data-testid="job-row"][data-key="2"]');
    await row.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await row.innerText()).toContain('train-llama-8b');
    await row.getByTestId('job-log-link').click();
    await page.waitForURL(/\/dashboard\/clusters\/training-multinode-1\/2$/, { timeout: WAIT_MS });
    const log = page.getByTestId('log-text');
    const text = await waitForText(log, /loss \d/);
    expect(text).toMatch(/step\s+\d+ \| loss/);
    expect(await page.getByTestId('log-viewer').isVisible()).toBe(true);
    await finish(opened, 'cluster-job-log');
  });

  test('cluster detail: Stop is refused by the read-only demo, and the toast says so', async () => {
    const opened = await open('/clusters/training-multinode-1');
    const { page } = opened;
    await page.getByTestId('job-row').first().waitFor({ state: 'visible', timeout: WAIT_MS });
    // Accepted as a request that already failed, as SkyPilot's clients expect a refusal.
    const accepted = page.waitForResponse((r) => r.request().method() === 'POST' && /\/stop$/.test(new URL(r.url()).pathname));
    const failed = page.waitForResponse((r) => /\/api\/get$/.test(new URL(r.url()).pathname) && r.status() === 500);
    await page.getByTestId('action-stop').click();
    expect((await accepted).status()).toBe(200);
    expect(JSON.parse((await (await failed).json()).detail.error).type).toBe('PermissionDeniedError');
    const toast = page.locator('[data-testid="toast"][data-kind="error"]');
    await toast.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await toast.innerText()).toContain(DEMO_READ_ONLY_MESSAGE);
    // The cluster is untouched: still RUNNING.
    expect((await page.locator('.page-header h1 .badge').first().innerText()).trim()).toBe('RUNNING');
    // Exactly one console error, and it is chromium's line for the failed request's 500.
    expect(opened.errors.console).toHaveLength(1);
    await finish(opened, 'cluster-stop-refused', [RESOURCE_500]);
  });

  test('managed jobs: every status of the demo is shown, as rows and as chips', async () => {
    const opened = await open('/jobs');
    const { page } = opened;
    const rows = page.getByTestId('managed-job-row');
    await expectCount(rows, 7);
    const rowStatuses = await rows.locator('.badge').evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
    const chips = await page.getByTestId('status-chip').evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
    for (const status of JOB_STATUSES) {
      expect(rowStatuses).toContain(status);
      expect(chips).toContain(status);
    }
    expect(await page.getByTestId('managed-job-row').filter({ hasText: 'llama-3-pretrain' }).count()).toBe(1);
    await finish(opened, 'jobs');
  });

  test('managed job detail: job 1 is llama-3-pretrain, with its log', async () => {
    const opened = await open('/jobs/1');
    const { page } = opened;
    const detail = page.getByTestId('managed-job-detail');
    await detail.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await page.locator('h1').first().innerText()).toContain('llama-3-pretrain');
    const text = await waitForText(page.getByTestId('log-text'), /loss \d/);
    expect(text).toContain('Managed job llama-3-pretrain');
    await finish(opened, 'job-detail');
  });

  test('infra: the clouds, and both Kubernetes contexts with their nodes and GPU numbers', async () => {
    const opened = await open('/infra');
    const { page } = opened;
    const clouds = page.getByTestId('cloud-row');
    await expectCount(clouds, 3);
    expect(await keysOf(clouds)).toEqual(['AWS', 'GCP', 'Kubernetes']);

    const expected: Record<string, { nodes: string[]; total: number; free: number }> = {
      'lambda-k8s-ctx': {
        nodes: ['lambda-cpu-node-1', ...[1, 2, 3, 4, 5, 6].map((n) => `lambda-gpu-node-${n}`)],
        total: 48,
        free: 15,
      },
      'nebius-mk8s-ctx': { nodes: ['nebius-h200-node-1', 'nebius-h200-node-2', 'nebius-l40s-node-1'], total: 20, free: 10 },
    };
    const cards = page.getByTestId('context-card');
    await expectCount(cards, 2);
    expect(await keysOf(cards)).toEqual(Object.keys(expected).sort());
    for (const [ctx, want] of Object.entries(expected)) {
      const card = page.locator(`[data-testid="context-card"][data-key="${ctx}"]`);
      const nodes = card.getByTestId('node-row');
      await expectCount(nodes, want.nodes.length);
      expect(await keysOf(nodes)).toEqual(want.nodes);
      const summary = (await card.locator('.gpu-numbers').innerText()).replace(/\s+/g, ' ');
      expect(summary).toContain(`${want.total} GPUs`);
      expect(summary).toContain(`${want.free} free`);
      expect(summary).toContain(`${want.total - want.free} used`);
    }
    // Per node: lambda-gpu-node-5 has 8 GPUs, 7 free, 1 used.
    const node = page.locator('[data-testid="node-row"][data-key="lambda-gpu-node-5"] td');
    const cells = (await node.allInnerTexts()).map((t) => t.trim());
    expect(cells.slice(0, 5)).toEqual(['lambda-gpu-node-5', 'H100', '8', '7', '1']);
    await finish(opened, 'infra');
  });

  test('users: the three users', async () => {
    const opened = await open('/users');
    const { page } = opened;
    const rows = page.getByTestId('user-row');
    await expectCount(rows, 3);
    const text = (await rows.allInnerTexts()).join('\n');
    for (const user of USERS) expect(text).toContain(user);
    await finish(opened, 'users');
  });

  test('workspaces: the three workspaces', async () => {
    const opened = await open('/workspaces');
    const { page } = opened;
    const rows = page.getByTestId('workspace-row');
    await expectCount(rows, 3);
    expect(await keysOf(rows)).toEqual(WORKSPACES);
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    await finish(opened, 'workspaces');
  });

  test('an unknown dashboard page shows "page not found"', async () => {
    const opened = await open('/no-such-page');
    await opened.page.getByTestId('not-found').waitFor({ state: 'visible', timeout: WAIT_MS });
    await finish(opened, 'not-found');
  });
});
