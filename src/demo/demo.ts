/**
 * The read-only demo, installed by importing this module (`import './demo/demo';`, the one line that
 * patches/demo.patch adds to src/server.ts, or `node -r ./dist/src/demo/demo.js`). Nothing outside
 * src/demo/ and the wings on top of it knows demo mode exists. See docs/decisions/0002-demo-mode.md.
 * Visitor sessions are a wing on top (src/sessions/sessions.ts installs the demo with them); asked
 * for here, they are refused at start rather than silently left off.
 */
import { installDemo } from './installDemo';
import { startDemo } from './startDemo';

const sessionsAsked = /^(1|true)$/i.test(process.env.SKYPILOT_DEMO_SANDBOX?.trim() ?? '');
if (sessionsAsked) {
  console.error(
    'skypilot-ts demo: SKYPILOT_DEMO_SANDBOX asks for visitor sessions, which this entry does not install: preload dist/src/sessions/sessions.js (npm start does)',
  );
  process.exit(2);
}
startDemo(installDemo, () => 'read-only demo installed');
