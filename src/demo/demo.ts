/**
 * Demo mode, installed by importing this module (`import './demo/demo';`, the one line that
 * patches/demo.patch adds to src/server.ts, or `node -r ./dist/src/demo/demo.js`). Nothing outside
 * src/demo/ knows demo mode exists. See docs/decisions/0002-demo-mode.md.
 */
import { pinnedNowError } from './demoClock';
import { installDemo } from './installDemo';

// A bad setting is one readable line and exit 2, before anything starts.
const badNow = pinnedNowError();
if (badNow) {
  console.error(`skypilot-ts demo: ${badNow}`);
  process.exit(2);
}

try {
  const demo = installDemo();
  const kind = demo.sessions
    ? `sandbox demo installed (sessions in ${demo.sessions.store.kind === 'redis' ? 'Redis' : 'memory'}, at most ${demo.sessions.settings.maxSessions})`
    : 'read-only demo installed';
  console.log(`[demo] ${kind}: fake world from ${demo.fixtures.dir}`);
} catch (error) {
  console.error(`skypilot-ts demo: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
