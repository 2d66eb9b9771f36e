/** A demo app for tests: the demo installed, an in-memory request store, and the scheduled round trip. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type SkyApp } from '../../src/app';
import { type DemoInstallation, type DemoOptions, installDemo } from '../../src/demo/installDemo';
import { RequestStore } from '../../src/requests/requestStore';

export const FIXTURES_DIR = path.resolve(__dirname, '..', '..', 'src', 'demo', 'fixtures');
export const PINNED_NOW = '2026-11-22T12:00:00Z';

export interface DemoApp {
  app: SkyApp;
  demo: DemoInstallation;
  store: RequestStore;
  close(): Promise<void>;
}

export async function startDemoApp(options: DemoOptions = {}): Promise<DemoApp> {
  const demo = installDemo({ reloadMs: 0, log: () => {}, spy: true, ...options });
  const store = await RequestStore.openSqlite(':memory:');
  const builtDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sky-dash-'));
  fs.writeFileSync(path.join(builtDir, 'index.html'), '<!doctype html><title>dashboard</title>');
  fs.copyFileSync(path.resolve(__dirname, '..', '..', 'src', 'dashboard', 'ui', 'favicon.ico'), path.join(builtDir, 'favicon.ico'));
  const app = createApp({ requests: store, dashboard: { builtDir }, getTimeoutMs: 5000 });
  return {
    app,
    demo,
    store,
    close: async () => {
      demo.restore();
      await store.close();
    },
  };
}

/** A copy of the fixtures in a temp dir, for tests that edit them. */
export function copyFixtures(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sky-fixtures-'));
  fs.cpSync(FIXTURES_DIR, dir, { recursive: true });
  return dir;
}

/**
 * A copy of the fixtures without activity.yaml: the still world, for tests of how fixture entries
 * become records (the living world adds runs whose number depends on the instant).
 */
export function stillFixtures(): string {
  const dir = copyFixtures();
  fs.rmSync(path.join(dir, 'activity.yaml'));
  return dir;
}

/** Every write fake that was called, as `seam.fn` names. */
export function calledWrites(demo: DemoInstallation): string[] {
  return demo.refused.filter((name) => {
    const [seam, fn] = name.split('.') as [keyof DemoInstallation['fakes'], string];
    return (demo.fakes[seam][fn] as { called?: boolean }).called === true;
  });
}
