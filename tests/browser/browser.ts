/**
 * Chromium for browser tests, through playwright-core (no bundled browser: the system chromium, or
 * CHROMIUM_PATH). Also: whether the tests can run at all, and console/page error collection per page.
 *
 * No `--user-data-dir` argument: playwright's `launch` rejects it (it wants launchPersistentContext),
 * and `launch` already starts chromium on a fresh temporary profile that it deletes on close.
 */
import fs from 'node:fs';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../bench/chromium';

export { CHROMIUM_ARGS, chromiumPath };

export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export type BrowserAvailability = { run: true; path: string } | { run: false; path: string; reason: string };

/**
 * Browser tests run when chromium exists. Without it they are skipped, with a reason, outside CI only;
 * in CI they run and fail (see `launchBrowser`), so a CI image without chromium cannot pass silently.
 */
export function browserAvailability(): BrowserAvailability {
  const path = chromiumPath();
  if (fs.existsSync(path) || isCI()) return { run: true, path };
  return {
    run: false,
    path,
    reason: `browser tests SKIPPED: no chromium at ${path} (install chromium or set CHROMIUM_PATH; in CI this is a failure)`,
  };
}

export async function launchBrowser(): Promise<Browser> {
  const path = chromiumPath();
  if (!fs.existsSync(path)) {
    throw new Error(`chromium not found at ${path}: browser tests cannot run (set CHROMIUM_PATH or install chromium)`);
  }
  return chromium.launch({ executablePath: path, headless: true, args: CHROMIUM_ARGS });
}

export interface PageErrors {
  /** `console.error` messages and browser-reported errors (e.g. failed resource loads), with their URL. */
  console: string[];
  /** Uncaught exceptions and unhandled rejections in the page. */
  page: string[];
}

/** Starts collecting errors of one page; read the returned arrays after the page has been used. */
export function collectErrors(page: Page): PageErrors {
  const errors: PageErrors = { console: [], page: [] };
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url;
    errors.console.push(where ? `${msg.text()} (at ${where})` : msg.text());
  });
  page.on('pageerror', (error: Error) => {
    errors.page.push(error.stack ?? error.message);
  });
  return errors;
}
