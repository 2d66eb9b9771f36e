/**
 * First rows of every built-in dashboard page on a generated org (issue 17: "with the `enterprise`
 * preset, the built-in dashboard's clusters and jobs pages show rows in < 1 s in Chromium"): starts
 * the built demo on a copy of the fixtures with `generated: preset: <preset>`, pinned to one instant,
 * and times, per page, `page.goto` until its first row is visible, in a fresh browser context each
 * run (no cache), after one unmeasured warm-up per page. Prints one line per page and the server's RSS.
 *
 * Run (after `npm run build`): node dist/bench/presetPages.js [--preset enterprise|mid|small] [--runs 3]
 * With `--state-db FILE` it times the nightly instead, over a state database seeded by
 * `npm run seed:scale -- --db-path FILE` (issue 18: the pages "on that data"; the file is migrated
 * if it is older, nothing else is written to it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from './chromium';
import { type Child, ROOT, rssBytes, startChild } from './children';
import { makeTmp, startServer } from './variants';

const PRESETS = ['enterprise', 'mid', 'small'] as const;
const AT = '2026-11-22T12:00:00Z';
const PAGES: [route: string, rowTestId: string][] = [
  ['/clusters', 'cluster-row'],
  ['/jobs', 'managed-job-row'],
  ['/users', 'user-row'],
  ['/workspaces', 'workspace-row'],
  ['/infra', 'cloud-row'],
  ['/clusters/gen-00001', 'job-row'],
];

async function firstRowsMs(browser: Browser, url: string, rowTestId: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  try {
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    await page.getByTestId(rowTestId).first().waitFor({ state: 'visible', timeout: 60_000 });
    return performance.now() - started;
  } finally {
    await context.close();
  }
}

/** The built nightly over an existing state database (the requests database and HOME are the run's own). */
function startNightly(tmp: string, stateDb: string): Promise<Child> {
  if (!fs.existsSync(stateDb)) throw new Error(`--state-db ${stateDb}: no such file (seed one with npm run seed:scale)`);
  const args = ['dist/src/server.js', '--port', '0', '--db-path', stateDb, '--requests-db', path.join(tmp, 'requests.db')];
  return startChild('nightly-pages', args, { ...process.env, HOME: tmp, SKYPILOT_RATE_LIMIT: 'off' });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { preset: { type: 'string' }, runs: { type: 'string' }, 'state-db': { type: 'string' } },
  });
  const preset = values.preset ?? 'enterprise';
  if (!(PRESETS as readonly string[]).includes(preset)) throw new Error(`--preset must be one of ${PRESETS.join(', ')}, got '${preset}'`);
  const runs = Number(values.runs ?? 3);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new Error(`--runs must be an integer from 1 to 20, got '${values.runs}'`);

  const tmp = makeTmp();
  const stateDb = values['state-db'];
  let child: Child;
  if (stateDb) child = await startNightly(tmp, path.resolve(stateDb));
  else {
    const fixtures = path.join(tmp, 'fixtures');
    fs.cpSync(path.join(ROOT, 'src', 'demo', 'fixtures'), fixtures, { recursive: true });
    fs.appendFileSync(path.join(fixtures, 'activity.yaml'), `\ngenerated:\n  preset: ${preset}\n`);
    ({ child } = await startServer({
      tmp,
      label: `demo-${preset}`,
      demo: true,
      env: { SKYPILOT_RATE_LIMIT: 'off', SKYPILOT_DEMO_FIXTURES: fixtures, SKYPILOT_NOW: AT },
    }));
  }
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  try {
    const load = () =>
      os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    const what = stateDb ? `the nightly over ${stateDb}` : `the '${preset}' preset at ${AT}`;
    console.log(`first rows on ${what}, ${runs} runs per page, load average ${load()}`);
    // The seeded nightly has its own cluster names and no enabled infra: those two pages are left out.
    const pages = stateDb ? PAGES.filter(([r]) => r !== '/infra' && !r.startsWith('/clusters/')) : PAGES;
    for (const [route, testId] of pages) {
      const url = `${child.url}/dashboard${route}`;
      await firstRowsMs(browser, url, testId); // warm-up: the server's per-second caches, JIT
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) samples.push(await firstRowsMs(browser, url, testId));
      samples.sort((a, b) => a - b);
      console.log(
        `${route.padEnd(22)} first rows: median ${Math.round(samples[Math.floor(samples.length / 2)])} ms, ` +
          `max ${Math.round(samples[samples.length - 1])} ms`,
      );
    }
    console.log(`server rss ${(rssBytes(child.process.pid!) / 1048576).toFixed(0)} MB, load average after ${load()}`);
  } finally {
    await browser.close();
    await child.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`presetPages: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
