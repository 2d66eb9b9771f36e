/**
 * The demo with visitor sessions, installed by importing this module (`node -r
 * ./dist/src/sessions/sessions.js`, what `npm start` preloads when this wing is there): the read-only
 * demo of src/demo/ when sessions are off, and with them on (sandbox.yaml or SKYPILOT_DEMO_SANDBOX=1)
 * every visitor's private session over it. See docs/decisions/0010-sandbox-sessions.md.
 */
import { pinnedNowError } from '../demo/demoClock';
import { installSessionDemo } from './installSessions';

// A bad setting is one readable line and exit 2, before anything starts.
const badNow = pinnedNowError();
if (badNow) {
  console.error(`skypilot-ts demo: ${badNow}`);
  process.exit(2);
}

try {
  const demo = installSessionDemo();
  const kind = demo.sessions
    ? `sandbox demo installed (sessions in ${demo.sessions.store.kind === 'redis' ? 'Redis' : 'memory'}, at most ${demo.sessions.settings.maxSessions})`
    : 'read-only demo installed';
  console.log(`[demo] ${kind}: fake world from ${demo.fixtures.dir}`);
} catch (error) {
  console.error(`skypilot-ts demo: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
