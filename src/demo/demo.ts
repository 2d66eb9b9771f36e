/**
 * Demo mode, installed by importing this module (`import './demo/demo';`, the one line that
 * patches/demo.patch adds to src/server.ts, or `node -r ./dist/src/demo/demo.js`). Nothing outside
 * src/demo/ knows demo mode exists. See docs/decisions/0002-demo-mode.md.
 */
import { installDemo } from './installDemo';

try {
  const demo = installDemo();
  const kind = demo.sessions
    ? `sandbox demo installed (sessions in ${demo.sessions.store.kind === 'redis' ? 'Redis' : 'memory'}, at most ${demo.sessions.settings.maxSessions})`
    : 'read-only demo installed';
  console.log(`[demo] ${kind}: fake world from ${demo.fixtures.dir}`);
} catch (error) {
  // A bad setting is one line and exit 2, as for the nightly's own (src/runServer.ts).
  const message = error instanceof Error ? error.message : String(error);
  console.error(`skypilot-ts: error: demo: ${message.split('\n')[0]}`);
  process.exit(2);
}
