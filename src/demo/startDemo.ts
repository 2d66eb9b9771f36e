/**
 * What every entry of the demo does at start (src/demo/demo.ts, and the sessions wing's
 * src/sessions/sessions.ts): install, say in one line what was installed, or say in one line why it
 * cannot start and exit. One body, so a start-up check added here holds for both entries.
 */
import type { DemoInstallation } from './installDemo';

export function startDemo<T extends DemoInstallation>(install: () => T, describe: (demo: T) => string): void {
  try {
    const demo = install();
    console.log(`[demo] ${describe(demo)}: fake world from ${demo.fixtures.dir}`);
  } catch (error) {
    // A bad setting is one line and exit 2, as for the nightly's own (src/runServer.ts).
    const message = error instanceof Error ? error.message : String(error);
    console.error(`skypilot-ts: error: demo: ${message.split('\n')[0]}`);
    process.exit(2);
  }
}
