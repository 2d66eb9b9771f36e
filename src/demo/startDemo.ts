/**
 * What every entry of the demo does at start (src/demo/demo.ts, and the sessions wing's
 * src/sessions/sessions.ts): install, say in one line what was installed, or say in one line why it
 * cannot start and exit. One body, so a start-up check added here holds for both entries.
 */
import { pinnedNowError } from './demoClock';
import type { DemoInstallation } from './installDemo';

export function startDemo<T extends DemoInstallation>(install: () => T, describe: (demo: T) => string): void {
  // A bad setting is one readable line and exit 2, before anything starts.
  const badNow = pinnedNowError();
  if (badNow) {
    console.error(`skypilot-ts demo: ${badNow}`);
    process.exit(2);
  }
  try {
    const demo = install();
    console.log(`[demo] ${describe(demo)}: fake world from ${demo.fixtures.dir}`);
  } catch (error) {
    console.error(`skypilot-ts demo: cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
