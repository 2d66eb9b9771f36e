/**
 * How long the built-in dashboard's clusters page takes in a real browser: from the start of
 * `page.goto(<url>/dashboard/clusters)` until all five demo clusters (`cluster-row`) are visible.
 *
 * Every run uses a fresh browser context and page (no HTTP cache, no storage shared between runs);
 * one unmeasured warm-up run comes first, so the first sample does not carry JIT and disk warm-up.
 *
 * `measureClustersPage` is called by bench.ts. Run alone (after `npm run build`):
 *   node dist/bench/pageTiming.js
 * starts the demo server from the compiled dist/ code and prints
 *   clusters page: median X ms, p90 Y ms over N runs
 * Chromium: CHROMIUM_PATH, else /usr/bin/chromium.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import express from 'express';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from './chromium';
import { makeTmp, startServer } from './variants';

export interface PageTiming {
  medianMs: number;
  p90Ms: number;
  /** Milliseconds per measured run, in run order. */
  samples: number[];
}

/** The fixtures' own clusters; the living world launches more beside them as time passes. */
const FIXTURE_CLUSTERS = 5;
const MAX_RUNS = 50;
const RUN_TIMEOUT_MS = 30_000;

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile of sorted samples (p90 of 10 samples is the 9th smallest). */
function percentile(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!fs.existsSync(executablePath)) {
    throw new Error(`chromium not found at ${executablePath}: set CHROMIUM_PATH or install chromium`);
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** One run: a fresh context and page; ms from goto start until the five cluster rows are visible. */
async function timeOnce(browser: Browser, pageUrl: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  try {
    const page = await context.newPage();
    const rows = page.locator('[data-testid="cluster-row"]');
    const started = performance.now();
    await page.goto(pageUrl, { waitUntil: 'commit', timeout: RUN_TIMEOUT_MS });
    await rows.nth(FIXTURE_CLUSTERS - 1).waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    const elapsed = performance.now() - started;
    const count = await rows.count();
    if (count < FIXTURE_CLUSTERS) {
      throw new Error(`expected at least ${FIXTURE_CLUSTERS} cluster rows on ${pageUrl}, found ${count} (is this the demo server?)`);
    }
    return elapsed;
  } finally {
    await context.close();
  }
}

/**
 * Opens `<url>/dashboard/clusters` `runs` times (1 to 50) in headless chromium and returns the
 * median, the p90 and every sample, in milliseconds. `url` is the server's base URL.
 */
export async function measureClustersPage(options: { url: string; runs: number; path?: string }): Promise<PageTiming> {
  const { runs } = options;
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) {
    throw new Error(`runs must be an integer from 1 to ${MAX_RUNS}, got ${runs}`);
  }
  const pageUrl = `${options.url.replace(/\/+$/, '')}${options.path ?? '/dashboard/clusters'}`;
  const browser = await launchChromium();
  try {
    await timeOnce(browser, pageUrl); // warm-up, not counted
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await timeOnce(browser, pageUrl));
    const sorted = [...samples].sort((a, b) => a - b);
    return { medianMs: median(sorted), p90Ms: percentile(sorted, 90), samples };
  } finally {
    await browser.close();
  }
}

const BASELINE_PATH = '/bench-baseline/clusters';
const BASELINE_HTML = `<!doctype html><html><head><title>baseline</title></head><body><table>${[
  'lambda-k8s',
  'training-multinode-1',
  'inference-cluster',
  'nebius-k8s',
  'dev-cluster-alice',
]
  .map((name) => `<tr data-testid="cluster-row"><td>${name}</td></tr>`)
  .join('')}</table></body></html>`;

/** The read-only demo as its own process (the built server with the demo preloaded), and a bare
 * Express app serving the same five rows as a static page: the baseline. */
async function startDemo(): Promise<{ url: string; baselineUrl: string; close(): Promise<void> }> {
  const tmp = makeTmp();
  const { child } = await startServer({ tmp, label: 'demo-page', demo: true, env: { SKYPILOT_RATE_LIMIT: 'off' } });
  const front = express();
  front.get(BASELINE_PATH, (_req, res) => {
    res.type('html').send(BASELINE_HTML);
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = front.listen(0, '127.0.0.1');
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: child.url,
    baselineUrl: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await child.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

export async function main(runs = 10): Promise<PageTiming> {
  const server = await startDemo();
  try {
    const timing = await measureClustersPage({ url: server.url, runs });
    const baseline = await measureClustersPage({ url: server.baselineUrl, runs, path: BASELINE_PATH });
    console.log(
      `clusters page: median ${Math.round(timing.medianMs)} ms, p90 ${Math.round(timing.p90Ms)} ms over ${timing.samples.length} runs`,
    );
    console.log(
      `static page with the same rows (baseline): median ${Math.round(baseline.medianMs)} ms, ` +
        `p90 ${Math.round(baseline.p90Ms)} ms; clusters page = ${(timing.medianMs / baseline.medianMs).toFixed(1)}x baseline`,
    );
    return timing;
  } finally {
    await server.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`pageTiming: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
