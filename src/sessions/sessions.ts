/**
 * The demo with visitor sessions, installed by importing this module (`node -r
 * ./dist/src/sessions/sessions.js`, what `npm start` preloads when this wing is there): the read-only
 * demo of src/demo/ when sessions are off, and with them on (sandbox.yaml or SKYPILOT_DEMO_SANDBOX=1)
 * every visitor's private session over it. See docs/decisions/0010-sandbox-sessions.md.
 */
import { startDemo } from '../demo/startDemo';
import { installSessionDemo } from './installSessions';

startDemo(
  () => installSessionDemo(),
  ({ sessions }) =>
    sessions
      ? `sandbox demo installed (sessions in ${sessions.store.kind === 'redis' ? 'Redis' : 'memory'}, at most ${sessions.settings.maxSessions})`
      : 'read-only demo installed',
);
