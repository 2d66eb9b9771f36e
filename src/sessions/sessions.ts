/**
 * The demo with visitor sessions, installed by importing this module (`node -r
 * ./dist/src/sessions/sessions.js`, what `npm start` preloads when this wing is there): the read-only
 * demo of src/demo/ when sessions are off, and with them on (sandbox.yaml or SKYPILOT_DEMO_SANDBOX=1)
 * every visitor's private session over it. See docs/decisions/0010-sandbox-sessions.md.
 */
import { installSessionDemo } from './installSessions';

try {
  const demo = installSessionDemo();
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
